import type { Doc, Line } from '../transcript/document.js';

/**
 * The uuid graph of a document (DESIGN §3). Positions are indices into
 * `doc.lines`; the graph is rebuilt for every document version, so they are
 * never stale.
 */
export interface Graph {
  /** uuid -> position of its first line. */
  readonly byUuid: ReadonlyMap<string, number>;
  /** uuids carried by more than one line -> all their positions. */
  readonly duplicateUuids: ReadonlyMap<string, readonly number[]>;
  /** parent uuid -> positions of lines naming it as parentUuid. */
  readonly children: ReadonlyMap<string, readonly number[]>;
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

function isLeafCandidate(l: Line): boolean {
  return l.info.kind === 'entry' && !!l.info.uuid && !l.info.isSidechain && (CONVERSATION.has(l.info.type ?? '') || isLocalCommand(l));
}

function hasToolResult(l: Line): boolean {
  return l.info.blocks.some((b) => b.type === 'tool_result');
}

/**
 * A child that is a real turn, not an artifact of parallel tool calls, progress
 * or a split response (those hang off a parent beside the real continuation).
 */
function isTurnChild(parent: Line, child: Line): boolean {
  const t = child.info.type;
  if (t === 'user') return !hasToolResult(child) && !child.info.isMeta;
  if (t === 'assistant') return !(parent.info.type === 'assistant' && parent.info.messageId === child.info.messageId);
  return false;
}

/** Walks parentUuid links from `start`, root-first; stops at null, a missing parent, or a loop. */
function walk(doc: Doc, byUuid: ReadonlyMap<string, number>, start: number): { chain: number[]; cycleAt?: number } {
  const out: number[] = [];
  const seen = new Set<number>();
  let pos: number | undefined = start;
  let cycleAt: number | undefined;
  while (pos !== undefined) {
    if (seen.has(pos)) {
      cycleAt = pos;
      break;
    }
    seen.add(pos);
    out.push(pos);
    const parent: string | null | undefined = doc.lines[pos]!.info.parentUuid;
    pos = parent ? byUuid.get(parent) : undefined;
  }
  return { chain: out.reverse(), cycleAt };
}

/** The newest candidate before position `end` with no conversation child. */
function chooseLeaf(doc: Doc, children: ReadonlyMap<string, readonly number[]>, end = doc.lines.length): number | undefined {
  let fallback: number | undefined;
  for (let i = end - 1; i >= 0; i--) {
    const l = doc.lines[i]!;
    if (!isLeafCandidate(l)) continue;
    fallback ??= i;
    const kids = children.get(l.info.uuid!) ?? [];
    if (!kids.some((k) => isLeafCandidate(doc.lines[k]!))) return i;
  }
  return fallback;
}

export function buildGraph(doc: Doc): Graph {
  const byUuid = new Map<string, number>();
  const duplicateUuids = new Map<string, number[]>();
  const children = new Map<string, number[]>();
  doc.lines.forEach((l, i) => {
    if (l.info.kind !== 'entry') return;
    const { uuid, parentUuid } = l.info;
    if (uuid) {
      const first = byUuid.get(uuid);
      if (first === undefined) byUuid.set(uuid, i);
      else {
        const d = duplicateUuids.get(uuid) ?? [first];
        d.push(i);
        duplicateUuids.set(uuid, d);
      }
    }
    if (parentUuid) {
      const c = children.get(parentUuid);
      if (c) c.push(i);
      else children.set(parentUuid, [i]);
    }
  });

  const dangling: number[] = [];
  doc.lines.forEach((l, i) => {
    if (l.info.parentUuid && !byUuid.has(l.info.parentUuid)) dangling.push(i);
  });

  const forks: number[] = [];
  for (const [uuid, kids] of children) {
    const parent = doc.lines[byUuid.get(uuid) ?? -1];
    if (!parent || kids.length < 2) continue;
    if (kids.filter((k) => isTurnChild(parent, doc.lines[k]!)).length >= 2) forks.push(byUuid.get(uuid)!);
  }

  const leaf = chooseLeaf(doc, children);
  const main = leaf === undefined ? { chain: [] as number[] } : walk(doc, byUuid, leaf);
  const head = main.chain[0] !== undefined ? doc.lines[main.chain[0]]! : undefined;
  let preCompactChain: number[] = [];
  if (head && head.info.type === 'system' && head.info.subtype === 'compact_boundary') {
    // logicalParentUuid may name a line that was never written (a progress entry), or one the compaction
    // kept and re-parented after the boundary (a preserved segment): then fall back to the newest turn before it.
    const active = new Set(main.chain);
    let named = head.info.logicalParentUuid ? byUuid.get(head.info.logicalParentUuid) : undefined;
    if (named !== undefined && active.has(named)) named = undefined;
    const before = named ?? chooseLeaf(doc, children, main.chain[0]);
    if (before !== undefined) preCompactChain = walk(doc, byUuid, before).chain;
  }
  return {
    byUuid,
    duplicateUuids,
    children,
    dangling,
    leaf,
    chain: main.chain,
    cycleAt: main.cycleAt,
    preCompactChain,
    forks: forks.sort((a, b) => a - b),
  };
}
