import { Box, Text } from 'ink';
import { useCallback, useEffect, useReducer } from 'react';
import type { SessionRow } from '../report/session.js';
import { formatDate, formatSize, plural } from '../report/text.js';
import type { SessionFile } from '../transcript/sessions.js';
import { keyBar, keysOf } from './keyTable.js';
import { useKeys } from './input.js';
import type { KeyPress } from './keys.js';
import { lastUsed, projectOf } from '../report/session.js';
import { type PickerState, cursorOf, initialPicker, pickerMode, reducePicker, visible } from './pickerState.js';
import { type Size, useTerminal, useTerminalSize } from './terminal.js';
import { useTheme } from './theme.js';

export interface PickerProps {
  /** Current project's sessions first, then the rest; each group newest first. */
  readonly sessions: readonly SessionFile[];
  readonly currentProject: string;
  /** Fills in a session's first prompt, problem counts, folder and last timestamp. */
  readonly describe: (s: SessionFile) => Promise<SessionRow>;
  readonly onPick: (s: SessionFile) => void;
  readonly onQuit: () => void;
  readonly size?: Size;
}

/** Title and hint above the list; key bar and prompt below it. */
const CHROME = 4;

/** A folder in at most its last two names when the screen is narrow. */
const shortPath = (p: string, wide: boolean) => {
  const parts = p.split('/').filter(Boolean);
  return wide || parts.length <= 2 ? p : `…/${parts.slice(-2).join('/')}`;
};

function label(r: SessionRow, here: boolean, width: number): string {
  const wide = width >= 120;
  const described = r.errors !== undefined;
  const problems = described
    ? wide
      ? `${plural(r.errors!, 'error').padEnd(9)} ${plural(r.warnings ?? 0, 'warning')}`
      : `${r.errors} err ${r.warnings ?? 0} warn`
    : '…';
  const folder = here ? '' : `${shortPath(projectOf(r), wide)}  `;
  return `${formatDate(lastUsed(r))}  ${formatSize(r.size).padStart(7)}  ${problems.padEnd(wide ? 21 : 12)}  ${folder}${r.prompt ?? ''}`;
}

function SessionList({ state, width }: { state: PickerState; width: number }) {
  const theme = useTheme();
  const shown = visible(state);
  const at = cursorOf(state, shown);
  const clip = (t: string) => (t.length > width - 2 ? `${t.slice(0, width - 3)}…` : t);
  return (
    <Box flexDirection="column" height={state.height}>
      {shown.slice(state.top, state.top + state.height).map((r, i) => {
        const selected = state.top + i === at;
        return (
          <Text key={r.path} wrap="truncate" inverse={selected}>
            {selected ? '❯ ' : '  '}
            <Text color={r.errors ? theme.error : undefined}>{clip(label(r, r.project === state.currentProject, width))}</Text>
          </Text>
        );
      })}
      {shown.length ? null : <Text dimColor={theme.dim}>no session matches "{state.filter}"</Text>}
    </Box>
  );
}

/** The session list appears at once; prompts, counts, folders and dates fill in as each file is read. */
export function Picker({ sessions, currentProject, describe, onPick, onQuit, size }: PickerProps) {
  const theme = useTheme();
  const terminal = useTerminal();
  const { rows, columns } = useTerminalSize(size);
  const height = Math.max(1, rows - CHROME);
  const [state, dispatch] = useReducer(reducePicker, undefined, () => initialPicker(sessions, currentProject, height));
  useEffect(() => {
    let live = true;
    (async () => {
      for (let i = 0; i < sessions.length && live; i++) {
        const described = await describe(sessions[i]!);
        if (live) dispatch({ type: 'described', session: described });
      }
    })();
    return () => {
      live = false;
    };
  }, [sessions, describe]);
  useEffect(() => {
    if (height !== state.height) dispatch({ type: 'resize', height });
  }, [height, state.height]);
  useKeys(useCallback((press: KeyPress) => dispatch({ type: 'key', press }), []));
  // biome-ignore lint/correctness/useExhaustiveDependencies: the outcome is acted on once, when it is asked for
  useEffect(() => {
    const o = state.outcome;
    if (o?.kind === 'open') onPick(o.session);
    if (o?.kind === 'quit') onQuit();
    if (o?.kind === 'suspend') {
      terminal.suspend();
      dispatch({ type: 'resumed' });
    }
  }, [state.outcome]);
  const mode = pickerMode(state);
  const count = `${visible(state).length} of ${plural(sessions.length, 'session')}`;
  const prompt = state.filtering
    ? `filter: ${state.filter}█  (${keysOf('submit', 'filter')} keeps it, ${keysOf('cancel', 'filter')} clears it) · ${count}`
    : state.filter
      ? `filtered by "${state.filter}" · ${count} (${keysOf('filter', 'picker')} changes it)`
      : count;
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Text bold={theme.bold} wrap="truncate">
        ccmend: pick a Claude Code session to open
      </Text>
      <Text dimColor={theme.dim} wrap="truncate">
        this project first, then the others; newest first
      </Text>
      <SessionList state={state} width={columns} />
      <Text dimColor={theme.dim} wrap="truncate">
        {keyBar(mode, columns)}
      </Text>
      <Text color={state.filtering ? theme.accent : undefined} wrap="truncate">
        {prompt}
      </Text>
    </Box>
  );
}
