import type { Line } from '../transcript/document.js';

/**
 * One stretch where two versions of a document differ: at position `at` of
 * the one it applies to, the lines `removed` give way to the lines `inserted`.
 */
export interface Splice {
  readonly at: number;
  readonly removed: readonly Line[];
  readonly inserted: readonly Line[];
}

/**
 * The splices, in file order, that turn `from` into `to`. Lines are compared
 * by identity: an edit keeps every line it did not touch as the same object
 * (see LineStore.ordered), so the lines kept are found without reading any.
 * What the splices hold is what differs: an edit of one line of 100k costs two
 * Line references, not a copy of the document.
 */
export function diffLines(from: readonly Line[], to: readonly Line[]): Splice[] {
  let start = 0;
  const shorter = Math.min(from.length, to.length);
  while (start < shorter && from[start] === to[start]) start++;
  let endFrom = from.length;
  let endTo = to.length;
  while (endFrom > start && endTo > start && from[endFrom - 1] === to[endTo - 1]) {
    endFrom--;
    endTo--;
  }
  if (start === endFrom && start === endTo) return [];
  const out: Splice[] = [];
  let i = start;
  let j = start;
  const stretch = (untilFrom: number, untilTo: number) => {
    if (untilFrom > i || untilTo > j) out.push({ at: i, removed: from.slice(i, untilFrom), inserted: to.slice(j, untilTo) });
    i = untilFrom + 1;
    j = untilTo + 1;
  };
  const kept = keptBetween(from, start, endFrom, to, start, endTo);
  for (let k = 0; k < kept.from.length; k++) stretch(kept.from[k]!, kept.to[k]!);
  stretch(endFrom, endTo);
  return out;
}

/**
 * The positions of the lines `from[fromStart, fromEnd)` and `to[toStart, toEnd)`
 * share, as many as keep their order in both (a swap moves a line out of order:
 * it counts as removed and inserted). Lines are looked up by key, then compared by identity.
 */
function keptBetween(from: readonly Line[], fromStart: number, fromEnd: number, to: readonly Line[], toStart: number, toEnd: number) {
  let maxKey = -1;
  for (let j = toStart; j < toEnd; j++) maxKey = Math.max(maxKey, to[j]!.key);
  // 1 + the position in `to` of the line with each key, 0 for none.
  const at = new Int32Array(maxKey + 1);
  for (let j = toStart; j < toEnd; j++) at[to[j]!.key] = j + 1;
  const fromAt = new Int32Array(fromEnd - fromStart);
  const toAt = new Int32Array(fromEnd - fromStart);
  let n = 0;
  for (let i = fromStart; i < fromEnd; i++) {
    const key = from[i]!.key;
    const j = key <= maxKey ? at[key]! - 1 : -1;
    if (j >= 0 && to[j] === from[i]) {
      fromAt[n] = i;
      toAt[n++] = j;
    }
  }
  const keep = increasingRun(toAt, n);
  return { from: fromAt.filter((_, k) => keep[k]), to: toAt.filter((_, k) => keep[k]) };
}

/**
 * Marks a longest strictly increasing subsequence of `values[0, n)` (patience
 * sorting). Values already in order, as after any edit but a swap, take one
 * comparison each.
 */
function increasingRun(values: Int32Array, n: number): Uint8Array {
  // ends[l]: the index of the smallest value ending an increasing run of length l + 1.
  const ends = new Int32Array(n);
  const before = new Int32Array(n);
  let len = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    let lo = len;
    if (len && values[ends[len - 1]!]! >= v) {
      lo = 0;
      let hi = len - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (values[ends[mid]!]! < v) lo = mid + 1;
        else hi = mid;
      }
    }
    before[k] = lo ? ends[lo - 1]! : -1;
    ends[lo] = k;
    if (lo === len) len++;
  }
  const keep = new Uint8Array(n);
  for (let k = len ? ends[len - 1]! : -1; k !== -1; k = before[k]!) keep[k] = 1;
  return keep;
}

/** The lines `splices` (from diffLines(lines, …)) make of `lines`. */
export function spliced(lines: readonly Line[], splices: readonly Splice[]): Line[] {
  let length = lines.length;
  for (const s of splices) length += s.inserted.length - s.removed.length;
  const out = new Array<Line>(length);
  let n = 0;
  let from = 0;
  for (const s of splices) {
    for (let i = from; i < s.at; i++) out[n++] = lines[i]!;
    for (const l of s.inserted) out[n++] = l;
    from = s.at + s.removed.length;
  }
  for (let i = from; i < lines.length; i++) out[n++] = lines[i]!;
  return out;
}

/** The splices that undo `splices`: they turn what `splices` made back into what they were applied to. */
export function inverted(splices: readonly Splice[]): Splice[] {
  let shift = 0;
  return splices.map((s) => {
    const back = { at: s.at + shift, removed: s.inserted, inserted: s.removed };
    shift += s.inserted.length - s.removed.length;
    return back;
  });
}
