import { ASSISTANT, RESULTS, SENT, columnsOf } from '../transcript/columns.js';
import { type Doc, entryOf } from '../transcript/document.js';
import { internedCount } from '../transcript/intern.js';
import { valueAt } from '../transcript/jsonPath.js';
import { type BlockInfo, blockInfoOf } from '../transcript/lineInfo.js';
import { type BehaviourId, type Client, NEWEST } from './clients.js';
import type { Graph } from './graph.js';

/** One content block of the rebuilt request, with where it came from. */
export interface ViewBlock {
  /** Position of the line in `doc.lines` (for a block the client makes: the line it follows). */
  readonly pos: number;
  /** Index of the block among the line's blocks; -1 for a block the client makes. */
  readonly index: number;
  readonly info: BlockInfo;
  /** What the client sends instead of the line's block (or, for a block it makes, the block). */
  readonly replacement?: unknown;
}

export interface ViewMessage {
  readonly role: 'user' | 'assistant';
  readonly blocks: readonly ViewBlock[];
  /** Positions of every line merged into this message, in send order (none for a message the client makes). */
  readonly lines: readonly number[];
}

/** Line position -> index of the message it went into. */
export interface MessageIndex {
  get(pos: number): number | undefined;
  /** How many lines went into messages. */
  readonly size: number;
}

/**
 * What a client changes on the way: a block it drops, changes or makes, or a
 * line it leaves out. Rules report these as what the client patches.
 */
export interface Patch {
  readonly by: BehaviourId;
  readonly change: 'dropped' | 'changed' | 'made' | 'moved';
  readonly pos: number;
  /** The block of the line; -1 for the whole line or a made block. */
  readonly index: number;
  /** The message it is (or would have been) in. */
  readonly message: number;
}

export interface ApiView {
  readonly client: Client;
  readonly messages: readonly ViewMessage[];
  readonly messageOf: MessageIndex;
  readonly patches: readonly Patch[];
}

/** A MessageIndex over a typed array (-1: not sent): filling a Map of 30k numbers costs more than the rest of the view. */
function messageIndex(at: Int32Array, size: number): MessageIndex {
  return {
    get: (pos) => {
      const m = at[pos] ?? -1;
      return m === -1 ? undefined : m;
    },
    size,
  };
}

/** What a client sends where a message would be left with nothing else, and where the conversation ends on a prompt. */
export const NO_CONTENT = '(no content)';
export const NO_RESPONSE = 'No response requested.';
export const TOOL_CALL_INTERRUPTED = '[Tool call interrupted: the session ended before the tool returned a result]';

/**
 * The lines a client sends for `chain`, in order. Every client sends a split
 * assistant response as one message, its lines gathered by message.id, then the
 * tool_result lines hanging off them, even when results were written between
 * its tool_use lines. A client that sends parallel calls whole also takes the
 * response's lines and results that sit on side branches (parallel tool calls
 * put all results but the last there); an older one only those on the chain.
 */
function linesSent(doc: Doc, graph: Graph, client: Client, chain: readonly number[]): number[] {
  // Which lines are sent, answer, or hold results: read from the columns, not from 30k line objects.
  const { flags, uid, mid } = columnsOf(doc.lines);
  const order: number[] = [];
  const emitted = new Uint8Array(doc.lines.length);
  let reachable: Uint8Array | undefined;
  if (!client.has('side-branches')) {
    reachable = new Uint8Array(doc.lines.length);
    for (const p of chain) reachable[p] = 1;
  }
  const emit = (p: number) => {
    if (!emitted[p] && flags[p]! & SENT && (!reachable || reachable[p])) {
      emitted[p] = 1;
      order.push(p);
    }
  };
  const isSentAssistant = (p: number) => (flags[p]! & (SENT | ASSISTANT)) === (SENT | ASSISTANT);
  for (const p of chain) {
    if (emitted[p]) continue;
    if (!isSentAssistant(p)) {
      emit(p);
      continue;
    }
    // The response's sent assistant lines (found through the graph's message index; a line that lost
    // its message.id is a response of its own), then the tool_result lines hanging off them.
    const group = mid[p]! >= 0 ? graph.linesOfMessage(mid[p]!) : [p];
    let results: number[] | undefined;
    for (const g of group) {
      if (!isSentAssistant(g)) continue;
      emit(g);
      // A line whose uuid a later line also carries names nothing: children of that uuid belong to the later line.
      if (uid[g]! < 0 || graph.posOfId(uid[g]!) !== g) continue;
      for (const c of graph.childrenOfId(uid[g]!)) if (flags[c]! & RESULTS) (results ??= []).push(c);
    }
    results?.sort((a, b) => a - b).forEach(emit);
  }
  return order;
}

