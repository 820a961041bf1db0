import { base64Length, imageFacts, type ImageFacts } from './image.js';
import { intern, internedString } from './intern.js';
import { type DocumentFacts, documentFacts } from './pdf.js';
import { type Entry, parseBlock } from './schema.js';

export type JsonPath = readonly (string | number)[];

export interface ImageRef extends ImageFacts {
  /** Path of the image block inside the entry. */
  path: JsonPath;
}

export interface DocumentRef extends DocumentFacts {
  /** Path of the document block inside the entry. */
  path: JsonPath;
}

/** A ToolSearch result's reference to a tool it loaded (an item of a tool_result's content). */
export interface ToolRef {
  path: JsonPath;
  /** The tool it names; '' when the item names none. */
  name: string;
}

/** What rules need to know about one content block, computed once at load. */
export interface BlockInfo {
  type: string;
  /** Where the block sits inside its entry (for edits and provenance). */
  path: JsonPath;
  /** tool_use / server_tool_use id; `undefined` when absent or not a string. */
  id?: string;
  name?: string;
  /** tool_use input is a JSON object (the API's "valid dictionary"). */
  inputIsObject?: boolean;
  /** tool_result's (or a server tool's `*_tool_result`'s) tool_use_id; `undefined` when absent or not a string. */
  toolUseId?: string;
  /**
   * The interned id (see intern.ts) of `id` or `toolUseId`, whichever the block
   * has; -1 when neither. Set with the line's ids (internIds), so rules pair
   * tool ids by number without reading 40k strings after every edit.
   */
  tid: number;
  isError?: boolean;
  /** tool_result whose content is a list of blocks (not a string). */
  listContent?: boolean;
  /** text/thinking with no characters; tool_result with no content. */
  empty: boolean;
  /** Text made only of whitespace (and not empty). */
  whitespace: boolean;
  trailingWhitespace: boolean;
  /** `absent`: no signature field; `missing`: empty or not a string; `malformed`: not base64. */
  signature?: 'ok' | 'absent' | 'missing' | 'malformed';
  preview: string;
  chars: number;
  /**
   * Bytes the block takes in the request body. Tool inputs and unknown blocks
   * are measured as JSON; text-like blocks count their characters plus their
   * keys (a slight lower bound: escapes and multi-byte UTF-8 add a little),
   * because stringifying every text at load would cost an eighth of the load.
   */
  sent: number;
  images: ImageRef[];
  /** Document blocks: the block itself, or those in a tool result's content. */
  documents?: DocumentRef[];
  /** The tool references in a tool result's content. */
  toolRefs?: ToolRef[];
}

export interface LineInfo {
  kind: 'entry' | 'invalid' | 'blank';
  /** Why an invalid line could not be read. */
  error?: string;
  /** What could still be read of a torn line's links, to relink its orphans. */
  torn?: { uuid: string; parentUuid: string | null | undefined };
  type?: string;
  subtype?: string;
  uuid?: string;
  parentUuid?: string | null;
  /** Interned ids of uuid, parentUuid and message.id (see intern.ts); -1 when absent. */
  uid: number;
  pid: number;
  mid: number;
  logicalParentUuid?: string | null;
  isSidechain: boolean;
  isMeta: boolean;
  isCompactSummary: boolean;
  isVisibleInTranscriptOnly: boolean;
  isApiErrorMessage: boolean;
  /** The role this line contributes to the API request, if any. */
  role?: 'user' | 'assistant';
  messageId?: string;
  /**
   * On an assistant line: the API's own count of the request that produced the
   * response (usage.input_tokens + cache_creation_input_tokens +
   * cache_read_input_tokens), when the line records usage.
   */
  requestTokens?: number;
  /** On an assistant line: the model that answered (message.model). */
  model?: string;
  /** True when `message.content` is a plain string (one text block). */
  stringContent: boolean;
  blocks: BlockInfo[];
  leafUuid?: string;
  sessionId?: string;
  version?: string;
  cwd?: string;
  gitBranch?: string;
  timestamp?: string;
  /** The subagent a line of a subagent transcript belongs to. */
  agentId?: string;
  /** On a compact boundary: the messages the compaction kept, to be sent after the summary (`anchor`), head to tail. */
  preservedSegment?: { head: string; anchor: string; tail: string };
  /** On an attachment line: its `attachment.type` (which clients send it depends on it). */
  attachment?: string;
  /** An attachment announcing the tools ToolSearch can load (added) and those no longer there (removed). */
  deferredTools?: { added: string[]; removed: string[] };
  /** Paths of strings holding an unpaired UTF-16 surrogate. */
  loneSurrogates: JsonPath[];
  /** The first unpaired surrogate of the line: a high one with no low after it, or a low one alone. */
  firstLoneSurrogate?: 'high' | 'low';
  /** Length of the line in bytes (without its end of line). */
  bytes: number;
}

