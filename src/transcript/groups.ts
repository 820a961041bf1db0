import type { Line } from './document.js';

/** Positions grouped by an interned id, in compressed rows: group k is pos[start[k] .. start[k + 1]). */
export interface Groups {
  readonly start: Int32Array;
  readonly pos: Int32Array;
}

/** Groups the positions for which `idOf` gives an id (>= 0), keeping file order. */
export function group(lines: readonly Line[], size: number, idOf: (l: Line) => number): Groups {
  const start = new Int32Array(size + 1);
  for (let i = 0; i < lines.length; i++) {
    const id = idOf(lines[i]!);
    if (id >= 0) start[id + 1]!++;
  }
  for (let k = 0; k < size; k++) start[k + 1]! += start[k]!;
  const pos = new Int32Array(start[size]!);
  const fill = start.slice(0, size);
  for (let i = 0; i < lines.length; i++) {
    const id = idOf(lines[i]!);
    if (id >= 0) pos[fill[id]!++] = i;
  }
  return { start, pos };
}

export const members = (g: Groups, id: number) => (id < 0 || id + 1 >= g.start.length ? g.pos.subarray(0, 0) : g.pos.subarray(g.start[id]!, g.start[id + 1]!));

