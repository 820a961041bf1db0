import { Box, Text } from 'ink';
import type { EditorState } from './state.js';

const KEYS = 'n/N problem  d del  K/J move  m merge  r rewind  f/F fix  u undo  s save  e export  a raw  ? help  q quit';

export function Footer({ state }: { state: EditorState }) {
  let prompt: string | undefined;
  if (state.overlay === 'confirm-rewind') prompt = 'Rewind: drop everything after this turn on the active branch? (y/n)';
  if (state.overlay === 'confirm-quit') prompt = 'Quit without saving your changes? (y/n)';
  if (state.overlay === 'search') prompt = `/${state.query}█  (Enter finds, Esc cancels)`;
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">
        {KEYS}
      </Text>
      <Text color={prompt ? 'cyan' : undefined} wrap="truncate">
        {prompt ?? (state.status || ' ')}
      </Text>
    </Box>
  );
}
