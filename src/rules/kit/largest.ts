/*
 * Ranking blocks by size on typed arrays, for a rule that stubs the largest
 * until a request fits: a long session has hundreds of thousands of blocks,
 * and a sort of objects took a third of a second there.
 */

/**
 * Indexes of `sent` (byte counts) from the largest down, of equal ones the
 * lower index first. Packed as size and index in one double, sorted as numbers.
 */
function bySizeDown(sent: Float64Array): Int32Array {
  const n = sent.length;
  const order = new Int32Array(n);
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  let largest = 0;
  for (let k = 0; k < n; k++) largest = Math.max(largest, sent[k]!);
  if ((largest + 1) * scale > Number.MAX_SAFE_INTEGER) {
    for (let k = 0; k < n; k++) order[k] = k;
    return order.sort((a, b) => sent[b]! - sent[a]! || a - b);
  }
  // Ascending keys read from the end: size down, then the index counted back from scale - 1 (lower first).
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = sent[k]! * scale + (scale - 1 - k);
  keys.sort();
  for (let k = 0; k < n; k++) order[k] = scale - 1 - (keys[n - 1 - k]! % scale);
  return order;
}

/** Size classes of a block's bytes, 16 to each doubling: a class holds no block larger than one of the class above. */
const CLASSES = 1024;
const classOf = (bytes: number) => (bytes < 1 ? 0 : Math.min(CLASSES - 1, 1 + Math.floor(Math.log2(bytes) * 16)));

/**
 * The blocks the largest-first stubbing may reach before `excess` bytes are
 * saved: those of the size classes from the top down to the first where the
 * savings add up to it. Undefined when no run of stubs can save that much
 * (not even every block that shrinks).
 */
function reachable(sent: Float64Array, stubbed: Float64Array, excess: number): Int32Array | undefined {
  const n = sent.length;
  const classes = new Uint16Array(n);
  const saved = new Float64Array(CLASSES);
  let gain = 0;
  for (let k = 0; k < n; k++) {
    const saving = sent[k]! - stubbed[k]!;
    classes[k] = classOf(sent[k]!);
    saved[classes[k]!]! += saving;
    if (saving > 0) gain += saving;
  }
  if (gain < excess) return undefined;
  let lowest = CLASSES;
  let total = 0;
  while (lowest > 0 && total < excess) total += saved[--lowest]!;
  // Tiny blocks can grow when stubbed: a run can reach `excess` and fall back under it, so all are ranked.
  if (total < excess) lowest = 0;
  const out = new Int32Array(n);
  let count = 0;
  for (let k = 0; k < n; k++) if (classes[k]! >= lowest) out[count++] = k;
  return out.subarray(0, count);
}

/**
 * The blocks stubbed largest first (of equal sizes the lower index first)
 * until the bytes saved, `sent[k] - stubbed[k]` each, reach `excess`: their
 * indexes in that order, and whether they reach it (when not, none). Only the
 * size classes such a run can reach are ranked: a long session's few largest
 * blocks suffice.
 */
export function largestToSave(sent: Float64Array, stubbed: Float64Array, excess: number): { order: Int32Array; fits: boolean } {
  const candidates = reachable(sent, stubbed, excess);
  if (!candidates) return { order: new Int32Array(0), fits: false };
  const order = bySizeDown(Float64Array.from(candidates, (k) => sent[k]!)).map((i) => candidates[i]!);
  let left = excess;
  let count = 0;
  for (; count < order.length && left > 0; count++) left -= sent[order[count]!]! - stubbed[order[count]!]!;
  return left > 0 ? { order: new Int32Array(0), fits: false } : { order: order.subarray(0, count), fits: true };
}
