import { Box, Text } from 'ink';
import type { Severity } from '../rules/types.js';
import { type Row, rowLabel, rowMarks } from './rows.js';
import type { EditorState } from './state.js';

const MARK: Record<Severity, { ch: string; color: string }> = {
  error: { ch: '✖', color: 'red' },
  warning: { ch: '▲', color: 'yellow' },
  info: { ch: '·', color: 'gray' },
};

function inFocus(row: Row, state: EditorState): boolean {
  const p = state.problem;
  if (!p) return false;
  if (row.kind === 'turn') return p.turn !== undefined && row.turn === p.turn - 1;
  return row.pos === p.pos && (row.kind !== 'block' || p.block === undefined || row.block === p.block);
}

/** Only the rows in the viewport are rendered: a 40k-line transcript costs the same as a small one. */
export function Tree({ state, width }: { state: EditorState; width: number }) {
  const visible = state.rows.slice(state.top, state.top + state.height);
  return (
    <Box flexDirection="column" height={state.height}>
      {visible.map((row, i) => {
        const selected = state.top + i === state.cursor;
        const marks = rowMarks(state.analysis, state.byPos, row);
        const mark = marks.severity ? MARK[marks.severity] : undefined;
        const rules = marks.rules.length ? ` ${marks.rules.join(',')}` : '';
        const room = Math.max(10, width - 3 - rules.length);
        const text = rowLabel(state.analysis, row, state.collapsed);
        const label = text.length > room ? `${text.slice(0, room - 1)}…` : text.padEnd(room);
        return (
          <Text key={row.id} wrap="truncate">
            <Text color={mark?.color}>{mark ? mark.ch : ' '}</Text>{' '}
            <Text
              inverse={selected && state.focus === 'tree'}
              underline={selected && state.focus === 'detail'}
              backgroundColor={!selected && inFocus(row, state) ? 'blue' : undefined}
            >
              {label}
            </Text>
            <Text color={mark?.color} dimColor={!mark}>
              {rules}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}
