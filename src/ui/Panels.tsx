import { Box, Text } from 'ink';
import type { FitPlan } from '../budget/fit.js';
import { formatCount, formatEstimate } from '../budget/format.js';
import type { Changes } from './changes.js';
import { wrap } from './detail.js';
import { type HelpCell, helpCells, keysOf } from './keyTable.js';
import { useTheme } from './theme.js';

const clip = (t: string, n: number) => (t.length > n ? `${t.slice(0, Math.max(0, n - 1))}…` : t);

/** Border and padding of a panel: two columns each side, a line above and below. */
const FRAME = { columns: 4, lines: 2 };

/** Width of the keys column of the help screen (longer keys push their text right). */
const KEYS_WIDTH = 9;

/**
 * The help screen's lines at `width`: two entries a line where both fit, one where
 * a description is long; every command of the tree and the detail pane.
 */
export function helpLines(width: number): HelpCell[][] {
  const inner = width - FRAME.columns;
  const half = Math.floor((inner - 2) / 2);
  const fitsHalf = (c: HelpCell) => Math.max(KEYS_WIDTH, c.keys.length) + 1 + c.help.length <= half;
  const lines: HelpCell[][] = [];
  let left: HelpCell | undefined;
  for (const c of helpCells()) {
    if (inner >= 60 && fitsHalf(c)) {
      if (!left) left = c;
      else {
        lines.push([left, c]);
        left = undefined;
      }
      continue;
    }
    if (left) lines.push([left]);
    left = undefined;
    lines.push([c]);
  }
  if (left) lines.push([left]);
  return lines;
}

/** One entry: its keys in the keys column, then what they do, cut to `width`. */
function HelpEntry({ cell, width }: { cell: HelpCell; width: number }) {
  const theme = useTheme();
  const keys = `${cell.keys.padEnd(KEYS_WIDTH)} `;
  return (
    <Box width={width}>
      <Text wrap="truncate">
        <Text color={theme.accent}>{keys}</Text>
        {clip(cell.help, width - keys.length)}
      </Text>
    </Box>
  );
}

/** A scrolled list's lines in `room` lines, and how many are above and below it. */
function window<T>(lines: readonly T[], top: number, room: number) {
  const start = Math.max(0, Math.min(top, lines.length - room));
  return { shown: lines.slice(start, start + room), above: start, below: Math.max(0, lines.length - start - room) };
}

export function HelpPanel({ height, width, top }: { height: number; width: number; top: number }) {
  const theme = useTheme();
  const lines = helpLines(width);
  const room = height - FRAME.lines - 1;
  const { shown, below, above } = window(lines, top, room);
  const more = above || below ? ` (${keysOf('up', 'help')}${keysOf('down', 'help')} scroll: ${above} above, ${below} below)` : '';
  const half = Math.floor((width - FRAME.columns - 2) / 2);
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold={theme.bold} wrap="truncate">
        Keys ({keysOf('close', 'help')} closes){more}
      </Text>
      {shown.map((cells) => (
        <Box key={cells[0]!.keys} gap={2}>
          {cells.map((c) => (
            <HelpEntry key={c.keys} cell={c} width={cells.length > 1 ? half : width - FRAME.columns} />
          ))}
        </Box>
      ))}
    </Box>
  );
}

/** The save preview: every change, scrollable, then how to answer. */
export function SavePanel({ changes, path, top, height }: { changes: Changes; path: string; top: number; height: number }) {
  const theme = useTheme();
  // Title, the backup note and the answer line besides the frame; the rest lists changes.
  const room = Math.max(1, height - FRAME.lines - 3);
  const { shown, above, below } = window(changes.lines, top, room);
  const counts = `${changes.removed} removed · ${changes.changed} changed · ${changes.added} added${changes.moved ? ` · ${changes.moved} moved` : ''}`;
  const scroll =
    above || below ? ` · ${keysOf('up', 'preview')}${keysOf('down', 'preview')} ${keysOf('pageDown', 'preview')} scroll (${above} above, ${below} below)` : '';
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold={theme.bold} wrap="truncate-start">
        Save {path}? {counts}
      </Text>
      {shown.map((l, i) => (
        <Text key={`${above + i}`} wrap="truncate" color={l.startsWith('-') ? theme.error : l.startsWith('+') ? theme.ok : undefined}>
          {l}
        </Text>
      ))}
      <Text dimColor={theme.dim} wrap="truncate">
        Keeps a backup (.ccmend-&lt;time&gt;.bak); every other line stays byte for byte.
      </Text>
      <Text color={theme.accent} wrap="truncate">
        {keysOf('yes', 'preview')} saves · {keysOf('no', 'preview', true).replace(' ', '/')} cancels{scroll}
      </Text>
    </Box>
  );
}

