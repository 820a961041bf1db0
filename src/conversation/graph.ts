import {
  CONTENT_FLAGS,
  CONVERSATION,
  type Columns,
  ENTRY,
  LAST_PROMPT,
  LOCAL_COMMAND,
  MAIN_SYSTEM,
  PROGRESS,
  RESULTS,
  columnsOf,
  isConversationInfo,
} from '../transcript/columns.js';
import type { Doc, Line } from '../transcript/document.js';
import { type Groups, groups, members } from '../transcript/groups.js';
import { internedCount, internedId } from '../transcript/intern.js';
import { ByAnswers, type Client, NEWEST } from './clients.js';
import { type Steps, finish } from './steps.js';

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
  /** The line the conversation resumes from, if any (the client's choice). */
  readonly leaf?: number;
  /** Where the session ends, whatever a client resumes: the last conversation line with no conversation child. */
  readonly sessionEnd?: number;
  /** Root-first positions from the newest compaction (or the root) to the leaf, as the client walks them. */
  readonly chain: readonly number[];
  /** Where the walk met a parent that names no line: bridged (and to what) or cut there. */
  readonly gaps: readonly Gap[];
  /** Where the walk from the leaf ran into a loop (the line seen twice). */
  readonly cycleAt?: number;
  /** Root-first chain of the conversation before the newest compaction. */
  readonly preCompactChain: readonly number[];
  /** Positions of lines with two or more real conversation children (a rewind). */
  readonly forks: readonly number[];
}

/** A parentUuid on the walk that names no line (a lost or torn line). */
export interface Gap {
  /** The line whose parent is missing. */
  readonly pos: number;
  /** The entry written just before it, which a bridging client hangs it under; undefined when there is none. */
  readonly to?: number;
  /** How long before `pos` that entry was written (ms); NaN when a timestamp is missing. */
  readonly gapMs: number;
  /** Whether the client walks on across the gap: else it sends only what follows it. */
  readonly bridged: boolean;
  /** The parent is a `progress` line, which the client does not read (the line names it all the same). */
  readonly progress?: boolean;
}

/** Clients that bridge a gap do so only when the entry before it was written this close (ms). */
export const BRIDGE_WINDOW_MS = 5000;

/** A main-chain line of the conversation itself (what a leaf can be, and what a broken chain is bridged to). */
export const isConversationLine = (l: Line): boolean => isConversationInfo(l.info);

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

/** The index of a document's ids, a pass a step (on 2 GB each is tens of ms). */
function* buildIndex(doc: Doc, cols: Columns, duplicates: Map<string, number[]>): Steps<Index> {
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
  yield;
  const [children] = groups(cols, size, ['pid']);
  yield;
  const [messages] = groups(cols, size, ['mid']);
  return { owner, children: children!, messages: messages! };
}

const kidsOf = (ix: Index, id: number) => members(ix.children, id);
/** The line an interned uuid id names, or -1. */
const ownerOf = (ix: Index, id: number) => (id >= 0 && id < ix.owner.length ? ix.owner[id]! : -1);

/** A line's timestamp in ms, NaN when it has none (read from the columns: leaves and gaps are chosen after every edit). */
export const writtenAt = (doc: Doc, pos: number): number => columnsOf(doc.lines).stamp[pos] ?? Number.NaN;

/**
 * The entry a line with a missing parent would hang under: of the conversation
 * lines that `excluded` lets through, the one written last before the line
 * (file order breaks ties), not one of its own descendants. Progress lines are not candidates: hooks write them
 * beside the turn they report on, often stamped after the next turn. A line with
 * no timestamp hangs under the nearest candidate above it.
 */
export function latestEarlierEntry(
  doc: Doc,
  pos: number,
  childrenOfId: (uid: number) => Iterable<number>,
  excluded: (p: number) => boolean,
): number | undefined {
  // Read from the columns: a pass over a million line summaries was a tenth of a second on 2 GB.
  const { flags, uid, stamp } = columnsOf(doc.lines);
  // Nor can it be a line that descends from this one: hanging it there would close a loop.
  const below = new Uint8Array(flags.length);
  const stack = [pos];
  while (stack.length) {
    const p = stack.pop()!;
    for (const c of childrenOfId(uid[p]!)) {
      if (below[c]) continue;
      below[c] = 1;
      stack.push(c);
    }
  }
  const candidate = (p: number) => p !== pos && !below[p] && (flags[p]! & CONVERSATION) !== 0 && !excluded(p);
  const at = stamp[pos]!;
  if (Number.isNaN(at)) {
    for (let p = pos - 1; p >= 0; p--) if (candidate(p)) return p;
    return undefined;
  }
  let best: number | undefined;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < flags.length; p++) {
    if (!candidate(p)) continue;
    const t = stamp[p]!;
    if (!(t < at || (t === at && p < pos))) continue;
    if (t >= bestAt) {
      best = p;
      bestAt = t;
    }
  }
  return best;
}

