import type { Command } from '../../src/ui/keyTable.js';

/** The editor's commands random key sequences are made of: moves, problems, edits, fixes, undo and redo, the raw view. */
export const EDITOR_COMMANDS: readonly Command[] = [
  'down',
  'up',
  'pageDown',
  'bottom',
  'nextProblem',
  'prevProblem',
  'fix',
  'delete',
  'moveUp',
  'moveDown',
  'merge',
  'undo',
  'redo',
  'fixAll',
  'toggleRaw',
];
