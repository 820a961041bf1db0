import { type BlockInfo, type JsonPath, type LineInfo, emptyLine } from './lineInfo.js';

/*
 * Line summaries as one compact JSON text, to hand the summaries a worker
 * thread computed to the main thread (see load.ts). Structured cloning of the
 * objects themselves costs about as much as parsing the lines again; this text
 * is a fifth of their JSON size: positional arrays instead of keys, and the
 * strings that repeat on every line (session, version, cwd, branch, types) as
 * numbers into a table.
 *
 * Decoding rebuilds each object with its keys in the order the summariser
 * gives them, so a decoded summary has the same shape (hidden class) as one
 * read on the main thread, and the hot loops over lines stay monomorphic.
 * uid, pid, mid and the blocks' tid are not carried: the main thread interns
 * them in file order.
 *
 * A field that may be absent or undefined travels as 0 (no summary string or
 * number field is ever the number 0 where 0 is used this way).
 */

type Wire = unknown[];
const NONE = 0;

const KINDS: LineInfo['kind'][] = ['entry', 'invalid', 'blank'];

// Bits of a line's flags.
const SIDECHAIN = 1;
const META = 2;
const COMPACT_SUMMARY = 4;
const TRANSCRIPT_ONLY = 8;
const API_ERROR = 16;
const STRING_CONTENT = 32;
const HAS_ROLE = 64;
const HAS_MESSAGE_ID = 128;
const HAS_ENTRY_FIELDS = 256;

// Bits of a block's flags.
const EMPTY = 1;
const WHITESPACE = 2;
const TRAILING_WHITESPACE = 4;
const HAS_INPUT_IS_OBJECT = 8;
const INPUT_IS_OBJECT = 16;
const HAS_IS_ERROR = 32;
const IS_ERROR = 64;
const LIST_CONTENT = 128;

/** Numbers for repeated strings; 0 stands for undefined. */
class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  number(s: string | undefined): number {
    if (s === undefined) return NONE;
    let n = this.index.get(s);
    if (n === undefined) {
      n = this.strings.push(s);
      this.index.set(s, n);
    }
    return n;
  }
}

const orNone = <T>(v: T | undefined): T | 0 => (v === undefined ? NONE : v);
const fromNone = <T>(v: T | 0): T | undefined => (v === NONE ? undefined : v);

/** The usual place of a block: `message.content[i]`, or `message.content` for a string content. */
function usualPath(path: JsonPath, index: number, stringContent: boolean): boolean {
  if (path.length !== (stringContent ? 2 : 3) || path[0] !== 'message' || path[1] !== 'content') return false;
  return stringContent || path[2] === index;
}

function encodeBlock(b: BlockInfo, index: number, stringContent: boolean, table: StringTable): Wire {
  let flags = 0;
  if (b.empty) flags |= EMPTY;
  if (b.whitespace) flags |= WHITESPACE;
  if (b.trailingWhitespace) flags |= TRAILING_WHITESPACE;
  if ('inputIsObject' in b) flags |= HAS_INPUT_IS_OBJECT | (b.inputIsObject ? INPUT_IS_OBJECT : 0);
  if ('isError' in b) flags |= HAS_IS_ERROR | (b.isError ? IS_ERROR : 0);
  if (b.listContent) flags |= LIST_CONTENT;
  return [
    table.number(b.type),
    usualPath(b.path, index, stringContent) ? NONE : b.path,
    flags,
    b.preview,
    b.chars,
    b.sent,
    b.images.length ? b.images : NONE,
    orNone(b.signature),
    orNone(b.id),
    table.number(b.name),
    orNone(b.toolUseId),
    orNone(b.documents),
    orNone(b.toolRefs),
  ];
}

function decodeBlock(w: Wire, index: number, stringContent: boolean, strings: string[]): BlockInfo {
  const flags = w[2] as number;
  const path = w[1] as JsonPath | 0;
  const images = w[6] as BlockInfo['images'] | 0;
  // Keys in the order lineInfo.ts creates them.
  const b: BlockInfo = {
    type: strings[(w[0] as number) - 1]!,
    path: path !== NONE ? path : stringContent ? ['message', 'content'] : ['message', 'content', index],
    empty: (flags & EMPTY) !== 0,
    whitespace: (flags & WHITESPACE) !== 0,
    trailingWhitespace: (flags & TRAILING_WHITESPACE) !== 0,
    preview: w[3] as string,
    chars: w[4] as number,
    sent: w[5] as number,
    images: images === NONE ? [] : images,
    tid: -1,
  };
  if (w[7] !== NONE) b.signature = w[7] as BlockInfo['signature'];
  if (w[8] !== NONE) b.id = w[8] as string;
  if (w[9] !== NONE) b.name = strings[(w[9] as number) - 1];
  if (flags & HAS_INPUT_IS_OBJECT) b.inputIsObject = (flags & INPUT_IS_OBJECT) !== 0;
  if (w[10] !== NONE) b.toolUseId = w[10] as string;
  if (flags & HAS_IS_ERROR) b.isError = (flags & IS_ERROR) !== 0;
  if (flags & LIST_CONTENT) b.listContent = true;
  if (w[11] !== NONE) b.documents = w[11] as BlockInfo['documents'];
  if (w[12] !== NONE) b.toolRefs = w[12] as BlockInfo['toolRefs'];
  return b;
}