/**
 * Walks parentUuid links from `start`, root-first; stops at null, a loop, or a
 * missing parent, which a client that bridges gaps crosses to the entry
 * written just before when it is close enough.
 */
function* walk(doc: Doc, cols: Columns, ix: Index, start: number, client: Client): Steps<Walk> {
  const out: number[] = [];
  const gaps: Gap[] = [];
  const seen = new Uint8Array(cols.pid.length);
  let pos = start;
  let cycleAt: number | undefined;
  while (pos !== -1) {
    if (out.length % WALKED_PER_STEP === WALKED_PER_STEP - 1) yield;
    if (seen[pos]) {
      cycleAt = pos;
      break;
    }
    seen[pos] = 1;
    out.push(pos);
    const parent = cols.pid[pos]!;
    let next = ownerOf(ix, parent);
    // A client that does not read progress lines finds no line for a parent that is one.
    const progress = next !== -1 && (cols.flags[next]! & PROGRESS) !== 0 && !client.has('walk-progress-lines');
    if (progress) next = -1;
    if (parent < 0 || next !== -1) {
      pos = next;
      continue;
    }
    const to = latestEarlierEntry(
      doc,
      pos,
      (id) => kidsOf(ix, id),
      (p) => seen[p] === 1,
    );
    const gapMs = to === undefined ? Number.NaN : writtenAt(doc, pos) - writtenAt(doc, to);
    // Asked only where it decides something: clients that differ on it walk a chain with no such gap alike.
    const bridged = to !== undefined && gapMs <= BRIDGE_WINDOW_MS && client.has('bridge-gaps');
    gaps.push({ pos, to, gapMs, bridged, ...(progress ? { progress } : {}) });
    pos = bridged ? to : -1;
  }
  return { chain: out.reverse(), cycleAt, gaps: gaps.reverse() };
}

/** Whether a conversation line has a conversation child: then it is not a leaf. Read from the columns: it runs for every line. */
function hasTurnAfter(cols: Columns, ix: Index, i: number): boolean {
  for (const k of kidsOf(ix, cols.uid[i]!)) if (cols.flags[k]! & CONVERSATION) return true;
  return false;
}

/** The last conversation line before position `end` with no conversation child (else the last conversation line). */
function lastLeaf(cols: Columns, ix: Index, end = cols.flags.length): number | undefined {
  let fallback: number | undefined;
  for (let i = end - 1; i >= 0; i--) {
    if (!(cols.flags[i]! & CONVERSATION)) continue;
    fallback ??= i;
    if (!hasTurnAfter(cols, ix, i)) return i;
  }
  return fallback;
}

/**
 * The conversation line with the newest timestamp, the first of those written in the same millisecond:
 * the client takes the newest of all its entries, system lines too, not only of those nothing follows
 * (two local-command lines stamped alike resume from the first).
 */
function newestLeaf(cols: Columns, ix: Index): number | undefined {
  let best: number | undefined;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < cols.flags.length; i++) {
    // A system line of the main chain (a hook summary, a turn's duration) counts: the client loads it with the conversation, though it sends none.
    if (!(cols.flags[i]! & (CONVERSATION | MAIN_SYSTEM))) continue;
    const t = cols.stamp[i]!;
    const at = Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
    if (best === undefined || at > bestAt) {
      best = i;
      bestAt = at;
    }
  }
  return best ?? lastLeaf(cols, ix);
}

/**
 * The line the last `last-prompt` entry names, if it is a conversation line
 * that is still a leaf (a turn written under it after the entry, such as a
 * prompt appended to the file, passes it over).
 */
