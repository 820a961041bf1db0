import { type SessionRow, lastUsed, projectOf } from '../report/session.js';
import { type Command, type Mode, commandFor } from './keyTable.js';
import { type KeyPress, typedText } from './keys.js';

/*
 * The session picker's state and its pure reducer: the sessions (described as
 * each file is read), the filter, the cursor. The cursor names a session, not
 * a position, so it stays on it while descriptions re-sort the list.
 */

export interface PickerState {
  /** Every session, in the order listed (this project first, then the rest). */
  readonly sessions: readonly SessionRow[];
  readonly currentProject: string;
  readonly filter: string;
  /** The filter is being typed. */
  readonly filtering: boolean;
  /** The path of the selected session. */
  readonly selected?: string;
  /** A key has moved the cursor: until then it stays on the top row while the list re-sorts. */
  readonly moved: boolean;
  readonly top: number;
  readonly height: number;
  /** What the picker asks the app to do. */
  readonly outcome?: { readonly kind: 'open'; readonly session: SessionRow } | { readonly kind: 'quit' } | { readonly kind: 'suspend' };
}

export type PickerAction =
  | { readonly type: 'key'; readonly press: KeyPress }
  | { readonly type: 'described'; readonly session: SessionRow }
  | { readonly type: 'resize'; readonly height: number }
  | { readonly type: 'resumed' };

export function initialPicker(sessions: readonly SessionRow[], currentProject: string, height: number): PickerState {
  return { sessions, currentProject, filter: '', filtering: false, selected: sessions[0]?.path, moved: false, top: 0, height: Math.max(1, height) };
}

/** The sessions shown: those the filter matches, this project's first, each group newest first. */
export function visible(s: PickerState): SessionRow[] {
  const q = s.filter.toLowerCase();
  const matches = q ? s.sessions.filter((r) => `${projectOf(r)} ${r.prompt ?? ''} ${r.id}`.toLowerCase().includes(q)) : [...s.sessions];
  const here = (r: SessionRow) => (r.project === s.currentProject ? 0 : 1);
  return matches.sort((a, b) => here(a) - here(b) || lastUsed(b) - lastUsed(a));
}

export function cursorOf(s: PickerState, shown: readonly SessionRow[] = visible(s)): number {
  return Math.max(
    0,
    shown.findIndex((r) => r.path === s.selected),
  );
}

function select(s: PickerState, shown: readonly SessionRow[], index: number): PickerState {
  const at = Math.max(0, Math.min(index, shown.length - 1));
  let top = s.top;
  if (at < top) top = at;
  if (at >= top + s.height) top = at - s.height + 1;
  top = Math.max(0, Math.min(top, Math.max(0, shown.length - s.height)));
  return { ...s, selected: shown[at]?.path, top };
}

const moved = (s: PickerState, shown: readonly SessionRow[], index: number) => select({ ...s, moved: true }, shown, index);

/** After the list changed under the cursor: keep the session selected (or the first one) and in view. */
const kept = (s: PickerState) => {
  const shown = visible(s);
  return select(s, shown, s.moved ? cursorOf(s, shown) : 0);
};

export function pickerMode(s: PickerState): Mode {
  return s.filtering ? 'filter' : 'picker';
}

function command(s: PickerState, c: Command): PickerState {
  if (c === 'interrupt' || c === 'quit') return { ...s, outcome: { kind: 'quit' } };
  if (c === 'suspend') return { ...s, outcome: { kind: 'suspend' } };
  if (s.filtering) {
    if (c === 'submit') return { ...s, filtering: false };
    if (c === 'cancel') return kept({ ...s, filtering: false, filter: '' });
    if (c === 'erase') return kept({ ...s, filter: [...s.filter].slice(0, -1).join('') });
    return s;
  }
  const shown = visible(s);
  const at = cursorOf(s, shown);
  switch (c) {
    case 'up':
      return moved(s, shown, at - 1);
    case 'down':
      return moved(s, shown, at + 1);
    case 'pageUp':
      return moved(s, shown, at - s.height);
    case 'pageDown':
      return moved(s, shown, at + s.height);
    case 'top':
      return moved(s, shown, 0);
    case 'bottom':
      return moved(s, shown, shown.length - 1);
    case 'filter':
      return { ...s, filtering: true };
    case 'open': {
      const session = shown[at];
      return session ? { ...s, outcome: { kind: 'open', session } } : s;
    }
    default:
      return s;
  }
}

export function reducePicker(s: PickerState, a: PickerAction): PickerState {
  switch (a.type) {
    case 'key': {
      if (s.outcome) return s;
      const c = commandFor(pickerMode(s), a.press);
      if (c) return command(s, c);
      const text = typedText(a.press);
      return s.filtering && text !== undefined ? kept({ ...s, filter: s.filter + text }) : s;
    }
    case 'described':
      return kept({ ...s, sessions: s.sessions.map((r) => (r.path === a.session.path ? a.session : r)) });
    case 'resize':
      return kept({ ...s, height: Math.max(1, a.height) });
    case 'resumed':
      return { ...s, outcome: undefined };
  }
}