function encodeLine(i: LineInfo, table: StringTable): Wire {
  let flags = 0;
  if (i.isSidechain) flags |= SIDECHAIN;
  if (i.isMeta) flags |= META;
  if (i.isCompactSummary) flags |= COMPACT_SUMMARY;
  if (i.isVisibleInTranscriptOnly) flags |= TRANSCRIPT_ONLY;
  if (i.isApiErrorMessage) flags |= API_ERROR;
  if (i.stringContent) flags |= STRING_CONTENT;
  if ('role' in i) flags |= HAS_ROLE;
  if ('messageId' in i) flags |= HAS_MESSAGE_ID;
  if ('type' in i) flags |= HAS_ENTRY_FIELDS;
  return [
    KINDS.indexOf(i.kind),
    flags,
    i.bytes,
    orNone(i.error),
    i.torn ? [i.torn.uuid, orNone(i.torn.parentUuid)] : NONE,
    table.number(i.type),
    table.number(i.subtype),
    orNone(i.uuid),
    orNone(i.parentUuid),
    orNone(i.logicalParentUuid),
    orNone(i.leafUuid),
    table.number(i.sessionId),
    table.number(i.version),
    table.number(i.cwd),
    table.number(i.gitBranch),
    orNone(i.timestamp),
    orNone(i.role),
    orNone(i.messageId),
    orNone(i.firstLoneSurrogate),
    i.loneSurrogates.length ? i.loneSurrogates : NONE,
    i.blocks.map((b, k) => encodeBlock(b, k, i.stringContent, table)),
    table.number(i.agentId),
    orNone(i.deferredTools),
    orNone(i.requestTokens),
    table.number(i.model),
    table.number(i.attachment),
    orNone(i.preservedSegment),
  ];
}

function decodeLine(w: Wire, strings: string[]): LineInfo {
  const str = (n: unknown) => (n === NONE ? undefined : strings[(n as number) - 1]);
  const flags = w[1] as number;
  const i = emptyLine(KINDS[w[0] as number]!, w[2] as number);
  // Keys in the order lineInfo.ts creates them.
  if (w[3] !== NONE) i.error = w[3] as string;
  if (w[4] !== NONE) {
    const [uuid, parentUuid] = w[4] as [string, string | null | 0];
    i.torn = { uuid, parentUuid: fromNone(parentUuid) };
  }
  if (flags & HAS_ENTRY_FIELDS) {
    i.type = str(w[5]);
    i.subtype = str(w[6]);
    i.uuid = fromNone(w[7] as string | 0);
    i.parentUuid = fromNone(w[8] as string | null | 0);
    i.logicalParentUuid = fromNone(w[9] as string | null | 0);
    i.isSidechain = (flags & SIDECHAIN) !== 0;
    i.isMeta = (flags & META) !== 0;
    i.isCompactSummary = (flags & COMPACT_SUMMARY) !== 0;
    i.isVisibleInTranscriptOnly = (flags & TRANSCRIPT_ONLY) !== 0;
    i.isApiErrorMessage = (flags & API_ERROR) !== 0;
    i.leafUuid = fromNone(w[10] as string | 0);
    i.sessionId = str(w[11]);
    i.version = str(w[12]);
    i.cwd = str(w[13]);
    i.gitBranch = str(w[14]);
    i.timestamp = fromNone(w[15] as string | 0);
    if (w[21] !== NONE) i.agentId = str(w[21]);
  }
  if (flags & HAS_ROLE) i.role = fromNone(w[16] as LineInfo['role'] | 0);
  if (flags & HAS_MESSAGE_ID) i.messageId = fromNone(w[17] as string | 0);
  if (w[23] !== NONE) i.requestTokens = w[23] as number;
  if (w[24] !== NONE) i.model = str(w[24]);
  i.stringContent = (flags & STRING_CONTENT) !== 0;
  const blocks = w[20] as Wire[];
  if (blocks.length) i.blocks = blocks.map((b, k) => decodeBlock(b, k, i.stringContent, strings));
  if (w[26] !== NONE) i.preservedSegment = w[26] as LineInfo['preservedSegment'];
  if (w[25] !== NONE) i.attachment = str(w[25]);
  if (w[22] !== NONE) i.deferredTools = w[22] as LineInfo['deferredTools'];
  if (w[18] !== NONE) i.firstLoneSurrogate = w[18] as LineInfo['firstLoneSurrogate'];
  if (w[19] !== NONE) i.loneSurrogates = w[19] as JsonPath[];
  return i;
}

export function encodeLineInfos(infos: readonly LineInfo[]): string {
  const table = new StringTable();
  const lines = infos.map((i) => encodeLine(i, table));
  return JSON.stringify([table.strings, lines]);
}

/** The summaries encodeLineInfos wrote, with uid, pid, mid and tid at -1 (not interned yet). */
export function decodeLineInfos(wire: string): LineInfo[] {
  const [strings, lines] = JSON.parse(wire) as [string[], Wire[]];
  return lines.map((w) => decodeLine(w, strings));
}
