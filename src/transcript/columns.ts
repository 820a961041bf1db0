import type { Line } from './document.js';
import type { LineInfo } from './lineInfo.js';
import { timestampMs } from './timestamp.js';

/** Bits of Columns.flags. */
export const ENTRY = 1;
/** Sent to the API when on the conversation's chain (see isSent). */
export const SENT = 2;
export const ASSISTANT = 4;
/** A user line holding a tool_result block. */
export const RESULTS = 8;
/** A main-chain line of the conversation itself: what a leaf can be (see isConversationInfo). */
export const CONVERSATION = 16;
/** A `last-prompt` entry naming the leaf recent clients resume from. */
export const LAST_PROMPT = 32;
/** A main-chain API error Claude Code wrote in place of a response (older clients send it). */
export const API_ERROR = 64;
/** A local command's line (`/model`, `/clear`…): clients that send them send it as user text. */
export const LOCAL_COMMAND = 128;
/** A `progress` entry (hook and tool progress), which releases before 2.1.19 do not read. */
export const PROGRESS = 256;
/** A `system` entry of the main chain (a hook summary, a turn's duration, a local command). */
export const MAIN_SYSTEM = 512;
/** An `attachment` entry (what a client hoists, folds or leaves out on the way). */
export const ATTACHMENT = 1024;
/** A line with a string holding an unpaired UTF-16 surrogate (see LineInfo.loneSurrogates). */
export const LONE_SURROGATE = 2048;
/** A line with a tool_use whose id is missing or does not match TOOL_ID. */
export const BAD_TOOL_ID = 4096;

/** A line with a tool_use whose name the API refuses (see isBadToolName). */
export const BAD_TOOL_NAME = 8192;
/** A line with a tool_use whose input is not a JSON object. */
export const BAD_TOOL_INPUT = 16384;
/** A line with a thinking block that is not empty and has no valid signature (see BlockInfo.signature). */
export const BAD_THINKING_SIGNATURE = 32768;
/** A line with an is_error tool_result whose content is empty. */
export const EMPTY_ERROR_RESULT = 65536;
/** A line with a tool_use named Task (which later clients send as Agent). */
export const TASK_CALL = 131072;
/** A line with a tool_use or tool_result whose id ends as a batch call's entries do (see BATCH_ENTRY). */
export const BATCH_ENTRY_ID = 262144;
/**
 * The bits that say what a line holds rather than how it links into the conversation: a rule
 * after a rare shape reads only the lines that have its bit, and an edit that changes only
 * these leaves the graph's index as it was (see linkAlike).
 */
export const CONTENT_FLAGS =
  LONE_SURROGATE | BAD_TOOL_ID | BAD_TOOL_NAME | BAD_TOOL_INPUT | BAD_THINKING_SIGNATURE | EMPTY_ERROR_RESULT | TASK_CALL | BATCH_ENTRY_ID;

/** The tool ids the API takes. */
export const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/** A batch call's entries answer under its id and `_<n>`. */
export const BATCH_ENTRY = /_(\d+)$/;

/** The longest tool name the API takes. */
export const MAX_TOOL_NAME = 200;
/** The tool names the API takes, up to MAX_TOOL_NAME characters. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]+$/;

/** A tool name the API refuses: empty, over MAX_TOOL_NAME characters, or outside TOOL_NAME. */
export const isBadToolName = (name: string): boolean => name.length > MAX_TOOL_NAME || !TOOL_NAME.test(name);

const CONVERSATION_TYPES = new Set(['user', 'assistant', 'attachment']);

/**
 * A main-chain line of the conversation itself (what a leaf can be, and what a
 * broken chain is bridged to). A local command's lines are sent (as user text)
 * and the next prompt chains off them: they can end the conversation.
 */
export function isConversationInfo(i: LineInfo): boolean {
  if (i.kind !== 'entry' || !i.uuid || i.isSidechain) return false;
  return CONVERSATION_TYPES.has(i.type ?? '') || isLocalCommandInfo(i);
}

/** A local command's line: a slash command and its output, as `system` `local_command`. */
export const isLocalCommandInfo = (i: LineInfo): boolean => i.type === 'system' && i.subtype === 'local_command';

