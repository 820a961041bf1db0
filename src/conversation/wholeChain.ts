import { columnsOf } from '../transcript/columns.js';
import type { Doc } from '../transcript/document.js';
import { type Graph, isConversationLine, latestEarlierEntry, writtenAt } from './graph.js';

/**
 * Where the walk up from the leaf met a parentUuid that names no line (a lost
 * or torn line) and went on from the entry written just before: the bridge a
 * recent Claude Code makes when the gap is short, made here whatever its length.
 */
export interface Bridge {
  /** The line whose parent is missing. */
  readonly pos: number;
  /** The line the walk went on from: the latest entry written before `pos`. */
  readonly to: number;
  /** How long before `pos` that entry was written (ms); NaN when a timestamp is missing. */
  readonly gapMs: number;
}

/** Where the walk crossed a compaction: from its boundary line to the turn before it. */
export interface Crossing {
  readonly boundary: number;
  readonly to: number;
}

export interface WholeChain {
  /** Root-first positions of the whole session: every compaction crossed, every gap bridged. */
  readonly positions: readonly number[];
  readonly bridges: readonly Bridge[];
  readonly crossings: readonly Crossing[];
}

/**
 * Where a line whose parent (interned `missing`) is gone hangs in the whole
 * session: under the conversation line written just before it, as the newest
 * client bridges, but never on another branch that hung off the same lost line
 * (a rewind's abandoned branch); and, when nothing was stamped earlier (a
 * client stamps the attachments after a prompt before the prompt itself),
 * under the nearest conversation line above it in the file.
 */
function bridgeTarget(doc: Doc, graph: Graph, pos: number, missing: number, excluded: (p: number) => boolean): number | undefined {
  const siblings = new Uint8Array(doc.lines.length);
  const stack = [...graph.childrenOfId(missing)].filter((p) => p !== pos);
  while (stack.length) {
    const p = stack.pop()!;
    if (siblings[p]) continue;
    siblings[p] = 1;
    const uid = doc.lines[p]!.info.uid;
    if (uid >= 0) stack.push(...graph.childrenOfId(uid));
  }
  const skip = (p: number) => excluded(p) || siblings[p] === 1;
  const earlier = latestEarlierEntry(doc, pos, graph.childrenOfId, skip);
  if (earlier !== undefined) return earlier;
  for (let p = pos - 1; p >= 0; p--) if (isConversationLine(doc.lines[p]!) && !skip(p)) return p;
  return undefined;
}

/**
 * The whole session the file holds, as one root-first walk: from its end up
 * through every parent link, across each compaction to the conversation it
 * summarised, and across each gap (a parent that names no line) to the entry
 * written just before. What a person did in the session, whatever a client
 * would send of it.
 */
export function wholeChain(doc: Doc, graph: Graph): WholeChain {
  const positions: number[] = [];
  const bridges: Bridge[] = [];
  const crossings: Crossing[] = [];
  if (graph.sessionEnd === undefined) return { positions, bridges, crossings };
  const { pid } = columnsOf(doc.lines);
  const seen = new Uint8Array(doc.lines.length);
  const excluded = (p: number) => seen[p] === 1;
  let pos: number | undefined = graph.sessionEnd;
  while (pos !== undefined && !seen[pos]) {
    seen[pos] = 1;
    positions.push(pos);
    const info = doc.lines[pos]!.info;
    const parent = pid[pos]!;
    if (parent >= 0) {
      const owner = graph.posOfId(parent);
      if (owner !== -1) {
        pos = owner;
        continue;
      }
      const to = bridgeTarget(doc, graph, pos, parent, excluded);
      if (to !== undefined) bridges.push({ pos, to, gapMs: writtenAt(doc, pos) - writtenAt(doc, to) });
      pos = to;
      continue;
    }
    if (info.type === 'system' && info.subtype === 'compact_boundary') {
      const named = info.logicalParentUuid ? graph.posOf(info.logicalParentUuid) : undefined;
      const to = named !== undefined && !seen[named] ? named : latestEarlierEntry(doc, pos, graph.childrenOfId, excluded);
      if (to !== undefined) crossings.push({ boundary: pos, to });
      pos = to;
      continue;
    }
    pos = undefined;
  }
  positions.reverse();
  bridges.reverse();
  crossings.reverse();
  return { positions, bridges, crossings };
}
