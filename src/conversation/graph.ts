import { type Columns, ENTRY, RESULTS, columnsOf } from '../transcript/columns.js';
import type { Doc, Line } from '../transcript/document.js';
import { type Groups, groups, members } from '../transcript/groups.js';
import { internedCount, internedId } from '../transcript/intern.js';

/**
 * The uuid graph of a document (DESIGN §3). Positions are indices into
 * `doc.lines`; the graph is rebuilt for every document version, so they are
 * never stale. It is built on interned uuid ids in typed arrays: rebuilding
 * it after each edit of a 200 MB transcript must take milliseconds.
 */
export interface Graph {
  /**
   * The line `uuid` names. When several lines carry it, the last one: Claude Code
   * keeps its messages in a map by uuid, so a later line replaces an earlier one.
   */
  posOf(uuid: string): number | undefined;
  /** Positions of the lines naming `uuid` as their parent, in file order (a view into the graph: do not keep). */
  childrenOf(uuid: string): ArrayLike<number> & Iterable<number>;
  /** posOf and childrenOf by interned uuid id (LineInfo.uid), for passes over every line; -1: no line. */
  posOfId(uid: number): number;
  childrenOfId(uid: number): ArrayLike<number> & Iterable<number>;
  /** Positions of the lines that carry message id `mid` (interned), in file order: one split response. */
  linesOfMessage(mid: number): ArrayLike<number> & Iterable<number>;
  /** uuids carried by more than one line -> all their positions. */
  readonly duplicateUuids: ReadonlyMap<string, readonly number[]>;
  /** Lines that are not readable entries (torn, invalid, blank). */
  readonly unreadable: readonly number[];
  /** Lines whose parentUuid names no line. */
  readonly dangling: readonly number[];
  /** The line the conversation resumes from, if any. */
  readonly leaf?: number;
  /** Root-first positions from the newest compaction (or the root) to the leaf. */
  readonly chain: readonly number[];
  /** Where the walk from the leaf ran into a loop (the line seen twice). */
  readonly cycleAt?: number;
  /** Root-first chain of the conversation before the newest compaction. */
  readonly preCompactChain: readonly number[];
  /** Positions of lines with two or more real conversation children (a rewind). */
  readonly forks: readonly number[];
}

const CONVERSATION = new Set(['user', 'assistant', 'attachment']);

/** A local command's lines are sent (as user text) and the next prompt chains off them: they can end the conversation. */
const isLocalCommand = (l: Line) => l.info.type === 'system' && l.info.subtype === 'local_command';

/** A main-chain line of the conversation itself (what a leaf can be, and what a broken chain is bridged to). */
export function isConversationLine(l: Line): boolean {
  return l.info.kind === 'entry' && !!l.info.uuid && !l.info.isSidechain && (CONVERSATION.has(l.info.type ?? '') || isLocalCommand(l));
}

/**
 * A child that is a real turn, not an artifact of parallel tool calls, progress
 * or a split response (those hang off a parent beside the real continuation).
 * `childFlags` is the child's row of Columns.flags.
 */
function isTurnChild(parent: Line, child: Line, childFlags: number): boolean {
  const t = child.info.type;
  if (t === 'user') return !(childFlags & RESULTS) && !child.info.isMeta;
  if (t === 'assistant') return !(parent.info.type === 'assistant' && parent.info.messageId === child.info.messageId);
  return false;
}

/** Lines by interned id: the line each uuid names, children by parent uuid, lines by message id. */
interface Index {
  /** id -> position of the (last) line with that uuid, or -1. */
  readonly owner: Int32Array;
  readonly children: Groups;
  readonly messages: Groups;
}

function buildIndex(doc: Doc, cols: Columns, duplicates: Map<string, number[]>): Index {
  const size = internedCount();
  const owner = new Int32Array(size).fill(-1);
  const { uid } = cols;
  for (let i = 0; i < uid.length; i++) {
    const id = uid[i]!;
    if (id < 0) continue;
    if (owner[id] !== -1) {
      const uuid = doc.lines[i]!.info.uuid!;
      const d = duplicates.get(uuid) ?? [owner[id]!];
      d.push(i);
      duplicates.set(uuid, d);
    }
    owner[id] = i;
  }
  const [children, messages] = groups(cols, size, ['pid', 'mid']);
  return { owner, children: children!, messages: messages! };
}

