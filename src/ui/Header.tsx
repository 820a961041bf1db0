import { basename } from 'node:path';
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { formatEstimate } from '../budget/format.js';
import { WARNING_SHARE } from '../budget/verdict.js';
import { countLine, formatSize } from '../report/text.js';
import type { Target } from '../report/target.js';
import type { Doc } from '../transcript/document.js';
import { type EditorState, isDirty } from './state.js';
import { type Theme, useTheme } from './theme.js';

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

/** One piece of the header line; the lowest `keep` is dropped first when the line is too narrow. */
export interface HeaderPart {
  readonly text: string;
  readonly keep: number;
  readonly color?: keyof Theme;
  readonly bold?: boolean;
}

/** The target as the header names it: "Claude Code 2.1.330" or "all clients". */
const clientName = (t: Target) => (t.option === 'all' ? 'all clients' : `Claude Code ${t.clients[0]!.version}`);

/** A subagent's transcript opened from its session: the session's file and the call that ran it. */
export interface SubagentOf {
  readonly session: string;
  readonly call: string;
  /** What it was asked to do, as its meta file says. */
  readonly description?: string;
}

/** The header's pieces, in order. A new fact (such as the target client) is one more part. */
export function headerParts(state: EditorState, facts: ReturnType<typeof fileFacts>): HeaderPart[] {
  const { analysis } = state;
  const { error, warning, info } = analysis.counts;
  const parts: HeaderPart[] = [
    { text: 'ccmend', keep: 9, bold: true },
    { text: countLine(analysis), keep: 10, color: error ? 'error' : warning ? 'warning' : 'ok', bold: true },
  ];
  // The counts (and the request's size) are the last full analysis's, carried to the edited lines, until the new one is done.
  if (state.revalidating) parts.push({ text: 'revalidating…', keep: 9.5, color: 'info' });
  if (info) parts.push({ text: `(${info} info before the last compaction)`, keep: 5, color: 'info' });
  if (isDirty(state)) parts.push({ text: '[modified]', keep: 8, color: 'accent' });
  parts.push({ text: `for ${clientName(state.checks.target)}`, keep: 7.5 });
  parts.push({ text: facts.file, keep: 7 });
  if (facts.sessionId) parts.push({ text: `session ${facts.sessionId}`, keep: 4 });
  if (facts.version) parts.push({ text: `v${facts.version}`, keep: 5 });
  // What the request costs, against the window it must fit in.
  const budget = state.memo.shownBudget(analysis);
  const window = budget.window.tokens;
  const share = budget.total / window;
  parts.push({
    text: `≈ ${formatEstimate(budget.total)} tokens of ${window >= 1_000_000 ? `${window / 1_000_000}M` : `${window / 1000}k`}`,
    // Near or over the window it is the header's news; otherwise it still says more than the session id.
    keep: share >= WARNING_SHARE ? 9.5 : 4.5,
    color: share > 1 ? 'error' : share >= WARNING_SHARE ? 'warning' : undefined,
  });
  parts.push(
    { text: formatSize(facts.size), keep: 2 },
    { text: `${analysis.doc.lines.length} lines`, keep: 1 },
    { text: `${analysis.view.messages.length} turns`, keep: 6 },
  );
  return parts;
}

/** The parts that fit in `width`, dropping the least needed first. */
export function fitParts(parts: readonly HeaderPart[], width: number, gap = 2): HeaderPart[] {
  const kept = new Set(parts);
  const length = () => [...kept].reduce((n, p) => n + p.text.length, 0) + gap * (kept.size - 1);
  for (const p of [...parts].sort((a, b) => a.keep - b.keep)) {
    if (length() <= width) break;
    kept.delete(p);
  }
  return parts.filter((p) => kept.has(p));
}

export function Header({ state, demo, width, of }: { state: EditorState; demo: boolean; width: number; of?: SubagentOf }) {
  const theme = useTheme();
  const facts = useMemo(() => fileFacts(state.analysis.doc), [state.analysis.doc]);
  const parts = fitParts(headerParts(state, facts), width);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {parts.map((p, i) => (
          <Text key={p.text} color={p.color ? (theme[p.color] as string | undefined) : undefined} bold={p.bold && theme.bold}>
            {i ? '  ' : ''}
            {p.text}
          </Text>
        ))}
      </Text>
      {of ? (
        <Text color={theme.accent} wrap="truncate">
          subagent of {basename(of.session)} run by {of.call}
          {of.description ? ` (${of.description})` : ''}
        </Text>
      ) : null}
      {demo ? (
        <Text color={theme.demo} wrap="truncate">
          DEMO: no Claude Code sessions found here; this is a bundled sample with real faults (a copy).
        </Text>
      ) : null}
      {state.raw ? (
        <Text dimColor={theme.dim} wrap="truncate">
          raw file view: every line, with metadata, progress, dead branches and what precedes the last compaction
        </Text>
      ) : null}
    </Box>
  );
}
