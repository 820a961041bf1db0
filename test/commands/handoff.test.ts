import { estimateTextTokens } from '../../src/budget/estimate.js';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { main, reportFailure } from '../../src/cli.js';
import { CliError } from '../../src/report/errors.js';
import { resumeCommand } from '../../src/report/session.js';
import { runHandoff } from '../../src/commands/handoff.js';
import { sessionIdOf } from '../../src/report/session.js';
import type { Io } from '../../src/commands/output.js';
import { renderApiMessages } from '../../src/conversation/apiView.js';
import { firstPrompt } from '../../src/conversation/prompts.js';
import { analyze } from '../../src/rules/analyze.js';
import { summaryFacts } from '../../src/summary/facts.js';
import { renderHandoff } from '../../src/summary/summary.js';
import { loadFile } from '../../src/transcript/load.js';
import { listSessions } from '../../src/transcript/sessions.js';
import { REAL, type RealName, realPath } from '../helpers/fixtures.js';

/*
 * `ccmend handoff` on copies of real sessions in a Claude Code home of their
 * own. The new session is read back the way Claude Code reads it: loaded,
 * its chain walked, and the request it would send rebuilt (ccmend's own API
 * view); real clients resuming it are in test/recordings/handoff.test.ts.
 */

let home: string;
let saved: string | undefined;
beforeEach(() => {
  saved = process.env.CLAUDE_CONFIG_DIR;
  home = mkdtempSync(join(tmpdir(), 'ccmend-handoff-'));
  process.env.CLAUDE_CONFIG_DIR = home;
});
afterEach(() => {
  if (saved === undefined) delete process.env.CLAUDE_CONFIG_DIR;
  else process.env.CLAUDE_CONFIG_DIR = saved;
});

/** A copy of a real session where Claude Code keeps it: projects/<project>/<id>.jsonl. */
function installed(name: RealName): string {
  const path = join(home, 'projects', REAL[name]);
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(realPath(name), path);
  return path;
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t) };
  const code = await main(argv, io).catch((e: unknown) => reportFailure(e, false, io));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const newFiles = (old: string) => readdirSync(dirname(old)).filter((n) => n.endsWith('.jsonl') && n !== basename(old));