function promptedLeaf(doc: Doc, cols: Columns, ix: Index): number | undefined {
  for (let i = cols.flags.length - 1; i >= 0; i--) {
    if (!(cols.flags[i]! & LAST_PROMPT)) continue;
    const pos = ownerOf(ix, internedId(doc.lines[i]!.info.leafUuid!));
    return pos !== -1 && cols.flags[pos]! & CONVERSATION && !hasTurnAfter(cols, ix, pos) ? pos : undefined;
  }
  return undefined;
}

/** Where a client resumes: the leaf its version picks (each kind of leaf found once per document). */
function chooseLeaf(doc: Doc, di: DocIndex, client: Client): number | undefined {
  const { leaves, ix } = di;
  if (client.has('leaf-last-prompt')) {
    if (!('prompted' in leaves)) leaves.prompted = promptedLeaf(doc, di.cols, ix);
    if (leaves.prompted !== undefined) return leaves.prompted;
  }
  if (client.has('leaf-last-entry')) {
    if (!client.has('leaf-before-local-commands')) return lastLeafOf(di);
    if (!('lastTurn' in leaves)) leaves.lastTurn = aboveLocalCommands(doc, ix, lastLeafOf(di));
    return leaves.lastTurn;
  }
  if (!('newest' in leaves)) leaves.newest = newestLeaf(di.cols, ix);
  return leaves.newest;
}

/** The line a run of local-command lines ending at `pos` hangs under (`pos` itself when it is no local command). */
function aboveLocalCommands(doc: Doc, ix: Index, pos: number | undefined): number | undefined {
  const { pid, flags } = columnsOf(doc.lines);
  const seen = new Set<number>();
  let p = pos;
  while (p !== undefined && flags[p]! & LOCAL_COMMAND && !seen.has(p)) {
    seen.add(p);
    const parent = ownerOf(ix, pid[p]!);
    p = parent === -1 ? undefined : parent;
  }
  return p ?? pos;
}

function lastLeafOf(di: DocIndex): number | undefined {
  if (!('last' in di.leaves)) di.leaves.last = lastLeaf(di.cols, di.ix);
  return di.leaves.last;
}

/** Lines walked between pauses: a 2 GB session's chain is a million lines, a walk of them 0.1-0.2 s. */
const WALKED_PER_STEP = 100_000;

type Walk = { chain: number[]; cycleAt?: number; gaps: Gap[] };

/**
 * A walk once per document, start and answer to the gaps it meets: clients
 * that resume from the same line alike share one chain (and so one view of it).
 */
function* walkOf(doc: Doc, di: DocIndex, start: number, client: Client): Steps<Walk> {
  let known = di.walks.get(start);
  if (!known) di.walks.set(start, (known = new ByAnswers()));
  return yield* known.stepwise(client, (asking) => walk(doc, di.cols, di.ix, start, asking));
}

/** What every client's graph of one document shares: its columns, its index, and the lines no walk changes. */
interface DocIndex {
  readonly cols: Columns;
  readonly ix: Index;
  readonly duplicateUuids: Map<string, number[]>;
  readonly dangling: readonly number[];
  readonly unreadable: readonly number[];
  /** The leaves each kind of client resumes from, as found. */
  readonly leaves: { prompted?: number; last?: number; lastTurn?: number; newest?: number };
  readonly walks: Map<number, ByAnswers<Walk>>;
}

/** Documents are never changed in place (an edit makes a new one), so their index is built once. */
const indexes = new WeakMap<Doc, DocIndex>();

/** The documents indexed last: an edit's document looks for its previous version's index among them. */
const RECENT_INDEXES = 8;
const recentIndexes: WeakRef<Doc>[] = [];