/**
 * linesSent, once per chain and per answer to side-branches: every generation
 * that walks a document alike sends the same lines (a chain belongs to one
 * graph of one document, so it is the key).
 */
const sentLines = new WeakMap<readonly number[], { sides?: number[]; chainOnly?: number[] }>();

function sentLinesOf(doc: Doc, graph: Graph, client: Client, chain: readonly number[]): readonly number[] {
  let known = sentLines.get(chain);
  if (!known) sentLines.set(chain, (known = {}));
  const slot = client.has('side-branches') ? 'sides' : 'chainOnly';
  return (known[slot] ??= linesSent(doc, graph, client, chain));
}

/** A block the client makes: a text, or a tool_result answering an interrupted call. */
function madeBlock(pos: number, value: { type: string } & Record<string, unknown>, tid = -1): ViewBlock {
  const info = blockInfoOf(value, []);
  info.tid = tid;
  return { pos, index: -1, info, replacement: value };
}

const madeText = (pos: number, text: string) => madeBlock(pos, { type: 'text', text });

/** A message under construction: its blocks and lines, with room to drop and add. */
interface Draft {
  role: 'user' | 'assistant';
  blocks: ViewBlock[];
  lines: number[];
  /** Set when a removal took its last block (a message empty as written is sent empty). */
  emptied?: boolean;
}

/** The lines a client sends merged into messages, with the blank text it drops on the way. */
interface Merged {
  readonly drafts: readonly Draft[];
  readonly blankPatches: readonly Patch[];
}

/** Merges once per chain, answer to side branches and to blank text: generations alike there share it. */
const merges = new WeakMap<readonly number[], Map<string, Merged>>();

function mergedOf(doc: Doc, graph: Graph, client: Client, chain: readonly number[]): Merged {
  const dropBlank = client.has('drop-blank-text');
  const key = `${client.has('side-branches')}|${dropBlank}`;
  let byKey = merges.get(chain);
  if (!byKey) merges.set(chain, (byKey = new Map()));
  const known = byKey.get(key);
  if (known) return known;
  const { lines } = doc;
  const blankPatches: Patch[] = [];
  // Merge the lines into messages: a line of the same role joins the message before it (an assistant
  // line only with the same message.id: the rest of one response).
  const drafts: Draft[] = [];
  let openerId: string | undefined;
  for (const p of sentLinesOf(doc, graph, client, chain)) {
    const info = lines[p]!.info;
    const role = info.role!;
    let last = drafts[drafts.length - 1];
    if (!last || role !== last.role || (role === 'assistant' && (!info.messageId || info.messageId !== openerId))) {
      last = { role, blocks: [], lines: [] };
      drafts.push(last);
      openerId = info.messageId;
    }
    last.lines.push(p);
    const infos = info.blocks;
    for (let index = 0; index < infos.length; index++) {
      const b = infos[index]!;
      if (dropBlank && b.type === 'text' && (b.empty || b.whitespace)) {
        blankPatches.push({ by: 'drop-blank-text', change: 'dropped', pos: p, index, message: drafts.length - 1 });
        continue;
      }
      last.blocks.push({ pos: p, index, info: b });
    }
  }
  const made = { drafts, blankPatches };
  byKey.set(key, made);
  return made;
}

/**
 * Rebuilds the messages `client` would send for `chain`: which lines it sends,
 * merged into alternating messages, and what it drops, changes or makes on the
 * way (see clients.ts for which version does what).
 */