describe('ccmend handoff', () => {
  test('the real 2.1.39 session: a new session beside it whose first sent message is the hand-off; the old file is untouched', async () => {
    const old = installed('long');
    const before = readFileSync(old);
    const r = await run('handoff', '4d5611e5-241a-462a-8d15-5122611a9569');
    expect(r.code).toBe(0);
    const [name] = newFiles(old);
    const id = name!.slice(0, -'.jsonl'.length);
    const path = join(dirname(old), name!);
    expect(readFileSync(old).equals(before)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const oldDoc = await loadFile(old);
    const handoff = renderHandoff({ ...summaryFacts(oldDoc, analyze(oldDoc)), transcript: old });
    const doc = await loadFile(path);
    const a = analyze(doc);
    expect(a.counts).toEqual({ error: 0, warning: 0, info: 0 });
    expect(renderApiMessages(doc, a.view)).toEqual([{ role: 'user', content: [{ type: 'text', text: handoff.markdown }] }]);
    expect(handoff.markdown).toContain('> 7. Pending Tasks:');
    expect(handoff.markdown).toContain('> 8. Current Work:');

    // What Claude Code reads to list and resume it: the id, the project directory and branch, a root entry, the leaf.
    expect(sessionIdOf(doc)).toBe(id);
    const entries = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => e.type)).toEqual(['user', 'custom-title', 'last-prompt']);
    expect(entries[0]).toMatchObject({
      parentUuid: null,
      isSidechain: false,
      userType: 'external',
      cwd: '/home/USER/projects/spotter-worktrees/spotter-dov',
      gitBranch: 'spotter-dov',
      sessionId: id,
      message: { role: 'user', content: handoff.markdown },
    });
    expect(entries[1]).toEqual({
      type: 'custom-title',
      customTitle: 'Hand-off: Work on bead spotter-dov. Run bd show spotter-dov to see the issue details and…',
      sessionId: id,
    });
    expect(entries[2]).toMatchObject({ type: 'last-prompt', leafUuid: entries[0].uuid, sessionId: id });
    expect(a.graph.leaf).toBe(0);
    expect(firstPrompt(doc.lines)).toMatch(/^# Hand-off from a previous Claude Code session I am continuing/);
    expect(listSessions({ cwd: '/home/USER/projects/spotter-worktrees/spotter-dov' }).map((s) => s.id)).toContain(id);

    expect(r.out).toBe(
      [
        `wrote ${path}`,
        `  a new session whose first message is the hand-off from 4d5611e5-241a-462a-8d15-5122611a9569 (about ${handoff.tokens.toLocaleString('en-US')} tokens)`,
        '  the old session is unchanged',
        `resume with: cd /home/USER/projects/spotter-worktrees/spotter-dov && claude --resume ${id}`,
      ].join('\n'),
    );
    expect(r.out.split('\n').pop()).toBe(`resume with: ${resumeCommand(doc)}`);
  });

  test('--json: the new session, where it came from, its size and the resume command', async () => {
    const old = installed('compact');
    const r = await run('handoff', old, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const [name] = newFiles(old);
    expect(j).toEqual({
      sessionId: name!.slice(0, -'.jsonl'.length),
      path: join(dirname(old), name!),
      from: { sessionId: '55cec905-72ad-4d63-801c-986d82b42bf0', path: old },
      tokens: expect.any(Number),
      cut: [],
      resume: `cd /home/demo/acme-shop && claude --resume ${j.sessionId}`,
    });
    const doc = await loadFile(j.path);
    const first = renderApiMessages(doc, analyze(doc).view)[0] as { content: { text: string }[] };
    expect(first.content[0]!.text).toContain('## Original goal\n\n> Add a health endpoint');
    expect(j.tokens).toBe(estimateTextTokens(first.content[0]!.text));
  });

  test('a file already at the new name is never overwritten, and nothing is left behind', async () => {
    const old = installed('parallel');
    const ids = { sessionId: 'aaaaaaaa-0000-4000-8000-000000000001', uuid: 'bbbbbbbb-0000-4000-8000-000000000002' };
    const taken = join(dirname(old), `${ids.sessionId}.jsonl`);
    writeFileSync(taken, 'someone else’s session\n');
    const listing = readdirSync(dirname(old)).sort();
    const io: Io = { out: () => {}, err: () => {} };
    await expect(runHandoff(old, { json: false }, io, new Date(), ids)).rejects.toThrow(new CliError(`not written: ${taken} already exists`));
    expect(readFileSync(taken, 'utf8')).toBe('someone else’s session\n');
    expect(readdirSync(dirname(old)).sort()).toEqual(listing);
  });

  test('a transcript with no conversation, or none that says where it ran, is refused in one line and nothing is written', async () => {
    const empty = join(home, 'projects', '-tmp', 'empty.jsonl');
    mkdirSync(dirname(empty), { recursive: true });
    writeFileSync(empty, '');
    let r = await run('handoff', empty);
    expect([r.code, r.err]).toEqual([2, `ccmend: ${empty}: no conversation in it to hand off`]);
    expect(newFiles(empty)).toEqual([]);

    const lean = installed('lean');
    writeFileSync(lean, readFileSync(lean, 'utf8').replace(/"cwd":"[^"]*",/g, ''));
    r = await run('handoff', lean);
    expect([r.code, r.err]).toEqual([2, `ccmend: ${lean}: it records no working directory, so Claude Code could not find a new session for it`]);
    expect(newFiles(lean)).toEqual([]);
  });

  test('takes exactly one file or session id', async () => {
    const r = await run('handoff');
    expect([r.code, r.err]).toEqual([2, 'ccmend: ccmend handoff takes one file or session id (see ccmend --help)']);
    expect((await run('--help')).out).toContain('ccmend handoff <file | session-id> [--json]');
  });
});
