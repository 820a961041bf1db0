import { Box, Text } from 'ink';
import { KEY_HELP } from './keymap.js';
import type { Changes } from './changes.js';

export function HelpPanel({ height }: { height: number }) {
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {KEY_HELP.map(([keys, action]) => (
        <Text key={keys}>
          <Text color="cyan">{keys.padEnd(28)}</Text>
          {action}
        </Text>
      ))}
      <Text dimColor>Esc or ? closes this help.</Text>
    </Box>
  );
}

export function SavePanel({ changes, path, height }: { changes: Changes; path: string; height: number }) {
  // Border (2) + title, "more", note and prompt (4): the rest lists changes. Every line is cut, never wrapped,
  // so the panel never overflows its height.
  const shown = changes.lines.slice(0, Math.max(1, height - 6));
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold wrap="truncate-start">
        Save {path}? {changes.removed.length} removed · {changes.changed.length} changed · {changes.added} added
      </Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
      {changes.lines.length > shown.length ? <Text dimColor>… and {changes.lines.length - shown.length} more</Text> : null}
      <Text dimColor wrap="truncate">
        A backup (.ccmend-&lt;time&gt;.bak) is kept beside it; every other line is written back byte for byte.
      </Text>
      <Text color="cyan">y saves · n cancels</Text>
    </Box>
  );
}

export function DetailPanel({ lines, top, height, focused }: { lines: readonly string[]; top: number; height: number; focused: boolean }) {
  const start = Math.min(top, Math.max(0, lines.length - height + 1));
  return (
    <Box flexDirection="column" height={height} borderStyle="single" borderColor={focused ? 'cyan' : 'gray'} paddingX={1}>
      {lines.slice(start, start + height - 2).map((l, i) => (
        <Text key={i} wrap="truncate" color={/^ERROR /.test(l) ? 'red' : /^WARNING /.test(l) ? 'yellow' : undefined}>
          {l || ' '}
        </Text>
      ))}
    </Box>
  );
}