const PREVIEW = 120;
const WS = /^\s+$/;
const TRAILING_WS = /\s$/;
const BASE64 = /^[A-Za-z0-9+/_-]+=*$/;
const INPUT_KEYS = ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt'];

/** The first `n` characters of a text with its whitespace runs made single spaces and its ends trimmed: a prefix of the whole text's. */
const flatHead = (text: string, n: number): string => (text.length > n ? text.slice(0, n) : text).replace(/\s+/g, ' ').trim();

export function preview(text: string): string {
  // Flattening a prefix gives a prefix of the flattened text: when twice the preview's length
  // already flattens to more than a preview (nearly always), the rest need not be read.
  let flat = flatHead(text, PREVIEW * 2);
  if (flat.length <= PREVIEW && text.length > PREVIEW * 2) flat = flatHead(text, PREVIEW * 4);
  return flat.length > PREVIEW ? `${flat.slice(0, PREVIEW - 1)}…` : flat;
}

/** A summary with every field at its default; entries and the wire decoder fill it in. */
export function emptyLine(kind: LineInfo['kind'], bytes: number): LineInfo {
  return {
    kind,
    isSidechain: false,
    isMeta: false,
    isCompactSummary: false,
    isVisibleInTranscriptOnly: false,
    isApiErrorMessage: false,
    stringContent: false,
    blocks: [],
    loneSurrogates: [],
    bytes,
    uid: -1,
    pid: -1,
    mid: -1,
  };
}

const TORN_UUID = /"uuid":\s*"([^"]+)"/;
const TORN_PARENT = /"parentUuid":\s*(?:"([^"]+)"|null)/;

export function invalidLineInfo(error: string, text: string, bytes: number): LineInfo {
  const info: LineInfo = { ...emptyLine(text.trim() === '' ? 'blank' : 'invalid', bytes), error };
  const uuid = TORN_UUID.exec(text)?.[1];
  if (uuid) {
    const parent = TORN_PARENT.exec(text);
    info.torn = { uuid, parentUuid: parent ? (parent[1] ?? null) : undefined };
  }
  return info;
}

/** Bytes of a value serialised as JSON: what it adds to the request body. */
function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return json === undefined ? 0 : Buffer.byteLength(json);
}

/** `{"type":"text","text":""}` around a text; the keys of a tool result or thinking block. */
const TEXT_WRAPPER = 25;
const BLOCK_KEYS = 96;

/** A text block (a string content is sent as one). */
function textBlock(text: string, path: JsonPath): BlockInfo {
  return {
    type: 'text',
    path,
    empty: text.length === 0,
    whitespace: text.length > 0 && WS.test(text),
    trailingWhitespace: TRAILING_WS.test(text),
    preview: preview(text),
    chars: text.length,
    sent: text.length + TEXT_WRAPPER,
    images: [],
    tid: -1,
  };
}

function toolInputPreview(input: unknown): string {
  if (typeof input === 'string') return preview(input);
  if (!input || typeof input !== 'object') return '';
  const obj = input as Record<string, unknown>;
  for (const k of INPUT_KEYS) if (typeof obj[k] === 'string') return preview(obj[k] as string);
  return preview(Object.keys(obj).join(', '));
}

interface ResultContent {
  chars: number;
  text: string;
  images: ImageRef[];
  documents?: DocumentRef[];
  toolRefs?: ToolRef[];
}

function resultContent(content: unknown, path: JsonPath): ResultContent {
  if (content === undefined || content === null) return { chars: 0, text: '', images: [] };
  if (typeof content === 'string') return { chars: content.length, text: content, images: [] };
  if (!Array.isArray(content)) return { chars: 1, text: '', images: [] };
  const out: ResultContent = { chars: 0, text: '', images: [] };
  content.forEach((item, i) => {
    if (!item || typeof item !== 'object') return;
    const b = item as { type?: unknown; text?: unknown; source?: unknown; title?: unknown; tool_name?: unknown };
    if (typeof b.text === 'string') {
      out.chars += b.text.length;
      if (!out.text) out.text = b.text;
    } else out.chars += 1;
    if (b.type === 'image') {
      const f = imageFacts(b.source);
      if (f) out.images.push({ ...f, path: [...path, i] });
    } else if (b.type === 'document') {
      const f = documentFacts(b.source, b.title);
      if (f) (out.documents ??= []).push({ ...f, path: [...path, i] });
    } else if (b.type === 'tool_reference') {
      (out.toolRefs ??= []).push({ path: [...path, i], name: typeof b.tool_name === 'string' ? b.tool_name : '' });
    }
  });
  return out;
}

