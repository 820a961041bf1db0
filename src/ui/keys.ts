import type { Key } from 'ink';

/**
 * One key press. `name` is a character as typed ("j", "J", "/") or a named key
 * ("up", "enter", "escape", "backspace"…); `ctrl` marks Ctrl+letter.
 */
export interface KeyPress {
  readonly name: string;
  readonly ctrl?: boolean;
}

const NAMED: readonly (readonly [keyof Key, string])[] = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['leftArrow', 'left'],
  ['rightArrow', 'right'],
  ['pageUp', 'pageup'],
  ['pageDown', 'pagedown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'enter'],
  ['escape', 'escape'],
  ['tab', 'tab'],
  ['backspace', 'backspace'],
  ['delete', 'backspace'],
];

function pressOfChar(ch: string): KeyPress {
  if (ch === '\r' || ch === '\n') return { name: 'enter' };
  if (ch === '\t') return { name: 'tab' };
  if (ch === '\x7f' || ch === '\b') return { name: 'backspace' };
  const code = ch.codePointAt(0)!;
  if (code >= 1 && code <= 26) return { name: String.fromCharCode(code + 96), ctrl: true };
  return { name: ch };
}

/**
 * The key presses in one input event. Ink hands over everything that arrived in
 * one read as one event, so keys typed faster than they are read (a paste, a slow
 * link, a busy editor) come as one string: each of its characters is a key.
 */
export function pressesOf(input: string, key: Key): KeyPress[] {
  for (const [flag, name] of NAMED) if (key[flag]) return [{ name }];
  if (key.ctrl) return [{ name: input, ctrl: true }];
  // Esc and the key after it in one read reach Ink as Alt+key; no key here means Alt+something, so they are the two keys.
  if (key.meta) return [{ name: 'escape' }, ...[...input].map(pressOfChar)];
  return [...input].map(pressOfChar);
}

/** The table's name for a press: "j", "ctrl+r", "up". */
export function keyId(p: KeyPress): string {
  return `${p.ctrl ? 'ctrl+' : ''}${p.name}`;
}

const LABELS: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  backspace: 'Backspace',
};

/** How a key is written on screen: "↓", "Ctrl+R", "Esc". */
export function keyLabel(id: string): string {
  if (id.startsWith('ctrl+')) return `Ctrl+${id.slice(5).toUpperCase()}`;
  return LABELS[id] ?? id;
}

/** A press that types text (into a search or a path): a printable character. */
export const typedText = (p: KeyPress): string | undefined => (!p.ctrl && [...p.name].length === 1 && p.name >= ' ' ? p.name : undefined);