/**
 * Lines Claude Code keeps in the file but never sends. A compact summary is
 * marked transcript-only by 2.1.x and still sent: it is the earlier context.
 */
function isSent(i: LineInfo): boolean {
  if (i.kind !== 'entry' || i.role === undefined || i.isSidechain || i.isApiErrorMessage) return false;
  return !i.isVisibleInTranscriptOnly || i.isCompactSummary;
}

function flagsOf(i: LineInfo): number {
  if (i.kind !== 'entry') return 0;
  let f = ENTRY;
  if (isSent(i)) f |= SENT;
  if (i.type === 'assistant') f |= ASSISTANT;
  if (i.type === 'user' && i.blocks.some((b) => b.type === 'tool_result')) f |= RESULTS;
  if (isConversationInfo(i)) f |= CONVERSATION;
  if (i.type === 'last-prompt' && i.leafUuid) f |= LAST_PROMPT;
  if (i.isApiErrorMessage && !i.isSidechain) f |= API_ERROR;
  if (isLocalCommandInfo(i)) f |= LOCAL_COMMAND;
  if (i.type === 'progress') f |= PROGRESS;
  if (i.type === 'system' && i.uuid && !i.isSidechain) f |= MAIN_SYSTEM;
  if (i.type === 'attachment') f |= ATTACHMENT;
  if (i.loneSurrogates.length) f |= LONE_SURROGATE;
  for (const b of i.blocks) {
    if (b.type === 'tool_use') {
      if (b.id === undefined || !TOOL_ID.test(b.id)) f |= BAD_TOOL_ID;
      if (b.name !== undefined && isBadToolName(b.name)) f |= BAD_TOOL_NAME;
      if (!b.inputIsObject) f |= BAD_TOOL_INPUT;
      if (b.name === 'Task') f |= TASK_CALL;
      if (b.id !== undefined && BATCH_ENTRY.test(b.id)) f |= BATCH_ENTRY_ID;
    } else if (b.type === 'thinking') {
      if (b.signature !== 'ok' && !b.empty) f |= BAD_THINKING_SIGNATURE;
    } else if (b.type === 'tool_result') {
      if (b.isError && b.empty) f |= EMPTY_ERROR_RESULT;
      if (b.toolUseId !== undefined && BATCH_ENTRY.test(b.toolUseId)) f |= BATCH_ENTRY_ID;
    }
  }
  return f;
}

/**
 * The per-line fields that whole-document passes read for every line (the
 * graph, rebuilt after each edit, and the edit draft's searches), copied by
 * position into typed arrays. Read from 100k LineInfo objects scattered over
 * the heap, each costs a cache miss; read from a column, they come in order.
 */
export interface Columns {
  readonly key: Int32Array;
  /** The bits above (0 for an unreadable or blank line). */
  readonly flags: Uint32Array;
  /** Interned ids (see intern.ts); -1 when absent and for unreadable lines. */
  readonly uid: Int32Array;
  readonly pid: Int32Array;
  readonly mid: Int32Array;
  /** The line's timestamp in ms (NaN when it has none): leaves and gaps are chosen by time, after every edit. */
  readonly stamp: Float64Array;
}

export type IdField = 'uid' | 'pid' | 'mid';

/**
 * Columns of the line arrays still in use (an edit copies from its document's, undo and redo return
 * to the documents the editor keeps): they go with their lines, so none outlives its document
 * (on 2 GB the columns of one version are 17 MB and its line array 8 MB).
 */
const cache = new WeakMap<readonly Line[], Columns>();

/** The columns of a (never mutated) line array, built on first use. */
export function columnsOf(lines: readonly Line[]): Columns {
  let cols = cache.get(lines);
  if (!cols) {
    const b = new ColumnsBuilder(lines.length);
    for (const line of lines) b.add(line);
    cols = b.done();
    cache.set(lines, cols);
  }
  return cols;
}

/**
 * The lines' flags when some line has `bit`, else undefined. A rule or a client's step after a
 * shape few files have at all (see CONTENT_FLAGS) then returns at once, or reads the flags by
 * position and leaves the other lines (tens of thousands, their summaries all over the heap)
 * unread. A view block, but one the client makes, has its line's own summary.
 */
