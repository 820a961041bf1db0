import type { Line } from './document.js';

/**
 * The per-line fields that whole-document passes read for every line (the
 * graph, rebuilt after each edit, and the edit draft's searches), copied by
 * position into typed arrays. Read from 100k LineInfo objects scattered over
 * the heap, each costs a cache miss; read from a column, they come in order.
 */
export interface Columns {
  readonly key: Int32Array;
  /** 1 for a readable entry, 0 for an unreadable or blank line. */
  readonly entry: Uint8Array;
  /** Interned ids (see intern.ts); -1 when absent and for unreadable lines. */
  readonly uid: Int32Array;
  readonly pid: Int32Array;
  readonly mid: Int32Array;
}

export type IdField = 'uid' | 'pid' | 'mid';

const cache = new WeakMap<readonly Line[], Columns>();

/** The columns of a (never mutated) line array, built on first use. */
export function columnsOf(lines: readonly Line[]): Columns {
  let cols = cache.get(lines);
  if (!cols) {
    const b = new ColumnsBuilder(lines.length);
    for (const line of lines) b.add(line);
    cols = b.done();
    cache.set(lines, cols);
  }
  return cols;
}

/** Records the columns of a new line array, built alongside it (see ColumnsBuilder). */
export function rememberColumns(lines: readonly Line[], cols: Columns): void {
  if (cols.key.length !== lines.length) throw new Error('columns do not match their lines');
  cache.set(lines, cols);
}

/**
 * Columns filled row by row for a line array being built. An edit's result
 * copies the rows of its unchanged lines from the columns it started from, so
 * the new document's columns cost a copy, not a pass over 100k line objects.
 */
export class ColumnsBuilder {
  private n = 0;
  private readonly c: Columns;

  constructor(capacity: number) {
    this.c = { key: new Int32Array(capacity), entry: new Uint8Array(capacity), uid: new Int32Array(capacity), pid: new Int32Array(capacity), mid: new Int32Array(capacity) };
  }

  /** Appends row `i` of `from`. */
  copy(from: Columns, i: number): void {
    const { c, n } = this;
    c.key[n] = from.key[i]!;
    c.entry[n] = from.entry[i]!;
    c.uid[n] = from.uid[i]!;
    c.pid[n] = from.pid[i]!;
    c.mid[n] = from.mid[i]!;
    this.n++;
  }

  /** Appends a row read from a line. */
  add(line: Line): void {
    const { c, n } = this;
    const info = line.info;
    const entry = info.kind === 'entry';
    c.key[n] = line.key;
    c.entry[n] = entry ? 1 : 0;
    c.uid[n] = entry ? info.uid : -1;
    c.pid[n] = entry ? info.pid : -1;
    c.mid[n] = entry ? info.mid : -1;
    this.n++;
  }

  /** The rows appended so far, as columns of their own. */
  done(): Columns {
    const { c, n } = this;
    if (n === c.key.length) return c;
    return { key: c.key.slice(0, n), entry: c.entry.slice(0, n), uid: c.uid.slice(0, n), pid: c.pid.slice(0, n), mid: c.mid.slice(0, n) };
  }
}
