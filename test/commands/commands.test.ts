import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CLAUDE_HOME, realPath } from '../helpers/fixtures.js';
import { DEMO, tempCopy } from '../ui/harness.js';
import { homeRelative } from '../../src/summary/handoffFacts.js';
import { run } from './run.js';

let savedHome: string | undefined;
beforeEach(() => {
  savedHome = process.env.CLAUDE_CONFIG_DIR;
  process.env.CLAUDE_CONFIG_DIR = CLAUDE_HOME;
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.CLAUDE_CONFIG_DIR;
  else process.env.CLAUDE_CONFIG_DIR = savedHome;
});

/** What check and fix say they checked for, with no --client and no claude installed (as in the tests). */
const NEWEST_WRITER = 'Claude Code 2.1.330, the newest version that wrote this session';

describe('check', () => {
  test('lists each problem with rule, line, turn, message, API error and fix; exit 1 on errors', async () => {
    const r = await run('check', DEMO);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`${DEMO}: 1 error · 3 warnings, checked for ${NEWEST_WRITER}`);
    expect(lines[1]).toBe(
      '  warning tool-result-missing  line 22, turn 2: tool_use toolu_01BBB (Bash) has no tool_result in the next message (Claude Code 2.1.80–2.1.268 drops a tool_use that has no tool_result in the next message; 2.1.269+ answers a call of the last response left unanswered beside the results of its other calls with an is_error result saying it was interrupted, after those results)',
    );
    expect(lines[2]).toBe(
      '          API: messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01BBB. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    );
    expect(lines[3]).toBe('          fix: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB');
    expect(r.out).toContain('  warning parse-error  line 27: unreadable line, skipped by Claude Code: not valid JSON');
    expect(r.out).toContain(
      '  error   tool-result-duplicate  line 26, turn 3: a second tool_result for toolu_01AAA (Claude Code 2.1.80+ sends this and the API rejects it)',
    );
  });

  test('a session id is looked up under CLAUDE_CONFIG_DIR; a clean session exits 0', async () => {
    const r = await run('check', 'a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${realPath('parallel')}: 0 errors · 0 warnings, checked for ${NEWEST_WRITER}`);
  });

  test('--json gives counts and diagnostics per file', async () => {
    const r = await run('check', '--json', DEMO, realPath('parallel'));
    const j = JSON.parse(r.out);
    expect(j.provider).toBe('anthropic');
    expect(j.files.map((f: { counts: unknown }) => f.counts)).toEqual([
      { error: 1, warning: 3, info: 0 },
      { error: 0, warning: 0, info: 0 },
    ]);
    expect(j.files[0]).toMatchObject({ client: '2.1.330', checkedFor: NEWEST_WRITER });
    expect(j.files[0].diagnostics[0]).toMatchObject({ rule: 'tool-result-missing', severity: 'warning', line: 22, turn: 2, block: 0 });
  });
});

describe('fix', () => {
  test('--dry-run reports the fixes and writes nothing', async () => {
    const file = tempCopy(DEMO);
    const before = readFileSync(file);
    const r = await run('fix', file, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${file}: 1 fix for ${NEWEST_WRITER} (dry run)`);
    expect(r.out).toContain('dry run: nothing written');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dirname(file))).toEqual(['session.jsonl']);
  });

  test('in place: backup, the resume command, and a second run has nothing to fix', async () => {
    const file = tempCopy(DEMO);
    const original = readFileSync(file);
    const r = await run('fix', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('now: 0 errors · 2 warnings'); // the torn line and the lost result stay: warnings are fixed only with --warnings
    expect(r.out).toContain('resume with: cd /home/demo/acme-shop && claude --resume a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1');
    const backup = readdirSync(dirname(file)).find((n) => n.endsWith('.bak'))!;
    expect(readFileSync(join(dirname(file), backup)).equals(original)).toBe(true);
    const again = await run('fix', file);
    expect(again.out.split('\n')[0]).toBe(`${file}: nothing to fix for ${NEWEST_WRITER}`);
    expect(readdirSync(dirname(file)).filter((n) => n.endsWith('.bak'))).toHaveLength(1);
  });

  test('--out always writes there and leaves the input alone; --warnings fixes warnings too', async () => {
    const file = tempCopy(DEMO);
    const before = readFileSync(file);
    const out = join(dirname(file), 'fixed.jsonl');
    const r = await run('fix', file, '--out', out, '--warnings');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${out}`);
    expect(r.out).toContain('now: 0 errors · 0 warnings');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect((await run('check', out)).code).toBe(0);
    const clean = join(dirname(file), 'clean-copy.jsonl');
    await run('fix', realPath('parallel'), '--out', clean);
    expect(readFileSync(clean).equals(readFileSync(realPath('parallel')))).toBe(true);
  });
});

describe('api-view', () => {
  test('--json prints the messages as the API would receive them (parallel results paired)', async () => {
    const r = await run('api-view', realPath('parallel'), '--json');
    const { messages } = JSON.parse(r.out) as { messages: { role: string; content: { type: string; id?: string; tool_use_id?: string }[] }[] };
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(messages[1]!.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    expect(messages[2]!.content.slice(0, 2).map((b) => b.tool_use_id)).toEqual(['toolu_01AAA', 'toolu_01BBB']);
    // The prompt's attachments go before it, as 2.1.330 sends them (fixtures/recordings, real-parallel330).
    expect(messages[0]!.content.at(-1)).toEqual({ type: 'text', text: 'run two commands' });
    expect(messages[0]!.content.length).toBe(9);
  });

  test('the human form lists each message, its lines and blocks', async () => {
    const r = await run('api-view', realPath('parallel'));
    expect(r.out).toContain(
      '#2 assistant (lines 19, 20, 21, 22)\n    thinking: I should list files and print date in parallel.\n    text: Let me look around.\n    tool_use toolu_01AAA Bash echo alpha',
    );
    expect(r.out).toContain('    tool_result toolu_01BBB: beta');
  });
});

describe('list', () => {
  /** Every session of the fixtures home in a copy of it whose files all have one time, as a copied folder gives them. */
  function copiedHome(): string {
    const home = mkdtempSync(join(tmpdir(), 'ccmend-list-'));
    cpSync(CLAUDE_HOME, home, { recursive: true });
    const when = new Date('2027-01-01T00:00:00Z');
    for (const name of readdirSync(join(home, 'projects'), { recursive: true }) as string[]) utimesSync(join(home, 'projects', name), when, when);
    return home;
  }
  /** A session's own last timestamp, as the list shows it. */
  const lastStamp = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          const t = JSON.parse(l).timestamp;
          return typeof t === 'string' ? [t] : [];
        } catch {
          return [];
        }
      })
      .at(-1);

  test('--all lists every session newest first by its own last timestamp, with the folder it ran in, its error count and first prompt', async () => {
    process.env.CLAUDE_CONFIG_DIR = copiedHome();
    const r = await run('list', '--all');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n');
    expect(rows).toHaveLength(14);
    expect(rows.find((l) => l.startsWith('4d5611e5-241a-462a-8d15-5122611a9569'))).toBe(
      '4d5611e5-241a-462a-8d15-5122611a9569  2026-02-12 21:03    3.0 MB  6 errors    [/home/USER/projects/spotter-worktrees/spotter-dov] Work on bead spotter-dov. Run bd show spotter-dov to see the issue details and bd ready to find available subtasks. Sta…',
    );
    expect(rows.find((l) => l.startsWith('1af7fc5e-8455-4414-9ccd-011d40f70b2a'))).toMatch(/0 errors {4}\[\/path\/to\/Demo\] \/init$/);
    expect(rows.find((l) => l.startsWith('9ba8a48a-4fb7-4def-a261-098d6b673073'))).toMatch(
      /0 errors {4}\[\/tmp\/ccmend-fixtures\/acme-shop\] When was Node 20 released\? Search the web\.$/,
    );
    // Each date is the session's own last timestamp (not the copied files' one time), and they run newest first.
    const j = JSON.parse((await run('list', '--all', '--json')).out) as { id: string; path: string; lastUsed: string; modified: string }[];
    expect(j.map((s) => s.id)).toEqual(rows.map((l) => l.split(' ')[0]));
    for (const s of j) {
      const stamp = lastStamp(s.path);
      expect(s.lastUsed, s.id).toBe(stamp ? new Date(stamp).toISOString() : s.modified);
      expect(rows.find((l) => l.startsWith(`${s.id}  `))!.slice(s.id.length + 2, s.id.length + 18), s.id).toBe(s.lastUsed.slice(0, 16).replace('T', ' '));
    }
    expect(new Set(j.map((s) => s.modified))).toEqual(new Set(['2027-01-01T00:00:00.000Z']));
    expect(j.map((s) => s.lastUsed)).toEqual(
      j
        .map((s) => s.lastUsed)
        .sort()
        .reverse(),
    );
    expect(new Set(j.map((s) => s.lastUsed.slice(0, 10))).size).toBeGreaterThan(5);
  });

  test('without --all only the current project (none here) and a hint', async () => {
    const r = await run('list');
    expect(r.out).toBe(`no sessions for ${process.cwd()} (try --all)`);
  });
});

