import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { Doc } from '../transcript/document.js';
import { countLine, formatSize } from '../report/text.js';
import type { EditorState } from './state.js';
import { isDirty } from './state.js';

/** Facts of the whole file: computed once per document version, not per frame. */
function fileFacts(doc: Doc) {
  return {
    sessionId: doc.lines.find((l) => l.info.sessionId && !l.info.isSidechain)?.info.sessionId,
    version: doc.lines.findLast((l) => l.info.version)?.info.version,
    // The file as loaded: summing 100k line sizes on every edit would cost a frame.
    size: doc.stamp?.size ?? doc.source.size,
    file: doc.path?.replace(/^.*\//, '') ?? '(unsaved)',
  };
}

export function Header({ state, demo }: { state: EditorState; demo: boolean }) {
  const { analysis } = state;
  const doc = analysis.doc;
  const { sessionId, version, size, file } = useMemo(() => fileFacts(doc), [doc]);
  const { error, warning } = analysis.counts;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>ccmend</Text>{' '}
        <Text color={error ? 'red' : warning ? 'yellow' : 'green'} bold>
          {countLine(analysis)}
        </Text>
        {isDirty(state) ? <Text color="cyan"> [modified]</Text> : null}
        {`  ${file}`}
        {sessionId ? `  session ${sessionId}` : ''}
        {version ? `  v${version}` : ''}
        {`  ${formatSize(size)}  ${doc.lines.length} lines  ${analysis.view.messages.length} turns`}
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
