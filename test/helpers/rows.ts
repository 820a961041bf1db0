import type { Row, Rows } from '../../src/ui/rows.js';

/** Every row of a tree or raw view, made: to compare two views' rows whole. */
export const everyRow = (rows: Rows): Row[] => rows.slice(0, rows.length);
