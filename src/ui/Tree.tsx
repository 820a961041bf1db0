import { Box, Text } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import { blockTokens } from '../budget/estimate.js';
import { formatEstimate } from '../budget/format.js';
import type { Severity } from '../rules/types.js';
import { type Marks, type Row, rowMarks, subagentCallAt } from './rows.js';
import { type EditorState, diagnosticsAt, labelOf, rowsOf } from './state.js';
import { type SubagentCounts, countText } from './subagents.js';
import { type Theme, useTheme } from './theme.js';

const MARK: Record<Severity, { ch: string; color: keyof Theme }> = {
  error: { ch: '✖', color: 'error' },
  warning: { ch: '▲', color: 'warning' },
  info: { ch: '·', color: 'info' },
};

function inFocus(row: Row, state: EditorState): boolean {
  const p = state.problem;
  if (!p || row.subagent !== undefined) return false;
  if (row.kind === 'turn') return p.turn !== undefined && row.turn === p.turn - 1;
  return row.pos === p.pos && (row.kind !== 'block' || p.block === undefined || row.block === p.block);
}

/** The size column's text for a row: the estimated tokens of its turn or block (raw lines have none). */
function sizeOf(state: EditorState, row: Row): string {
  if (row.kind === 'turn' && row.turn !== undefined) return `≈ ${formatEstimate(state.memo.budget(state.analysis).messages[row.turn]!)}`;
  const info =
    row.kind === 'block' && row.block !== undefined && row.subagent === undefined ? state.analysis.doc.lines[row.pos]!.info.blocks[row.block] : undefined;
  return info ? `≈ ${formatEstimate(blockTokens(info))}` : '';
}

/** Width of the size column: "≈ 1,234,500" and a space. */
const SIZE_WIDTH = 12;

/** The id of the call a subagent's row is under. */
const callOf = (state: EditorState, row: Row): string => subagentCallAt(state.analysis, row, state.memo.subagents)!;

const NOTHING = () => () => {};
const NO_VERSION = () => 0;

/**
 * The subagent transcripts of the rows on screen, for the target the tree is checked for:
 * the ones not known yet are checked after this frame. Redraws as they are.
 */
function useSubagentCounts(subagents: SubagentCounts | undefined, state: EditorState, visible: readonly Row[]): void {
  const version = useSyncExternalStore(subagents?.subscribe ?? NOTHING, subagents?.snapshot ?? NO_VERSION);
  const calls = visible.filter((r) => r.subagent !== undefined).map((r) => callOf(state, r));
  const target = state.checks.target;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the calls on screen, by their ids; a file forgotten changes the version
  useEffect(() => {
    if (calls.length) subagents?.want(calls, target);
  }, [subagents, calls.join(' '), target, version]);
}

/** A subagent's row: its file and its problems, marked as its worst problem is. */
function subagentRow(subagents: SubagentCounts | undefined, state: EditorState, row: Row): { count: string; marks: Marks } {
  const count = subagents?.get(callOf(state, row), state.checks.target);
  return {
    count: ` · ${countText(count ?? { kind: 'checking' })}`,
    marks: count?.kind === 'checked' ? { severity: count.severity, rules: count.rules } : { rules: [] },
  };
}

/** A subagent row's text in `room` columns: the file's name is cut in the middle first ("agent-a2a1….jsonl"), so its problems stay. */
function subagentLabel(label: string, name: string, count: string, room: number): string {
  const over = label.length + count.length - room;
  if (over <= 0) return label + count;
  const stem = name.replace(/\.jsonl$/, '');
  const kept = Math.max(SHORTEST_STEM, stem.length - over - 1);
  return label.replace(name, `${stem.slice(0, kept)}…${name.slice(stem.length)}`) + count;
}

/** What a cut file name keeps at least: "agent-" and three characters of its id. */
const SHORTEST_STEM = 9;

/** Only the rows in the viewport are rendered: a 40k-line transcript costs the same as a small one. */
export function Tree({ state, width, subagents }: { state: EditorState; width: number; subagents?: SubagentCounts }) {
  const theme = useTheme();
  const byPos = diagnosticsAt(state);
  const visible = rowsOf(state).slice(state.top, state.top + state.height);
  useSubagentCounts(subagents, state, visible);
  return (
    <Box flexDirection="column" height={state.height}>
      {visible.map((row, i) => {
        const selected = state.top + i === state.cursor;
        const sub = row.subagent === undefined ? undefined : subagentRow(subagents, state, row);
        const marks = sub?.marks ?? rowMarks(state.analysis, byPos, row);
        const mark = marks.severity ? MARK[marks.severity] : undefined;
        const color = mark ? (theme[mark.color] as string | undefined) : undefined;
        const rules = marks.rules.length ? ` ${marks.rules.join(',')}` : '';
        const size = state.sizes ? sizeOf(state, row).padStart(SIZE_WIDTH) : '';
        const room = Math.max(10, width - 3 - rules.length - size.length);
        const text = sub ? subagentLabel(labelOf(state, row), row.subagent!, sub.count, room) : labelOf(state, row);
        const label = text.length > room ? `${text.slice(0, room - 1)}…` : text.padEnd(room);
        const focused = !selected && inFocus(row, state);
        return (
          <Text key={row.id} wrap="truncate">
            <Text color={color}>{mark ? mark.ch : ' '}</Text>
            {/* Without colour the problem in focus is marked by a character instead of a background. */}
            {focused && !theme.colors ? '›' : ' '}
            <Text
              inverse={selected && state.focus === 'tree'}
              underline={selected && state.focus === 'detail'}
              backgroundColor={focused ? theme.focus : undefined}
            >
              {label}
            </Text>
            <Text dimColor={theme.dim}>{size}</Text>
            <Text color={color} dimColor={!mark && theme.dim}>
              {rules}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}
