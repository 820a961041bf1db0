/** The keys the benchmark times in the editor, in order, five rounds (in-process and in a real terminal). */
export const KEYS = [
  ['j (down)', 'j'],
  ['PgDn', '\u001B[6~'],
  ['h (collapse)', 'h'],
  ['l (expand)', 'l'],
  ['n (next problem)', 'n'],
  ['f (fix one problem)', 'f'],
  ['u (undo)', 'u'],
  ['U (redo)', 'U'],
  ['d (delete the selection)', 'd'],
  ['u (undo the delete)', 'u'],
  ['K (move up)', 'K'],
  ['J (move down)', 'J'],
  ['m (merge)', 'm'],
  ['r (rewind: the question)', 'r'],
  ['y (rewind)', 'y'],
  ['u (undo the rewind)', 'u'],
];