export function buildApiView(doc: Doc, graph: Graph, client: Client = NEWEST, chain: readonly number[] = graph.chain): ApiView {
  const { lines } = doc;
  const dropBlank = client.has('drop-blank-text');
  const merged = mergedOf(doc, graph, client, chain);
  const patches: Patch[] = [...merged.blankPatches];
  // The patches below change messages in place: each view works on its own copy of the shared merge.
  const drafts = merged.drafts.map((d) => ({ role: d.role, blocks: d.blocks.slice(), lines: d.lines.slice() }));

  let messages = drafts;
  if (dropBlank) messages = withoutEmptyMessages(messages, patches);
  if (client.has('results-first')) resultsFirst(messages, patches);
  if (client.has('drop-orphan-results')) dropOrphanResults(messages, patches);
  if (client.has('dedupe-tool-ids')) dedupeToolIds(messages, patches);
  if (client.has('drop-unanswered-calls')) dropUnansweredCalls(messages, patches, client);
  messages = withoutEmptied(messages);
  if (client.has('answer-final-prompt')) endOnAnswer(messages, patches);

  const messageOf = new Int32Array(lines.length).fill(-1);
  let size = 0;
  messages.forEach((m, i) => {
    for (const p of m.lines) {
      messageOf[p] = i;
      size++;
    }
  });
  return { client, messages, messageOf: messageIndex(messageOf, size), patches };
}

/**
 * A message left with no block (its text lines all blank) is dropped, and the
 * messages around it, of one role now, are sent as one. The last assistant
 * message is answered "No response requested." instead.
 */
function withoutEmptyMessages(drafts: Draft[], patches: Patch[]): Draft[] {
  const out: Draft[] = [];
  const lastAssistant = drafts.findLastIndex((d) => d.role === 'assistant');
  drafts.forEach((d, i) => {
    if (!d.blocks.length) {
      if (i === lastAssistant) {
        d.blocks.push(madeText(d.lines[d.lines.length - 1]!, NO_RESPONSE));
        patches.push({ by: 'drop-blank-text', change: 'made', pos: d.lines[d.lines.length - 1]!, index: -1, message: out.length });
      } else {
        const prev = out[out.length - 1];
        if (prev) prev.lines.push(...d.lines);
        return;
      }
    }
    const prev = out[out.length - 1];
    if (prev && prev.role === d.role && d.role === 'user') {
      prev.blocks.push(...d.blocks);
      prev.lines.push(...d.lines);
      return;
    }
    out.push(d);
  });
  return out;
}

/** Tool results open their user message: a client moves them before the text around them. */
function resultsFirst(messages: Draft[], patches: Patch[]): void {
  messages.forEach((m, i) => {
    if (m.role !== 'user') return;
    const results = m.blocks.filter((b) => b.info.type === 'tool_result');
    if (!results.length || m.blocks.slice(0, results.length).every((b) => b.info.type === 'tool_result')) return;
    const others = m.blocks.filter((b) => b.info.type !== 'tool_result');
    for (const r of results)
      if (m.blocks.indexOf(r) >= results.length) patches.push({ by: 'results-first', change: 'moved', pos: r.pos, index: r.index, message: i });
    m.blocks = [...results, ...others];
  });
}

/** An interned-id set sized to every id, cleared by list. */
class Ids {
  private readonly has = new Uint8Array(internedCount());
  private readonly added: number[] = [];
  add(id: number): void {
    if (id < 0 || this.has[id]) return;
    this.has[id] = 1;
    this.added.push(id);
  }
  contains(id: number): boolean {
    return id >= 0 && this.has[id] === 1;
  }
  clear(): void {
    for (const id of this.added) this.has[id] = 0;
    this.added.length = 0;
  }
}

/** Removes blocks from a message; one emptied is marked for `withoutEmptied` to take out. */
function removeBlocks(m: Draft, gone: ReadonlySet<ViewBlock>, by: BehaviourId, message: number, patches: Patch[]): void {
  if (!gone.size) return;
  for (const b of gone) patches.push({ by, change: 'dropped', pos: b.pos, index: b.index, message });
  m.blocks = m.blocks.filter((b) => !gone.has(b));
  if (!m.blocks.length) m.emptied = true;
}

/** Messages that removals emptied are not sent (their lines stay with the message before, for provenance). */
function withoutEmptied(messages: Draft[]): Draft[] {
  if (!messages.some((m) => m.emptied)) return messages;
  const out: Draft[] = [];
  for (const m of messages) {
    if (!m.emptied) out.push(m);
    else out[out.length - 1]?.lines.push(...m.lines);
  }
  return out;
}

/** The tool_use blocks of an assistant message (-1 when it is not one). */
const callsOf = (m: Draft | undefined) => (m?.role === 'assistant' ? m.blocks.filter((b) => b.info.type === 'tool_use') : []);

