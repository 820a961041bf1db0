import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach } from 'vitest';
import { CLAUDE_HOME, realPath } from '../helpers/fixtures.js';
import { type Entry, at, blocksOf, entries } from '../rules/helpers.js';
import { tempCopy } from '../ui/harness.js';

/*
 * The broken cases of the context budget, built from the 1.0.98 session: a
 * claude-sonnet-4 conversation (a 200,000-token window) with the API's own
 * counts on every response.
 */

/** The Task output on line 294 (turn 11 of 18). */
export const TASK_OUTPUT = '1acad92c';

/** The first text of the tool output on the line whose uuid starts with `uuid`, its text repeated to `chars` characters (a huge file read or log). */
export function withHugeOutput(lines: Entry[], uuid: string, chars: number): Entry[] {
  const result = blocksOf(lines[at(lines, uuid)]!)[0]!;
  const text = result.content[0].text as string;
  result.content[0].text = text.repeat(Math.ceil(chars / text.length)).slice(0, chars);
  return lines;
}

/** The session with the Task output on line 294 `chars` long: 1,800,000 is three times the window. */
export const hugeTaskOutput = (chars = 1_800_000): Entry[] => withHugeOutput(entries('old'), TASK_OUTPUT, chars);

/** The session with its last tool output (line 437, turn 17 of 18: in the last messages) 1,800,000 characters long. */
export function hugeLastOutput(): { lines: Entry[]; last: Entry } {
  const lines = entries('old');
  const last = lines.findLast((e) => e.type === 'user' && !e.isSidechain && blocksOf(e)[0]?.type === 'tool_result')!;
  blocksOf(last)[0]!.content = 'x'.repeat(1_800_000);
  return { lines, last };
}

/** `lines` written to a session file of their own in a fresh temp dir. */
export function writeSession(lines: readonly Entry[]): string {
  const file = tempCopy(realPath('old'));
  writeFileSync(file, lines.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return file;
}

/** The window follows the settings' model: tests read the fixtures' settings (which set none), not this machine's. */
export function readFixtureSettings(): void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of ['CLAUDE_CONFIG_DIR', 'ANTHROPIC_MODEL']) saved[k] = process.env[k];
    process.env.CLAUDE_CONFIG_DIR = CLAUDE_HOME;
    delete process.env.ANTHROPIC_MODEL;
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
