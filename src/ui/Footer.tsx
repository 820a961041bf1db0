import { Box, Text } from 'ink';
import { wrap } from './detail.js';
import { keyBar, keysOf } from './keyTable.js';
import { type EditorState, modeOf } from './state.js';
import { useTheme } from './theme.js';

/**
 * What the status line asks while a prompt is open (or Ctrl+C waits for a second press), with the keys that answer it. `leaving`: where
 * quitting goes, when it does not end the app (a subagent's editor goes back to its session).
 */
export function promptOf(state: EditorState, leaving?: string): string | undefined {
  const o = state.overlay;
  if (state.armed)
    return `unsaved changes: ${keysOf('interrupt')} again ${leaving ? `goes back to ${leaving}` : 'quits'} without saving them · ${keysOf('save')} saves · any other key goes on`;
  const yesNo = `(${keysOf('yes', 'confirm')}/${keysOf('no', 'confirm')})`;
  const entry = (verb: string, mode: 'search' | 'saveAs') => `(${keysOf('submit', mode)} ${verb}, ${keysOf('cancel', mode)} cancels)`;
  switch (o.kind) {
    case 'rewind':
      return `Rewind: drop everything after turn #${o.turn + 1} on the active branch? ${yesNo}`;
    case 'quit':
      return `${leaving ? `Go back to ${leaving}` : 'Quit'} without saving your changes? ${yesNo}`;
    case 'reload':
      return `Reload ${state.saved.path ?? 'the file'} from disk and drop your changes? ${yesNo}`;
    case 'search':
      return `/${o.query}█  ${entry('finds', 'search')}`;
    case 'saveAs':
      return `save to: ${o.path}█  ${entry('saves', 'saveAs')}`;
    default:
      return undefined;
  }
}

/** The most lines a status takes (a long one takes them from the detail pane). */
const MAX_STATUS_LINES = 3;

/** Lines the status (or prompt) needs at this width. */
export function statusLines(state: EditorState, width: number, leaving?: string): number {
  return Math.min(MAX_STATUS_LINES, wrap(promptOf(state, leaving) ?? state.status, width).length);
}

/** The key bar of the current mode, then the prompt or the status (wrapped to `lines`). */
export function Footer({ state, width, lines, leaving }: { state: EditorState; width: number; lines: number; leaving?: string }) {
  const theme = useTheme();
  const prompt = promptOf(state, leaving);
  const text = prompt ?? (state.status || ' ');
  return (
    <Box flexDirection="column">
      <Text dimColor={theme.dim} wrap="truncate">
        {keyBar(modeOf(state), width)}
      </Text>
      {wrap(text, width)
        .slice(0, lines)
        .map((l, i) => (
          <Text key={i} color={prompt ? theme.accent : undefined} wrap="truncate">
            {l || ' '}
          </Text>
        ))}
    </Box>
  );
}
