import type { Line } from './document.js';

/** Positions grouped by an interned id, in compressed rows: group k is pos[start[k] .. start[k + 1]). */
export interface Groups {
  readonly start: Int32Array;
  readonly pos: Int32Array;
}

/** Interned ids a line carries (see LineInfo), by which lines can be grouped. */
export type IdField = 'uid' | 'pid' | 'mid';

/**
 * Groups the positions of readable entries by interned ids, keeping file
 * order; several groupings of the same lines are built in two passes over them.
 */
export function groups(lines: readonly Line[], size: number, fields: readonly IdField[]): Groups[] {
  const starts = fields.map(() => new Int32Array(size + 1));
  for (let i = 0; i < lines.length; i++) {
    const info = lines[i]!.info;
    if (info.kind !== 'entry') continue;
    for (let g = 0; g < fields.length; g++) {
      const id = info[fields[g]!];
      if (id >= 0) starts[g]![id + 1]!++;
    }
  }
  const out: Groups[] = starts.map((start) => {
    for (let k = 0; k < size; k++) start[k + 1]! += start[k]!;
    return { start, pos: new Int32Array(start[size]!) };
  });
  const fills = starts.map((start) => start.slice(0, size));
  for (let i = 0; i < lines.length; i++) {
    const info = lines[i]!.info;
    if (info.kind !== 'entry') continue;
    for (let g = 0; g < fields.length; g++) {
      const id = info[fields[g]!];
      if (id >= 0) out[g]!.pos[fills[g]![id]!++] = i;
    }
  }
  return out;
}

export const members = (g: Groups, id: number) => (id < 0 || id + 1 >= g.start.length ? g.pos.subarray(0, 0) : g.pos.subarray(g.start[id]!, g.start[id + 1]!));