/** A server tool's result block (`web_search_tool_result`, `advisor_tool_result`…), which a server_tool_use before it must answer. */
export const isServerToolResult = (type: string): boolean => type !== 'tool_result' && type.endsWith('_tool_result');

/** What rules need to know about one content block (its tool id not interned: see internIds). */
export function blockInfoOf(raw: unknown, path: JsonPath): BlockInfo {
  const b = parseBlock(raw);
  if (!b) {
    return {
      type: 'invalid',
      path,
      empty: false,
      whitespace: false,
      trailingWhitespace: false,
      preview: '',
      chars: 0,
      sent: jsonBytes(raw),
      images: [],
      tid: -1,
    };
  }
  if (b.type === 'text') {
    return textBlock(typeof b.text === 'string' ? b.text : '', path);
  }
  const base: BlockInfo = {
    type: b.type,
    path,
    empty: false,
    whitespace: false,
    trailingWhitespace: false,
    preview: '',
    chars: 0,
    sent: 0,
    images: [],
    tid: -1,
  };
  switch (b.type) {
    case 'thinking': {
      const t = typeof b.thinking === 'string' ? b.thinking : '';
      const sig = b.signature;
      base.empty = t.length === 0;
      base.preview = preview(t);
      base.chars = t.length;
      base.sent = t.length + (typeof sig === 'string' ? sig.length : 0) + BLOCK_KEYS;
      base.signature = sig === undefined ? 'absent' : typeof sig !== 'string' || sig.length === 0 ? 'missing' : BASE64.test(sig) ? 'ok' : 'malformed';
      return base;
    }
    case 'tool_use':
    case 'server_tool_use': {
      if (typeof b.id === 'string') base.id = b.id;
      if (typeof b.name === 'string') base.name = b.name;
      base.inputIsObject = !!b.input && typeof b.input === 'object' && !Array.isArray(b.input);
      base.preview = `${base.name ?? '?'} ${toolInputPreview(b.input)}`;
      base.sent = jsonBytes(raw);
      return base;
    }
    case 'tool_result': {
      if (typeof b.tool_use_id === 'string') base.toolUseId = b.tool_use_id;
      base.isError = b.is_error === true;
      if (Array.isArray(b.content)) base.listContent = true;
      const c = resultContent(b.content, [...path, 'content']);
      base.empty = c.chars === 0;
      base.chars = c.chars;
      base.preview = preview(c.text);
      base.images = c.images;
      if (c.documents) base.documents = c.documents;
      if (c.toolRefs) base.toolRefs = c.toolRefs;
      base.sent = c.chars + c.images.reduce((n, img) => n + base64Length(img), 0) + (c.documents?.reduce((n, d) => n + base64Length(d), 0) ?? 0) + BLOCK_KEYS;
      return base;
    }
    case 'image': {
      const f = imageFacts(b.source);
      if (f) base.images = [{ ...f, path }];
      base.preview = f ? `${f.mediaType} ${f.width ?? '?'}×${f.height ?? '?'}` : 'image';
      base.sent = (f ? base64Length(f) : 0) + BLOCK_KEYS;
      return base;
    }
    case 'document': {
      const f = documentFacts(b.source, b.title);
      if (f) base.documents = [{ ...f, path }];
      base.preview = f ? `${f.title ?? f.mediaType}` : 'document';
      base.sent = jsonBytes(raw);
      return base;
    }
    default:
      if (isServerToolResult(b.type) && typeof b.tool_use_id === 'string') base.toolUseId = b.tool_use_id;
      base.sent = jsonBytes(raw);
      return base;
  }
}

