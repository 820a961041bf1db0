import type { Columns, IdField } from './columns.js';

/** Positions grouped by an interned id, in compressed rows: group k is pos[start[k] .. start[k + 1]). */
export interface Groups {
  readonly start: Int32Array;
  readonly pos: Int32Array;
}

/**
 * Groups the positions of readable entries by interned ids, keeping file
 * order: two passes over the id column (count, then place).
 */
export function groups(cols: Columns, size: number, fields: readonly IdField[]): Groups[] {
  const n = cols.key.length;
  return fields.map((field) => {
    const ids = cols[field];
    const start = new Int32Array(size + 1);
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (id >= 0) start[id + 1]!++;
    }
    for (let k = 0; k < size; k++) start[k + 1]! += start[k]!;
    const pos = new Int32Array(start[size]!);
    // Place each line at its group's cursor, start[id + 1], counted back to the group's start first
    // (so the cursors are the starts themselves, with no copy); placing moves each back to where it was.
    for (let k = size; k > 0; k--) start[k] = start[k - 1]!;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (id >= 0) pos[start[id + 1]!++] = i;
    }
    return { start, pos };
  });
}

export const members = (g: Groups, id: number) => (id < 0 || id + 1 >= g.start.length ? g.pos.subarray(0, 0) : g.pos.subarray(g.start[id]!, g.start[id + 1]!));
