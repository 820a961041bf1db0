import { Box, Text, useStdout } from 'ink';
import SelectInput from 'ink-select-input';
import { useEffect, useState } from 'react';
import type { SessionRow } from '../report/session.js';
import { formatDate, formatSize } from '../report/text.js';
import type { SessionFile } from '../transcript/sessions.js';

export interface PickerProps {
  /** Current project's sessions first, then the rest; each group newest first. */
  readonly sessions: readonly SessionFile[];
  readonly currentProject: string;
  /** Fills in a session's first prompt and problem counts. */
  readonly describe: (s: SessionFile) => Promise<SessionRow>;
  readonly onPick: (s: SessionFile) => void;
}

function label(r: SessionRow, here: boolean): string {
  const problems = r.errors === undefined ? '…' : `${r.errors} error${r.errors === 1 ? '' : 's'}`;
  return `${formatDate(r.mtimeMs)}  ${formatSize(r.size).padStart(8)}  ${problems.padEnd(9)}  ${here ? '' : `[${r.project}] `}${r.prompt ?? ''}`;
}

/** The session list appears at once; prompts and error counts fill in as each file is read. */
export function Picker({ sessions, currentProject, describe, onPick }: PickerProps) {
  const width = (useStdout().stdout.columns || 80) - 3;
  const [rows, setRows] = useState<SessionRow[]>(() => [...sessions]);
  useEffect(() => {
    let live = true;
    (async () => {
      for (let i = 0; i < sessions.length && live; i++) {
        const described = await describe(sessions[i]!);
        if (live) setRows((prev) => prev.map((r, j) => (j === i ? described : r)));
      }
    })();
    return () => {
      live = false;
    };
  }, [sessions]);
  const clip = (t: string) => (t.length > width ? `${t.slice(0, width - 1)}…` : t);
  const items = rows.map((r, i) => ({ key: r.path, label: clip(label(r, r.project === currentProject)), value: i }));
  return (
    <Box flexDirection="column">
      <Text bold>ccmend: pick a Claude Code session to open (↑↓, Enter)</Text>
      <Text dimColor>this project first, then all others; newest first</Text>
      <SelectInput items={items} limit={15} onSelect={(item) => onPick(sessions[item.value]!)} />
    </Box>
  );
}