const kidsOf = (ix: Index, id: number) => members(ix.children, id);
/** The line an interned uuid id names, or -1. */
const ownerOf = (ix: Index, id: number) => (id >= 0 && id < ix.owner.length ? ix.owner[id]! : -1);

/** Walks parentUuid links from `start`, root-first; stops at null, a missing parent, or a loop. */
function walk(cols: Columns, ix: Index, start: number): { chain: number[]; cycleAt?: number } {
  const out: number[] = [];
  const seen = new Uint8Array(cols.pid.length);
  let pos = start;
  let cycleAt: number | undefined;
  while (pos !== -1) {
    if (seen[pos]) {
      cycleAt = pos;
      break;
    }
    seen[pos] = 1;
    out.push(pos);
    pos = ownerOf(ix, cols.pid[pos]!);
  }
  return { chain: out.reverse(), cycleAt };
}

/** The newest candidate before position `end` with no conversation child. */
function chooseLeaf(doc: Doc, ix: Index, end = doc.lines.length): number | undefined {
  let fallback: number | undefined;
  for (let i = end - 1; i >= 0; i--) {
    const l = doc.lines[i]!;
    if (!isConversationLine(l)) continue;
    fallback ??= i;
    if (!kidsOf(ix, l.info.uid).some((k) => isConversationLine(doc.lines[k]!))) return i;
  }
  return fallback;
}

export function buildGraph(doc: Doc): Graph {
  const duplicateUuids = new Map<string, number[]>();
  const cols = columnsOf(doc.lines);
  const ix = buildIndex(doc, cols, duplicateUuids);
  const posOfId = (id: number) => ownerOf(ix, id);
  const posOf = (uuid: string) => {
    const p = posOfId(internedId(uuid));
    return p === -1 ? undefined : p;
  };
  const childrenOf = (uuid: string) => kidsOf(ix, internedId(uuid));

  const dangling: number[] = [];
  const unreadable: number[] = [];
  for (let i = 0; i < cols.flags.length; i++) {
    if (!(cols.flags[i]! & ENTRY)) unreadable.push(i);
    else if (cols.pid[i]! >= 0 && ownerOf(ix, cols.pid[i]!) === -1) dangling.push(i);
  }
  // Only some callers ask for forks: find them on first use.
  let forks: number[] | undefined;
  const findForks = () => {
    forks = [];
    for (let i = 0; i < cols.uid.length; i++) {
      const id = cols.uid[i]!;
      if (id < 0 || ix.owner[id] !== i) continue;
      const kids = kidsOf(ix, id);
      if (kids.length < 2) continue;
      const l = doc.lines[i]!;
      let turns = 0;
      for (const k of kids) if (isTurnChild(l, doc.lines[k]!, cols.flags[k]!)) turns++;
      if (turns >= 2) forks.push(i);
    }
    return forks;
  };

  const leaf = chooseLeaf(doc, ix);
  const main = leaf === undefined ? { chain: [] as number[] } : walk(cols, ix, leaf);
  const head = main.chain[0] !== undefined ? doc.lines[main.chain[0]]! : undefined;
  let preCompactChain: number[] = [];
  if (head && head.info.type === 'system' && head.info.subtype === 'compact_boundary') {
    // logicalParentUuid may name a line that was never written (a progress entry), or one the compaction
    // kept and re-parented after the boundary (a preserved segment): then fall back to the newest turn before it.
    const active = new Set(main.chain);
    let named = head.info.logicalParentUuid ? posOf(head.info.logicalParentUuid) : undefined;
    if (named !== undefined && active.has(named)) named = undefined;
    const before = named ?? chooseLeaf(doc, ix, main.chain[0]);
    if (before !== undefined) preCompactChain = walk(cols, ix, before).chain;
  }
  return {
    posOf,
    childrenOf,
    posOfId,
    childrenOfId: (id) => kidsOf(ix, id),
    linesOfMessage: (mid) => members(ix.messages, mid),
    duplicateUuids,
    unreadable,
    dangling,
    leaf,
    chain: main.chain,
    cycleAt: main.cycleAt,
    preCompactChain,
    get forks() {
      return forks ?? findForks();
    },
  };
}
