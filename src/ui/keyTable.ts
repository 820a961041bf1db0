import { type KeyPress, keyId, keyLabel } from './keys.js';

/*
 * Every key of the app, one table per mode. Help, the key bar, prompts and
 * status hints all name keys through keysOf(), so a key rebound here is
 * rebound everywhere.
 */

/** What the keys are doing at the moment: the editor's panes and prompts, the session picker, loading. */
export const MODES = ['tree', 'detail', 'search', 'confirm', 'preview', 'conflict', 'saveAs', 'help', 'picker', 'filter', 'loading'] as const;

export type Mode = (typeof MODES)[number];

interface Spec {
  /** What the command does, for the help screen (a function when it names other keys, read from the table). */
  readonly help: string | (() => string);
  /** Its name in the key bar, and how early it gets a place there (0: always). */
  readonly bar?: readonly [label: string, rank: number];
}

const SPECS = {
  up: { help: 'up', bar: ['select', 14] },
  down: { help: 'down', bar: ['select', 14] },
  pageUp: { help: 'page up' },
  pageDown: { help: 'page down' },
  top: { help: 'first' },
  bottom: { help: 'last' },
  expand: { help: 'expand a turn' },
  collapse: { help: 'collapse a turn' },
  focusDetail: { help: (): string => `detail pane (${keysOf('up', 'detail')}${keysOf('down', 'detail')} scrolls)`, bar: ['detail', 12] },
  back: { help: 'back to the tree', bar: ['back', 1] },
  nextProblem: { help: 'next problem', bar: ['problem', 1] },
  prevProblem: { help: 'previous problem', bar: ['problem', 1] },
  fix: { help: 'fix the problem in focus', bar: ['fix', 2] },
  fixAll: { help: 'fix everything fixable', bar: ['fix', 2] },
  delete: { help: 'delete the block or turn', bar: ['del', 5] },
  moveUp: { help: 'move block or turn up', bar: ['move', 6] },
  moveDown: { help: 'move it down', bar: ['move', 6] },
  merge: { help: 'merge with the next turn', bar: ['merge', 7] },
  rewind: { help: 'rewind: drop what follows', bar: ['rewind', 8] },
  undo: { help: 'undo', bar: ['undo', 3] },
  redo: { help: 'redo', bar: ['redo', 9] },
  save: { help: 'save (shows the changes)', bar: ['save', 4] },
  export: { help: 'export the hand-off summary', bar: ['export', 11] },
  search: { help: (): string => `search (${keysOf('submit', 'search')}: next match)`, bar: ['find', 10] },
  toggleRaw: { help: 'raw view: every line', bar: ['raw', 13] },
  switchClient: { help: 'check another version', bar: ['client', 15] },
  toggleSizes: { help: 'size column (tokens)', bar: ['tokens', 15] },
  largest: { help: 'go to the largest block', bar: ['largest', 16] },
  fitRequest: { help: 'cut to fit the window', bar: ['fit', 15] },
  openSubagent: { help: "open a call's subagent", bar: ['subagent', 16] },
  unfocus: { help: 'clear the problem focus' },
  help: { help: 'this help', bar: ['help', 0] },
  close: { help: 'close', bar: ['close', 0] },
  quit: { help: 'quit (asks if unsaved)', bar: ['quit', 0] },
  interrupt: { help: 'quit; twice if unsaved', bar: ['quit', 0] },
  suspend: { help: 'suspend (fg resumes)' },
  yes: { help: 'yes', bar: ['yes', 0] },
  no: { help: 'no', bar: ['no', 0] },
  submit: { help: 'confirm', bar: ['confirm', 0] },
  cancel: { help: 'cancel', bar: ['cancel', 0] },
  erase: { help: 'erase a character', bar: ['erase', 1] },
  saveAs: { help: 'save to another file', bar: ['save as…', 0] },
  reload: { help: 'reload the file from disk (drops your changes)', bar: ['reload', 0] },
  open: { help: 'open the session', bar: ['open', 0] },
  filter: { help: 'filter by project or prompt', bar: ['filter', 1] },
} as const satisfies Record<string, Spec>;

export type Command = keyof typeof SPECS;
export const COMMANDS = SPECS as Record<Command, Spec>;

type Bindings = readonly (readonly [Command, readonly string[]])[];

const MOVE: Bindings = [
  ['up', ['up', 'k']],
  ['down', ['down', 'j']],
  ['pageUp', ['pageup']],
  ['pageDown', ['pagedown']],
  ['top', ['g', 'home']],
  ['bottom', ['G', 'end']],
];

const EVERYWHERE: Bindings = [
  ['interrupt', ['ctrl+c']],
  ['suspend', ['ctrl+z']],
];