/** A tool_result whose call is not in the previous message is removed (one that opens the request stays). */
function dropOrphanResults(messages: Draft[], patches: Patch[]): void {
  const called = new Ids();
  messages.forEach((m, i) => {
    if (m.role !== 'user' || i === 0) return;
    called.clear();
    for (const c of callsOf(messages[i - 1])) called.add(c.info.tid);
    const gone = new Set(m.blocks.filter((b) => b.info.type === 'tool_result' && !called.contains(b.info.tid)));
    removeBlocks(m, gone, 'drop-orphan-results', i, patches);
  });
}

/** A tool_use whose id was used before is removed, and its result with it. */
function dedupeToolIds(messages: Draft[], patches: Patch[]): void {
  const seen = new Ids();
  messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    const again = new Set<ViewBlock>();
    for (const c of callsOf(m)) {
      if (seen.contains(c.info.tid)) again.add(c);
      else seen.add(c.info.tid);
    }
    if (!again.size) return;
    const ids = new Set([...again].map((c) => c.info.tid));
    removeBlocks(m, again, 'dedupe-tool-ids', i, patches);
    const answer = messages[i + 1];
    if (answer?.role === 'user') {
      const results = new Set(answer.blocks.filter((b) => b.info.type === 'tool_result' && ids.has(b.info.tid)));
      removeBlocks(answer, results, 'dedupe-tool-ids', i + 1, patches);
    }
  });
}

/**
 * A tool_use with no result in the next message is removed (by every version);
 * at the very end of the conversation a recent client answers it instead.
 */
function dropUnansweredCalls(messages: Draft[], patches: Patch[], client: Client): void {
  const answered = new Ids();
  messages.forEach((m, i) => {
    const calls = callsOf(m);
    if (!calls.length) return;
    const next = messages[i + 1];
    if (!next && client.has('interrupt-trailing-tool-use')) {
      const at = m.lines[m.lines.length - 1]!;
      const results = calls.map((c) =>
        madeBlock(at, { type: 'tool_result', tool_use_id: c.info.id, content: TOOL_CALL_INTERRUPTED, is_error: true }, c.info.tid),
      );
      messages.push({ role: 'user', blocks: results, lines: [] });
      for (const r of results) patches.push({ by: 'interrupt-trailing-tool-use', change: 'made', pos: r.pos, index: -1, message: i + 1 });
      return;
    }
    answered.clear();
    if (next?.role === 'user') for (const b of next.blocks) if (b.info.type === 'tool_result') answered.add(b.info.tid);
    const gone = new Set(calls.filter((c) => !answered.contains(c.info.tid)));
    if (!gone.size) return;
    removeBlocks(m, gone, 'drop-unanswered-calls', i, patches);
  });
}

/** What Claude Code writes when the user stops a tool call: the next prompt simply continues that message. */
const TOOL_USE_INTERRUPTION = '[Request interrupted by user for tool use]';

/**
 * A conversation that ends on a user message gets an assistant answer before
 * the next prompt, unless it ends on a stopped tool call.
 */
function endOnAnswer(messages: Draft[], patches: Patch[]): void {
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') return;
  const end = last.blocks[last.blocks.length - 1];
  if (end?.info.type === 'text' && end.info.preview === TOOL_USE_INTERRUPTION) return;
  const at = last.blocks[last.blocks.length - 1]?.pos ?? last.lines[last.lines.length - 1]!;
  messages.push({ role: 'assistant', blocks: [madeText(at, NO_RESPONSE)], lines: [] });
  patches.push({ by: 'answer-final-prompt', change: 'made', pos: at, index: -1, message: messages.length - 1 });
}

/** The JSON body the client would send as `messages`, read back from the lines. */
export function renderApiMessages(doc: Doc, view: ApiView): unknown[] {
  const entries = new Map<number, Record<string, unknown> | null>();
  const entryAt = (pos: number) => {
    if (!entries.has(pos)) entries.set(pos, entryOf(doc, doc.lines[pos]!));
    return entries.get(pos)!;
  };
  const sanitize = view.client.has('sanitize-surrogates');
  return view.messages.map((m) => ({
    role: m.role,
    content: m.blocks.map((vb) => {
      if (vb.replacement !== undefined) return vb.replacement;
      const v = valueAt(entryAt(vb.pos), vb.info.path);
      const block = typeof v === 'string' ? { type: 'text', text: v } : v;
      return sanitize && doc.lines[vb.pos]!.info.loneSurrogates.length ? wellFormed(block) : block;
    }),
  }));
}

/** A value with every unpaired surrogate of its strings replaced by U+FFFD. */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toWellFormed(), wellFormed(v)]));
  return value;
}
