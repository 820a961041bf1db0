import type { Key } from 'ink';

/** Everything a key can ask the editor to do. */
export type Command =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'expand'
  | 'collapse'
  | 'focusDetail'
  | 'nextProblem'
  | 'prevProblem'
  | 'delete'
  | 'moveUp'
  | 'moveDown'
  | 'merge'
  | 'rewind'
  | 'fix'
  | 'fixAll'
  | 'undo'
  | 'redo'
  | 'save'
  | 'export'
  | 'search'
  | 'toggleRaw'
  | 'help'
  | 'close'
  | 'quit';

/** The key table, in the order the help overlay lists it. */
export const KEY_HELP: readonly (readonly [keys: string, action: string])[] = [
  ['↑ ↓ / k j', 'move'],
  ['PgUp PgDn, g G (Home End)', 'page, first, last'],
  ['→ ← / l h', 'expand / collapse a turn'],
  ['Enter / Tab', 'focus the detail pane / back'],
  ['n / N', 'next / previous problem'],
  ['d', 'delete the selected block (or turn)'],
  ['K / J', 'move the selected block (or turn) up / down'],
  ['m', 'merge with the next turn of the same role, or a text block with the next text'],
  ['r', 'rewind: drop everything after the selected turn (asks y/n)'],
  ['f / F', 'apply the suggested fix / fix everything fixable'],
  ['u / U (Ctrl+R)', 'undo / redo'],
  ['s', 'save (shows what will change; y confirms; keeps a backup)'],
  ['e', 'export the hand-off summary (clipboard, else a file)'],
  ['/', 'search text'],
  ['a', 'toggle the raw file view (every line)'],
  ['?  Esc  q', 'help, close, quit'],
];

const LETTERS: Record<string, Command> = {
  k: 'up',
  j: 'down',
  g: 'top',
  G: 'bottom',
  l: 'expand',
  h: 'collapse',
  n: 'nextProblem',
  N: 'prevProblem',
  d: 'delete',
  K: 'moveUp',
  J: 'moveDown',
  m: 'merge',
  r: 'rewind',
  f: 'fix',
  F: 'fixAll',
  u: 'undo',
  U: 'redo',
  s: 'save',
  e: 'export',
  '/': 'search',
  a: 'toggleRaw',
  '?': 'help',
  q: 'quit',
};

/** Maps one key press to a command; undefined for keys that mean nothing here. */
export function commandFor(input: string, key: Key): Command | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'top';
  if (key.end) return 'bottom';
  if (key.rightArrow) return 'expand';
  if (key.leftArrow) return 'collapse';
  if (key.return || key.tab) return 'focusDetail';
  if (key.escape) return 'close';
  if (key.ctrl && input === 'r') return 'redo';
  if (key.ctrl || key.meta) return undefined;
  return LETTERS[input];
}