const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A compact boundary's preserved segment, when it names all three of its lines. */
function preservedSegmentOf(metadata: unknown): LineInfo['preservedSegment'] {
  const kept = (metadata as { preservedSegment?: { headUuid?: unknown; anchorUuid?: unknown; tailUuid?: unknown } } | null | undefined)?.preservedSegment;
  if (!kept || typeof kept.headUuid !== 'string' || typeof kept.anchorUuid !== 'string' || typeof kept.tailUuid !== 'string') return undefined;
  return { head: kept.headUuid, anchor: kept.anchorUuid, tail: kept.tailUuid };
}

/** The tools a `deferred_tools_delta` attachment adds and removes. */
function deferredToolsOf(attachment: unknown): LineInfo['deferredTools'] {
  if (!attachment || typeof attachment !== 'object') return undefined;
  const a = attachment as { type?: unknown; addedNames?: unknown; removedNames?: unknown };
  if (a.type !== 'deferred_tools_delta') return undefined;
  return { added: names(a.addedNames), removed: names(a.removedNames) };
}

/** The input tokens the API counted for the request a response answered, from its `usage`. */
function requestTokensOf(usage: unknown): number | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  if (typeof u.input_tokens !== 'number') return undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return n(u.input_tokens) + n(u.cache_creation_input_tokens) + n(u.cache_read_input_tokens);
}

/** The first UTF-16 unit of `s` that is half of a pair with no other half, if any. */
function firstLoneSurrogate(s: string): 'high' | 'low' | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return c >= 0xdc00 ? 'low' : 'high';
  }
  return undefined;
}

/** Records every path under `value` whose string (or key) holds an unpaired surrogate. */
function findLoneSurrogates(value: unknown, path: (string | number)[], info: LineInfo): void {
  const check = (s: string, at: (string | number)[]) => {
    if (s.isWellFormed()) return;
    info.firstLoneSurrogate ??= firstLoneSurrogate(s);
    info.loneSurrogates.push(at);
  };
  if (typeof value === 'string') check(value, [...path]);
  else if (Array.isArray(value)) value.forEach((v, i) => findLoneSurrogates(v, [...path, i], info));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      check(k, [...path, k]);
      findLoneSurrogates(v, [...path, k], info);
    }
  }
}

/** Lone surrogates can only reach a UTF-8 file as \uD8xx..\uDFxx escapes. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Sets uid, pid and mid from the uuid, parentUuid and message id, and each
 * block's tid from its tool id. Kept apart
 * from summarising so that a load spread over threads (see load.ts) still
 * interns in file order: ids then never depend on how a file was read.
 */
export function internIds(info: LineInfo, previous?: LineInfo): void {
  // Each id's string is held once: a parent's uuid, a message id split over lines and a tool id
  // in its result all point at the first copy (a 2 GB transcript has a million of each).
  // Most lines follow the line before them in the file (its child, the next part of its message,
  // the results of its calls): comparing with that line's ids spares a lookup in a table of
  // every id, which a load does for each line on the main thread.
  if (info.uuid) info.uid = intern(info.uuid);
  if (info.parentUuid) {
    info.pid = previous !== undefined && previous.uid >= 0 && info.parentUuid === previous.uuid ? previous.uid : intern(info.parentUuid);
    info.parentUuid = internedString(info.pid);
  }
  if (info.messageId) {
    info.mid = previous !== undefined && previous.mid >= 0 && info.messageId === previous.messageId ? previous.mid : intern(info.messageId);
    info.messageId = internedString(info.mid);
  }
  for (const b of info.blocks) {
    if (b.id !== undefined) {
      b.tid = intern(b.id);
      b.id = internedString(b.tid);
    } else if (b.toolUseId !== undefined) {
      b.tid = (previous && callIn(previous, b.toolUseId)) ?? intern(b.toolUseId);
      b.toolUseId = internedString(b.tid);
    }
  }
}

/** The interned id of the block of `info` that has the id `id` (a call its result answers), if any. */
function callIn(info: LineInfo, id: string): number | undefined {
  for (const b of info.blocks) if (b.tid >= 0 && b.id === id) return b.tid;
  return undefined;
}

/**
 * Makes the strings that repeat from line to line (type, session, version, cwd, branch, model,
 * agent, block types and tool names) point at one copy each, kept in `seen` for one load:
 * JSON.parse makes a new copy on every line.
 */
