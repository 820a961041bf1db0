import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HANDOFF_RUN, WRITTEN_DIR } from '../../scripts/record/cases.mjs';
import { RELEASES } from '../../scripts/record/releases.mjs';
import { encodeLongStrings } from '../../scripts/record/store.mjs';
import { runHandoff } from '../../src/commands/handoff.js';
import type { Io } from '../../src/commands/output.js';
import { PROJECTS } from '../helpers/fixtures.js';
import { normaliseRecorded, PROBE, recordedCaseText, recordedMessages, recording } from '../helpers/recordings.js';

/*
 * The session `ccmend handoff` writes, resumed by real Claude Code clients
 * (the case handoff-long239 of scripts/record/cases.mjs, recorded with
 * `npm run record-clients -- --cases handoff-long239`). The command is run
 * here as a user runs it, on the real 2.1.39 session and its subagent where
 * Claude Code keeps them, with the ids and time the recording was made with:
 * it must write the very bytes the clients were given. When the hand-off
 * changes, update the case (`npx vitest run test/recordings/handoff.test.ts -u`)
 * and record it again.
 */

const CASE = 'handoff-long239';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let saved: { home?: string; config?: string };
let home: string;
beforeEach(() => {
  saved = { home: process.env.HOME, config: process.env.CLAUDE_CONFIG_DIR };
  home = mkdtempSync(join(tmpdir(), 'ccmend-handoff-home-'));
  process.env.HOME = home;
  delete process.env.CLAUDE_CONFIG_DIR;
});
afterEach(() => {
  for (const [name, value] of [
    ['HOME', saved.home],
    ['CLAUDE_CONFIG_DIR', saved.config],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

/** `ccmend handoff <id>` on the fixture installed in ~/.claude/projects, with the case's ids and time: the new session's bytes. */
async function handoffAsRecorded(): Promise<{ text: string; out: string }> {
  const from = join(PROJECTS, HANDOFF_RUN.source);
  const project = join(home, '.claude', 'projects', dirname(HANDOFF_RUN.source));
  const id = basename(from, '.jsonl');
  mkdirSync(project, { recursive: true });
  cpSync(from, join(project, basename(from)));
  cpSync(join(dirname(from), id), join(project, id), { recursive: true });
  const out: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void out.push(t) };
  expect(await runHandoff(id, { json: false }, io, new Date(HANDOFF_RUN.now), HANDOFF_RUN.ids)).toBe(0);
  return { text: readFileSync(join(project, `${HANDOFF_RUN.ids.sessionId}.jsonl`), 'utf8'), out: out.join('\n') };
}

describe('the hand-off session, resumed by real clients', () => {
  test('ccmend handoff writes, byte for byte, the session every client was given', async () => {
    const { text, out } = await handoffAsRecorded();
    expect(out).toContain(`resume with: cd /home/USER/projects/spotter-worktrees/spotter-dov && claude --resume ${HANDOFF_RUN.ids.sessionId}`);
    await expect(text).toMatchFileSnapshot(join(WRITTEN_DIR, `${CASE}.jsonl`));
    expect(recordedCaseText(CASE)).toBe(text);
    for (const version of RELEASES) expect(recording(version, CASE).transcriptSha256, version).toBe(sha256(text));
  });

  test('its hand-off names the old transcript under ~, holds the subagent’s commands, and is what 2.1.19 and 2.1.332 send first', async () => {
    const { text } = await handoffAsRecorded();
    const [user] = text.split('\n').map((l) => (l ? JSON.parse(l) : undefined));
    const handoff: string = user.message.content;
    expect(handoff).toContain(`- Previous session: \`4d5611e5-241a-462a-8d15-5122611a9569\` (transcript: \`~/.claude/projects/${HANDOFF_RUN.source}\`)`);
    expect(handoff).toContain('(by a subagent: Explore transcript rendering codebase): ok');
    // As each sent it: 2.1.19 as a text block, 2.1.332 as the string the line holds; then its reply to a session that ends on a prompt, then the probe.
    const sent = { '2.1.19': [{ type: 'text', text: encodeLongStrings(handoff) }], '2.1.332': encodeLongStrings(handoff) };
    for (const [version, first] of Object.entries(sent)) {
      const messages = recordedMessages(version, CASE) as { role: string; content: unknown }[];
      expect(recording(version, CASE), version).toMatchObject({ exitCode: 0, sent: true });
      expect(messages[0], version).toEqual({ role: 'user', content: first });
      expect(messages[1], version).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'No response requested.' }] });
      expect(messages.length, version).toBe(3);
      expect(JSON.stringify(messages[2]!.content), version).toContain(PROBE);
    }
  });

  test('every release of the matrix resumes it and sends the hand-off as the conversation’s first message', async () => {
    const { text } = await handoffAsRecorded();
    const handoff = JSON.parse(text.split('\n')[0]!).message.content as string;
    for (const version of RELEASES) {
      expect(recording(version, CASE).sent, version).toBe(true);
      const [first] = normaliseRecorded(recordedMessages(version, CASE)!, text) as { role: string; content: unknown }[];
      expect(first, version).toEqual({ role: 'user', content: [{ type: 'text', text: encodeLongStrings(handoff) }] });
    }
  });
});