describe('summary', () => {
  test('the transcript is named under the home directory as ~/…, elsewhere by its whole path', () => {
    expect(homeRelative('/home/you/.claude/projects/-p/x.jsonl', '/home/you')).toBe('~/.claude/projects/-p/x.jsonl');
    expect(homeRelative('/home/younger/x.jsonl', '/home/you')).toBe('/home/younger/x.jsonl');
    expect(homeRelative('/tmp/x.jsonl', '/home/you')).toBe('/tmp/x.jsonl');
  });

  test('the hand-off holds the goal, later requests, files, commands with outcomes, the compaction summary and the last answer', async () => {
    const r = await run('summary', realPath('compact'));
    expect(r.code).toBe(0);
    const md = r.out;
    expect(md).toContain('- Project directory: `/home/demo/acme-shop`');
    expect(md).toContain(`- Previous session: \`55cec905-72ad-4d63-801c-986d82b42bf0\` (transcript: \`${homeRelative(realPath('compact'))}\`)`);
    expect(md).toContain('## Original goal\n\n> Add a health endpoint');
    expect(md).toContain('## Later requests\n\n- Which routes exist?');
    expect(md).toContain('## Files\n\nCreated:\n- `src/health.js`');
    expect(md).not.toContain('Edited:');
    expect(md).toContain('## Commands run\n\nEach once, in the order of its last run, with how that run ended.\n\n- `ls src`: ok');
    expect(md).toContain('## Claude Code’s compaction summary');
    expect(md).toContain('## Last request\n\n> thanks, what next?\n\n## Last assistant message\n\n> OK from fake');
  });

  test('printed, it is alone on stdout; the commands that start a fresh session with it go to stderr', async () => {
    const r = await run('summary', realPath('compact'));
    expect(r.out.startsWith('# Hand-off from a previous Claude Code session\n')).toBe(true);
    expect(r.err).toBe(
      [
        `start a fresh session with it: cd '/home/demo/acme-shop' && claude "$(ccmend summary '${realPath('compact')}')"`,
        `or make it a session of its own: ccmend handoff '${realPath('compact')}'`,
      ].join('\n'),
    );
  });

  test('--out writes the file and prints the command that starts a fresh session with it', async () => {
    const out = join(dirname(tempCopy(DEMO)), 'handoff.md');
    const r = await run('summary', realPath('compact'), '--out', out);
    expect(r.out).toBe(`wrote ${out}\nstart a fresh session with: cd '/home/demo/acme-shop' && claude "$(cat '${out}')"`);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('# Hand-off from a previous Claude Code session');
  });
});