export function shareStrings(info: LineInfo, seen: Map<string, string>, previous?: LineInfo): void {
  // The line before usually has the same session, version, cwd…: the same copy (an identity
  // check when a worker's table already shared them) or one equal to it, cheaper than a lookup.
  const p = previous;
  if (info.type !== undefined) info.type = info.type === p?.type ? p.type : one(info.type, seen);
  if (info.subtype !== undefined) info.subtype = info.subtype === p?.subtype ? p.subtype : one(info.subtype, seen);
  if (info.sessionId !== undefined) info.sessionId = info.sessionId === p?.sessionId ? p.sessionId : one(info.sessionId, seen);
  if (info.version !== undefined) info.version = info.version === p?.version ? p.version : one(info.version, seen);
  if (info.cwd !== undefined) info.cwd = info.cwd === p?.cwd ? p.cwd : one(info.cwd, seen);
  if (info.gitBranch !== undefined) info.gitBranch = info.gitBranch === p?.gitBranch ? p.gitBranch : one(info.gitBranch, seen);
  if (info.model !== undefined) info.model = info.model === p?.model ? p.model : one(info.model, seen);
  if (info.agentId !== undefined) info.agentId = info.agentId === p?.agentId ? p.agentId : one(info.agentId, seen);
  for (const b of info.blocks) {
    b.type = one(b.type, seen);
    if (b.name !== undefined) b.name = one(b.name, seen);
  }
}

/** The copy of `s` kept in `seen`, kept there now if it is the first. */
function one(s: string, seen: Map<string, string>): string {
  const known = seen.get(s);
  if (known !== undefined) return known;
  seen.set(s, s);
  return s;
}

/**
 * Summarises one parsed entry (ids not yet interned: see internIds). `text` is
 * the line's decoded text, used for a cheap pre-check before the full surrogate walk.
 */
export function lineInfoOf(raw: Record<string, unknown>, entry: Entry, text: string, bytes: number): LineInfo {
  const info = emptyLine('entry', bytes);
  info.type = entry.type;
  info.subtype = entry.subtype;
  info.uuid = entry.uuid;
  info.parentUuid = entry.parentUuid;
  info.logicalParentUuid = entry.logicalParentUuid;
  info.isSidechain = entry.isSidechain === true;
  info.isMeta = entry.isMeta === true;
  info.isCompactSummary = entry.isCompactSummary === true;
  info.isVisibleInTranscriptOnly = entry.isVisibleInTranscriptOnly === true;
  info.isApiErrorMessage = entry.isApiErrorMessage === true;
  info.leafUuid = entry.leafUuid;
  info.sessionId = entry.sessionId;
  info.version = entry.version;
  info.cwd = entry.cwd;
  info.gitBranch = entry.gitBranch;
  info.timestamp = entry.timestamp;
  if (entry.agentId !== undefined) info.agentId = entry.agentId;

  if ((entry.type === 'user' || entry.type === 'assistant') && entry.message) {
    info.role = entry.type;
    info.messageId = entry.message.id;
    if (entry.type === 'assistant') {
      const tokens = requestTokensOf(entry.message.usage);
      if (tokens !== undefined) info.requestTokens = tokens;
      if (entry.message.model !== undefined) info.model = entry.message.model;
    }
    const content = entry.message.content;
    if (typeof content === 'string') {
      info.stringContent = true;
      info.blocks = [textBlock(content, ['message', 'content'])];
    } else if (Array.isArray(content)) {
      info.blocks = content.map((b, i) => blockInfoOf(b, ['message', 'content', i]));
    }
  } else if (entry.type === 'attachment' && Array.isArray(entry.rendered)) {
    // Claude Code sends an attachment as user text, one block per rendered part.
    info.role = 'user';
    const type = (entry.attachment as { type?: unknown } | null | undefined)?.type;
    if (typeof type === 'string') info.attachment = type;
    const tools = deferredToolsOf(entry.attachment);
    if (tools) info.deferredTools = tools;
    entry.rendered.forEach((r, i) => {
      const c = r && typeof r === 'object' ? (r as { content?: unknown }).content : undefined;
      if (typeof c === 'string') info.blocks.push(textBlock(c, ['rendered', i, 'content']));
    });
  } else if (entry.type === 'system' && entry.subtype === 'compact_boundary') {
    const kept = preservedSegmentOf(entry.compactMetadata);
    if (kept) info.preservedSegment = kept;
  } else if (entry.type === 'system' && entry.subtype === 'local_command' && typeof entry.content === 'string') {
    info.role = 'user';
    info.stringContent = true;
    info.blocks = [textBlock(entry.content, ['content'])];
  }
  if (SURROGATE_ESCAPE.test(text)) findLoneSurrogates(raw, [], info);
  return info;
}
