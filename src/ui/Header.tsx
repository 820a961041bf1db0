import { Box, Text } from 'ink';
import { countLine } from '../commands/output.js';
import { formatSize } from '../commands/list.js';
import type { EditorState } from './state.js';
import { isDirty } from './state.js';

export function Header({ state, demo }: { state: EditorState; demo: boolean }) {
  const { analysis } = state;
  const doc = analysis.doc;
  const first = doc.lines.find((l) => l.info.sessionId && !l.info.isSidechain)?.info;
  const version = doc.lines.findLast((l) => l.info.version)?.info.version;
  const size = doc.lines.reduce((n, l) => n + l.info.bytes + l.eol.length, 0);
  const file = doc.path?.replace(/^.*\//, '') ?? '(unsaved)';
  const { error, warning } = analysis.counts;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>ccmend</Text>{' '}
        <Text color={error ? 'red' : warning ? 'yellow' : 'green'} bold>
          {countLine(analysis)}
        </Text>
        {isDirty(state) ? <Text color="cyan"> [modified]</Text> : null}  {file}
        {first?.sessionId ? `  session ${first.sessionId}` : ''}
        {version ? `  v${version}` : ''}  {formatSize(size)}  {doc.lines.length} lines  {analysis.view.messages.length} turns
      </Text>
      {demo ? (
        <Text color="magenta" wrap="truncate">
          DEMO: no Claude Code sessions found here; this is a bundled sample with real faults (a copy).
        </Text>
      ) : null}
      {state.raw ? (
        <Text dimColor wrap="truncate">
          raw file view: every line, with metadata, progress, dead branches and what precedes the last compaction
        </Text>
      ) : null}
    </Box>
  );
}