/** The cuts fit would make, each with what it is and its size, scrollable, then how to answer. */
export function FitPanel({ plan, top, height }: { plan: FitPlan; top: number; height: number }) {
  const theme = useTheme();
  const room = Math.max(1, height - FRAME.lines - 3);
  const { shown, above, below } = window(plan.cuts, top, room);
  const n = plan.cuts.length;
  const scroll = above || below ? ` · ${keysOf('up', 'preview')}${keysOf('down', 'preview')} scroll (${above} above, ${below} below)` : '';
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold={theme.bold} wrap="truncate">
        Cut {n} block{n === 1 ? '' : 's'} to fit {formatCount(plan.target)} tokens? ≈ {formatEstimate(plan.before)} now, ≈ {formatEstimate(plan.after)} after
      </Text>
      {shown.map((c) => (
        <Text key={`${c.pos}:${c.block}`} wrap="truncate">
          line {formatCount(c.pos + 1)}, turn {c.message + 1}: {c.what}: ≈ {formatEstimate(c.tokens)} tokens
        </Text>
      ))}
      <Text dimColor={theme.dim} wrap="truncate">
        Each is replaced by a short stub that says what was there; {keysOf('undo')} undoes it, and nothing is written until you save.
      </Text>
      <Text color={theme.accent} wrap="truncate">
        {keysOf('yes', 'preview')} cuts · {keysOf('no', 'preview', true).replace(' ', '/')} cancels{scroll}
      </Text>
    </Box>
  );
}

/** A save refused because another program changed the file: what happened and the ways on that keep the edits. */
export function ConflictPanel({ message, error, height, width }: { message: string; error?: string; height: number; width: number }) {
  const theme = useTheme();
  const inner = width - FRAME.columns;
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1} borderColor={theme.error}>
      <Text bold={theme.bold} color={theme.error}>
        Not saved
      </Text>
      {wrap(message, inner).map((l) => (
        <Text key={l}>{l}</Text>
      ))}
      <Text> </Text>
      <Text>
        <Text color={theme.accent}>{keysOf('saveAs', 'conflict').padEnd(KEYS_WIDTH)}</Text> save your version to another file (your changes are kept)
      </Text>
      <Text>
        <Text color={theme.accent}>{keysOf('reload', 'conflict').padEnd(KEYS_WIDTH)}</Text> reload the file as it is now (drops your changes; asks first)
      </Text>
      <Text>
        <Text color={theme.accent}>{keysOf('cancel', 'conflict').padEnd(KEYS_WIDTH)}</Text> keep editing
      </Text>
      {error
        ? wrap(`not saved there: ${error}`, inner).map((l) => (
            <Text key={l} color={theme.error}>
              {l}
            </Text>
          ))
        : null}
    </Box>
  );
}

export function DetailPanel({ lines, top, height, focused }: { lines: readonly string[]; top: number; height: number; focused: boolean }) {
  const theme = useTheme();
  const start = Math.min(top, Math.max(0, lines.length - height + 1));
  return (
    <Box flexDirection="column" height={height} borderStyle="single" borderColor={focused ? theme.accent : theme.info} paddingX={1}>
      {lines.slice(start, start + height - FRAME.lines).map((l, i) => (
        <Text key={`${start + i}`} wrap="truncate" color={/^ERROR /.test(l) ? theme.error : /^WARNING /.test(l) ? theme.warning : undefined}>
          {l || ' '}
        </Text>
      ))}
    </Box>
  );
}