const bytesOf = (a: Int32Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Whether two flag columns agree on every bit but those that say what a line holds (CONTENT_FLAGS). */
function linkFlagsAlike(a: Uint32Array, b: Uint32Array): boolean {
  if (bytesOf(a).equals(bytesOf(b))) return true;
  for (let i = 0; i < a.length; i++) if ((a[i]! ^ b[i]!) & ~CONTENT_FLAGS) return false;
  return true;
}

/**
 * Whether two line arrays link alike: the same ids (uuid, parent, message) and the same kinds of
 * line at every position (what a line holds aside, see CONTENT_FLAGS). Then the lines each id names, and each id's children, are the same: an
 * edit of what a line says, not of where it is or what it hangs under, keeps the index.
 */
function linkAlike(a: Columns, b: Columns): boolean {
  return (
    a.key.length === b.key.length &&
    linkFlagsAlike(a.flags, b.flags) &&
    bytesOf(a.uid).equals(bytesOf(b.uid)) &&
    bytesOf(a.pid).equals(bytesOf(b.pid)) &&
    bytesOf(a.mid).equals(bytesOf(b.mid))
  );
}

/** The index of a recent version of the same file whose lines link alike, if any. */
function alikeIndex(doc: Doc, cols: Columns): DocIndex | undefined {
  for (let r = recentIndexes.length - 1; r >= 0; r--) {
    const other = recentIndexes[r]!.deref();
    const known = other && other.source === doc.source ? indexes.get(other) : undefined;
    if (known && linkAlike(known.cols, cols)) return known;
  }
  return undefined;
}

function* docIndexSteps(doc: Doc): Steps<DocIndex> {
  const known = indexes.get(doc);
  if (known) return known;
  const cols = columnsOf(doc.lines);
  const alike = alikeIndex(doc, cols);
  let made: DocIndex;
  // Leaves and walks read timestamps and each line's own fields: they are found again.
  if (alike) made = { ...alike, cols, leaves: {}, walks: new Map() };
  else {
    const duplicateUuids = new Map<string, number[]>();
    const ix = yield* buildIndex(doc, cols, duplicateUuids);
    yield;
    const dangling: number[] = [];
    const unreadable: number[] = [];
    for (let i = 0; i < cols.flags.length; i++) {
      if (!(cols.flags[i]! & ENTRY)) unreadable.push(i);
      else if (cols.pid[i]! >= 0 && ownerOf(ix, cols.pid[i]!) === -1) dangling.push(i);
    }
    made = { cols, ix, duplicateUuids, dangling, unreadable, leaves: {}, walks: new Map() };
  }
  // One a graph made meanwhile, unable to wait, is the one kept.
  const now = indexes.get(doc);
  if (now) return now;
  indexes.set(doc, made);
  recentIndexes.push(new WeakRef(doc));
  if (recentIndexes.length > RECENT_INDEXES) recentIndexes.shift();
  return made;
}

export function buildGraph(doc: Doc, client: Client = NEWEST): Graph {
  return finish(graphSteps(doc, client));
}

/**
 * buildGraph a step at a time: what every client's graph of `doc` shares (its columns, the index of
 * its ids: on 2 GB about 0.1 s) a pass a step, then the walks from the leaf (and from before a
 * compaction), which pause as they go.
 */
export function* graphSteps(doc: Doc, client: Client = NEWEST): Steps<Graph> {
  const di = yield* docIndexSteps(doc);
  const { cols, ix, duplicateUuids, dangling, unreadable } = di;
  const posOfId = (id: number) => ownerOf(ix, id);
  const posOf = (uuid: string) => {
    const p = posOfId(internedId(uuid));
    return p === -1 ? undefined : p;
  };
  const childrenOf = (uuid: string) => kidsOf(ix, internedId(uuid));

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

  const leaf = chooseLeaf(doc, di, client);
  const main: Walk = leaf === undefined ? { chain: [], gaps: [] } : yield* walkOf(doc, di, leaf, client);
  const head = main.chain[0] !== undefined ? doc.lines[main.chain[0]]! : undefined;
  let preCompactChain: number[] = [];
  if (head && head.info.type === 'system' && head.info.subtype === 'compact_boundary') {
    // logicalParentUuid may name a line that was never written (a progress entry), or one the compaction
    // kept and re-parented after the boundary (a preserved segment): then fall back to the newest turn before it.
    const active = new Set(main.chain);
    let named = head.info.logicalParentUuid ? posOf(head.info.logicalParentUuid) : undefined;
    if (named !== undefined && active.has(named)) named = undefined;
    const before = named ?? lastLeaf(cols, ix, main.chain[0]);
    if (before !== undefined) preCompactChain = (yield* walkOf(doc, di, before, client)).chain;
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
    sessionEnd: lastLeafOf(di),
    chain: main.chain,
    gaps: main.gaps,
    cycleAt: main.cycleAt,
    preCompactChain,
    get forks() {
      return forks ?? findForks();
    },
  };
}