/** What a turn's blocks can be made to do, with the tree or the detail pane in focus. */
const EDITING: Bindings = [
  ['nextProblem', ['n']],
  ['prevProblem', ['N']],
  ['fix', ['f']],
  ['fixAll', ['F']],
  ['delete', ['d']],
  ['moveUp', ['K']],
  ['moveDown', ['J']],
  ['merge', ['m']],
  ['rewind', ['r']],
  ['undo', ['u']],
  ['redo', ['U', 'ctrl+r']],
  ['save', ['s']],
  ['export', ['e']],
  ['search', ['/']],
  ['toggleRaw', ['a']],
  ['switchClient', ['c']],
  ['toggleSizes', ['t']],
  ['largest', ['T']],
  ['fitRequest', ['x']],
  ['openSubagent', ['o']],
  ['help', ['?']],
  ['quit', ['q']],
];

const TEXT: Bindings = [['submit', ['enter']], ['cancel', ['escape']], ['erase', ['backspace']], ...EVERYWHERE];

export const KEY_TABLE: Record<Mode, Bindings> = {
  tree: [
    ...MOVE,
    ['expand', ['right', 'l']],
    ['collapse', ['left', 'h']],
    ['focusDetail', ['enter', 'tab']],
    ...EDITING,
    ['unfocus', ['escape']],
    ...EVERYWHERE,
  ],
  detail: [...MOVE, ['back', ['tab', 'enter', 'escape']], ...EDITING, ...EVERYWHERE],
  search: TEXT,
  saveAs: TEXT,
  filter: TEXT,
  confirm: [['yes', ['y']], ['no', ['n', 'escape']], ...EVERYWHERE],
  preview: [['yes', ['y']], ['no', ['n', 'escape']], ...MOVE, ...EVERYWHERE],
  conflict: [['saveAs', ['w']], ['reload', ['R']], ['cancel', ['escape', 'n']], ...EVERYWHERE],
  help: [['close', ['escape', '?', 'q']], ...MOVE, ...EVERYWHERE],
  picker: [...MOVE, ['open', ['enter']], ['filter', ['/']], ['quit', ['q', 'escape']], ...EVERYWHERE],
  loading: [['quit', ['q']], ...EVERYWHERE],
};

const lookup = new Map(MODES.map((m) => [m, new Map(KEY_TABLE[m].flatMap(([c, keys]) => keys.map((k) => [k, c] as const)))]));

/** The command a key press means in a mode, if any. */
export function commandFor(mode: Mode, press: KeyPress): Command | undefined {
  return lookup.get(mode)!.get(keyId(press));
}

export function isBound(mode: Mode, command: Command): boolean {
  return KEY_TABLE[mode].some(([c]) => c === command);
}

/** The keys of a command in a mode as shown on screen ("↑ k"); all of them, or just the first. */
export function keysOf(command: Command, mode: Mode = 'tree', all = false): string {
  const keys = KEY_TABLE[mode].find(([c]) => c === command)?.[1] ?? [];
  return (all ? keys : keys.slice(0, 1)).map(keyLabel).join(' ');
}

interface BarItem {
  readonly text: string;
  readonly rank: number;
}

/** The key bar's items of a mode: commands that share a label share an item ("n/N problem"). */
function barItems(mode: Mode): BarItem[] {
  const items: { label: string; rank: number; keys: string[] }[] = [];
  for (const [command, keys] of KEY_TABLE[mode]) {
    const bar = COMMANDS[command].bar;
    if (!bar) continue;
    const same = items.find((i) => i.label === bar[0]);
    if (same) same.keys.push(keyLabel(keys[0]!));
    else items.push({ label: bar[0], rank: bar[1], keys: [keyLabel(keys[0]!)] });
  }
  return items.map((i) => ({ text: `${[...new Set(i.keys)].join('/')} ${i.label}`, rank: i.rank }));
}

const GAP = '  ';

/**
 * The key bar of a mode within `width` columns: the items that fit, most needed
 * first, in table order; the rank-0 ones (help, quit, the prompt's answers) always.
 */
export function keyBar(mode: Mode, width: number): string {
  const items = barItems(mode);
  const byRank = [...items].sort((a, b) => a.rank - b.rank);
  const kept = new Set<BarItem>();
  let used = 0;
  for (const item of byRank) {
    const cost = item.text.length + (kept.size ? GAP.length : 0);
    if (item.rank > 0 && used + cost > width) continue;
    kept.add(item);
    used += cost;
  }
  return items
    .filter((i) => kept.has(i))
    .map((i) => i.text)
    .join(GAP);
}

/** What a command does, as the help screen says it. */
export function helpOf(command: Command): string {
  const help = COMMANDS[command].help;
  return typeof help === 'string' ? help : help();
}

export interface HelpCell {
  readonly keys: string;
  readonly help: string;
}

/** The help screen's entries: every command of the tree and the detail pane, in table order, with their keys. */
export function helpCells(): HelpCell[] {
  const cells: HelpCell[] = [];
  const seen = new Set<Command>();
  for (const mode of ['tree', 'detail'] as const) {
    for (const [command, keys] of KEY_TABLE[mode]) {
      if (seen.has(command)) continue;
      seen.add(command);
      cells.push({ keys: keys.map(keyLabel).join(' '), help: helpOf(command) });
    }
  }
  return cells;
}