describe('naming what to open', () => {
  test('--version prints the version of the package', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: 0, out: `ccmend ${pkg.version}`, err: '' });
  });

  test('a unique prefix of a session id opens that session', async () => {
    const r = await run('check', 'a4cca2e3');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${realPath('parallel')}: 0 errors · 0 warnings, checked for ${NEWEST_WRITER}`);
  });

  test('a prefix several sessions share names them all and opens none', async () => {
    await expect(run('check', '55')).rejects.toThrow(
      '55: 2 sessions start with it (55604662-cf2a-4331-851a-ec234028f8ca, 55cec905-72ad-4d63-801c-986d82b42bf0); give more of the id',
    );
  });

  test('nothing found: the message names the folder that was searched', async () => {
    await expect(run('check', 'ffffffff')).rejects.toThrow(`ffffffff: no such file or session id (looked under ${join(CLAUDE_HOME, 'projects', '*')}/)`);
  });
});

describe('repeats of one rule are grouped in the text reports', () => {
  /** The real 2.1.19 session with ten torn lines appended (a writer killed mid-line, ten times). */
  function withTornLines(): string {
    const file = tempCopy(realPath('lean'));
    const torn = readFileSync(file, 'utf8').split('\n')[0]!.slice(0, 40);
    writeFileSync(file, readFileSync(file, 'utf8') + `${torn}\n`.repeat(10));
    return file;
  }

  test('check lists the first three parse errors and counts the rest; --json lists every one', async () => {
    const file = withTornLines();
    const r = await run('check', file);
    const lines = r.out.split('\n');
    expect(lines.filter((l) => l.startsWith('  warning parse-error  line '))).toHaveLength(3);
    expect(lines.at(-1)).toBe('  … and 7 more parse-error lines (--json lists every one)');
    const json = JSON.parse((await run('check', '--json', file)).out);
    expect(json.files[0].diagnostics.filter((d: { rule: string }) => d.rule === 'parse-error')).toHaveLength(10);
  });

  test('fix --warnings lists the first three fixes of the rule and counts the rest', async () => {
    const r = await run('fix', withTornLines(), '--warnings', '--dry-run');
    const lines = r.out.split('\n');
    // Ten torn lines, and (for 2.1.19, which sends only the chain) a parallel call's result put back on it.
    expect(lines[0]).toMatch(/: 11 fixes for Claude Code 2.1.19, the newest version that wrote this session \(dry run\)$/);
    expect(lines.filter((l) => / {2}parse-error: /.test(l))).toHaveLength(3);
    expect(lines[4]).toBe('  … and 7 more parse-error fixes');
    expect(lines[5]).toBe('  line 5  tool-result-missing: put its tool_result (line 7) on the chain, after line 6');
  });
});

describe('--client: the Claude Code checked for', () => {
  const ALL = /every Claude Code ccmend models \(1\.0\.0 to 2\.1\.\d+\+\)/;

  test('check names the version; the demo breaks 2.1.330 (a second result for one call) but not 2.1.19, which sends only the chain', async () => {
    const old = await run('check', '--client', '2.1.19', DEMO);
    expect(old.code).toBe(0);
    expect(old.out.split('\n')[0]).toBe(`${DEMO}: 0 errors · 3 warnings, checked for Claude Code 2.1.19`);
    expect(old.out).toContain('a second tool_result for toolu_01AAA (Claude Code 2.1.80+ sends this and the API rejects it)');
    const all = await run('check', '--client', 'all', '--json', DEMO);
    expect(all.code).toBe(1);
    const file = JSON.parse(all.out).files[0];
    expect(file.client).toBe('all');
    expect(file.checkedFor).toMatch(ALL);
    expect(file.counts).toEqual({ error: 1, warning: 3, info: 0 });
  });

  test('fix repairs what breaks the version named, and only that', async () => {
    const file = tempCopy(DEMO);
    expect((await run('fix', file, '--client', '2.1.19', '--dry-run')).out.split('\n')[0]).toBe(`${file}: nothing to fix for Claude Code 2.1.19`);
    const r = await run('fix', file, '--client', 'all', '--dry-run');
    expect(r.out.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[.+]/g, '\\$&')}: 1 fix for every Claude Code ccmend models .* \\(dry run\\)$`)),
      '  line 26  tool-result-duplicate: keep the first result, remove this one',
    ]);
  });

  test('api-view shows the request of the version named', async () => {
    const view = JSON.parse((await run('api-view', '--json', '--client', '2.1.19', DEMO)).out);
    expect(view.client).toBe('2.1.19');
    // Only the chain: one call and its result, then the answer the client adds to a conversation ending on a result.
    expect(view.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  test('without --client, the installed claude decides (asked once: claude --version)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccmend-claude-'));
    const claude = join(dir, 'claude');
    writeFileSync(claude, '#!/bin/sh\necho "2.1.19 (Claude Code)"\n', { mode: 0o755 });
    const saved = process.env.CCMEND_CLAUDE;
    process.env.CCMEND_CLAUDE = claude;
    try {
      const r = await run('check', DEMO);
      expect(r.out.split('\n')[0]).toBe(`${DEMO}: 0 errors · 3 warnings, checked for Claude Code 2.1.19, installed`);
    } finally {
      process.env.CCMEND_CLAUDE = saved;
    }
  });

  test('a value that is no version is refused in one line (the usage error, exit 2)', async () => {
    await expect(run('check', '--client', '2.1', DEMO)).rejects.toThrow('--client must be a Claude Code version such as 2.1.330, or all (got 2.1)');
  });
});