export function linesFlagged(lines: readonly Line[], bit: number): Uint32Array | undefined {
  const { flags } = columnsOf(lines);
  return flagsOfAnyLine(flags) & bit ? flags : undefined;
}

/** The bits any line has, found once per flag column (every rule pass and client step of every generation may ask). */
function flagsOfAnyLine(flags: Uint32Array): number {
  let all = flagsSeen.get(flags);
  if (all === undefined) {
    all = 0;
    for (let p = 0; p < flags.length; p++) all |= flags[p]!;
    flagsSeen.set(flags, all);
  }
  return all;
}

const flagsSeen = new WeakMap<Uint32Array, number>();

/** The position of each key in a key column (`size`: above every key), -1 for a key not there. */
export function positionsByKey(key: ArrayLike<number>, size: number): Int32Array {
  const at = new Int32Array(size).fill(-1);
  for (let i = 0; i < key.length; i++) at[key[i]!] = i;
  return at;
}

/**
 * The position of each key in a (never mutated) line array, made once for it: a provisional
 * analysis, the tree's rows and a merge that moves lines all look lines up by key. A key past the
 * end reads undefined; one not there but below the largest, -1.
 */
export function keyPositions(lines: readonly Line[]): Int32Array {
  let at = positionsCache.get(lines);
  if (!at) {
    const { key } = columnsOf(lines);
    let size = 0;
    for (let i = 0; i < key.length; i++) if (key[i]! >= size) size = key[i]! + 1;
    at = positionsByKey(key, size);
    positionsCache.set(lines, at);
  }
  return at;
}

const positionsCache = new WeakMap<readonly Line[], Int32Array>();

/** Records the columns of a new line array, built alongside it (see ColumnsBuilder). */
export function rememberColumns(lines: readonly Line[], cols: Columns): void {
  if (cols.key.length !== lines.length) throw new Error('columns do not match their lines');
  cache.set(lines, cols);
}

/**
 * Columns filled row by row for a line array being built. An edit's result
 * copies the rows of its unchanged lines from the columns it started from, so
 * the new document's columns cost a copy, not a pass over 100k line objects.
 */
export class ColumnsBuilder {
  private n = 0;
  private readonly c: Columns;

  constructor(capacity: number) {
    this.c = {
      key: new Int32Array(capacity),
      flags: new Uint32Array(capacity),
      uid: new Int32Array(capacity),
      pid: new Int32Array(capacity),
      mid: new Int32Array(capacity),
      stamp: new Float64Array(capacity),
    };
  }

  /** Appends rows [start, end) of `from`. */
  copy(from: Columns, start: number, end: number): void {
    if (end <= start) return;
    const { c, n } = this;
    c.key.set(from.key.subarray(start, end), n);
    c.flags.set(from.flags.subarray(start, end), n);
    c.uid.set(from.uid.subarray(start, end), n);
    c.pid.set(from.pid.subarray(start, end), n);
    c.mid.set(from.mid.subarray(start, end), n);
    c.stamp.set(from.stamp.subarray(start, end), n);
    this.n += end - start;
  }

  /** Appends a row read from a line. */
  add(line: Line): void {
    const { c, n } = this;
    const info = line.info;
    const entry = info.kind === 'entry';
    c.key[n] = line.key;
    c.flags[n] = flagsOf(info);
    c.uid[n] = entry ? info.uid : -1;
    c.pid[n] = entry ? info.pid : -1;
    c.mid[n] = entry ? info.mid : -1;
    c.stamp[n] = timestampMs(info.timestamp ?? '');
    this.n++;
  }

  /** The rows appended so far, as columns of their own. */
  done(): Columns {
    const { c, n } = this;
    if (n === c.key.length) return c;
    // Views, not copies: every MB of typed arrays an edit allocates brings V8's next collection closer.
    return {
      key: c.key.subarray(0, n),
      flags: c.flags.subarray(0, n),
      uid: c.uid.subarray(0, n),
      pid: c.pid.subarray(0, n),
      mid: c.mid.subarray(0, n),
      stamp: c.stamp.subarray(0, n),
    };
  }
}
