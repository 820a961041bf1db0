import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type DoctorDeps, hookCommand, runDoctor } from '../../src/commands/doctor.js';
import { CliError } from '../../src/report/errors.js';
import { REAL, realPath } from '../helpers/fixtures.js';
import { type Sandbox, capture, sandbox } from './support.js';

const LONG_ID = '4d5611e5-241a-462a-8d15-5122611a9569';

function deps(s: Sandbox, env: NodeJS.ProcessEnv = {}, claude?: string): DoctorDeps {
  return { env: { CLAUDE_CONFIG_DIR: s.configDir, ...env }, cwd: s.projectDir, claudeVersion: () => claude };
}

/** Puts the real 2.1.39 session into the sandbox's projects folder, where a session id finds it. */
function installLongSession(s: Sandbox): string {
  const dir = join(s.configDir, 'projects', REAL.long.split('/')[0]!);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${LONG_ID}.jsonl`);
  copyFileSync(realPath('long'), path);
  return path;
}

const SNIPPET = [
  '',
  'To be warned before a broken session is resumed, merge this into settings.json:',
  JSON.stringify({ hooks: { SessionStart: [{ matcher: 'resume', hooks: [{ type: 'command', command: 'ccmend check --hook' }] }] } }, null, 2),
];

describe('ccmend doctor', () => {
  test('healthy setup: every check ok, exit 0, no snippet once the hook is installed', async () => {
    const s = sandbox();
    s.write('claude/settings.json', { hooks: { SessionStart: [{ matcher: 'resume', hooks: [{ type: 'command', command: 'ccmend check --hook' }] }] } });
    const io = capture();
    expect(await runDoctor(undefined, { json: false }, io, deps(s, {}, '2.1.39 (Claude Code)\n'))).toBe(0);
    expect(io.out_).toEqual([
      'ok       channel          requests go to the Anthropic API',
      `ok       settings         read ${join(s.configDir, 'settings.json')}`,
      'ok       claude-version   Claude Code 2.1.39: no known transcript or request bug',
      `ok       hook             the SessionStart hook runs ccmend (${join(s.configDir, 'settings.json')})`,
      'doctor: 0 problems · 0 warnings',
    ]);
  });

  test('broken project settings, a gateway and no `claude` on PATH: warnings only, exit 0, snippet printed', async () => {
    const s = sandbox();
    const broken = s.write('project/.claude/settings.json', '{"env": ');
    const io = capture();
    expect(await runDoctor(undefined, { json: false }, io, deps(s, { ANTHROPIC_BASE_URL: 'http://localhost:4000' }))).toBe(0);
    expect(io.out_).toEqual([
      'warning  channel          requests go to a gateway or proxy at http://localhost:4000 (ANTHROPIC_BASE_URL, from environment) without CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1: experimental anthropic-beta headers are a known cause of 400 errors there',
      '                          → add "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": "1" to "env" in settings.json (or export it in your shell)',
      `warning  settings         ${broken}: not valid JSON (Unexpected end of JSON input)`,
      '                          → fix or remove it: Claude Code cannot apply a settings file it cannot parse',
      'warning  claude-version   `claude` is not on PATH, so its version cannot be checked',
      '                          → run ccmend doctor where `claude` runs, or give it a session to check the version that wrote it',
      'ok       hook             no SessionStart hook runs ccmend (optional: it warns before a broken session is resumed)',
      `                          → add the snippet below to ${join(s.configDir, 'settings.json')}`,
      'doctor: 0 problems · 3 warnings',
      ...SNIPPET,
    ]);
  });

  test('a buggy Claude Code release is a problem: exit 1', async () => {
    const s = sandbox();
    const io = capture();
    expect(await runDoctor(undefined, { json: false }, io, deps(s, {}, '2.1.19 (Claude Code)'))).toBe(1);
    expect(io.out_).toContain('doctor: 1 problem · 0 warnings');
  });

  test('with a broken session: its checks follow, the session errors make it exit 1', async () => {
    const s = sandbox();
    const path = installLongSession(s);
    const io = capture();
    expect(await runDoctor(LONG_ID, { json: false }, io, deps(s, {}, '2.1.39 (Claude Code)'))).toBe(1);
    expect(io.out_).toEqual([
      `session ${LONG_ID}: ${path}`,
      'ok       channel          requests go to the Anthropic API',
      'ok       settings         no settings files',
      'ok       claude-version   Claude Code 2.1.39: no known transcript or request bug',
      'ok       hook             no SessionStart hook runs ccmend (optional: it warns before a broken session is resumed)',
      `                          → add the snippet below to ${join(s.configDir, 'settings.json')}`,
      'ok       session-version  written by Claude Code 2.1.39',
      'problem  session-check    6 errors · 8 warnings: the API will reject this session as it is',
      `                          → \`ccmend fix ${LONG_ID}\` repairs what is safe to repair; \`ccmend ${LONG_ID}\` to review it by hand`,
      'ok       session-size     3.0 MB, 1512 lines, 1 compaction, 156 messages sent on resume',
      "ok       provider         checked with the Anthropic API's rules",
      'doctor: 1 problem · 0 warnings',
      ...SNIPPET,
    ]);
  });

  test('Bedrock from settings.json applies Bedrock rules to the session and --json has the documented shape', async () => {
    const s = sandbox();
    const userSettings = s.write('claude/settings.json', { env: { CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: '1' } });
    const path = installLongSession(s);
    const io = capture();
    expect(await runDoctor(path, { json: true }, io, deps(s))).toBe(1);
    expect(io.out_).toHaveLength(1);
    const report = JSON.parse(io.out_[0]!);
    expect(report).toEqual({
      checks: [
        {
          id: 'channel',
          status: 'ok',
          message: `requests go to Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK, from ${userSettings}); CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 (from ${userSettings})`,
          action: null,
        },
        { id: 'settings', status: 'ok', message: `read ${userSettings}`, action: null },
        {
          id: 'claude-version',
          status: 'warning',
          message: '`claude` is not on PATH, so its version cannot be checked',
          action: 'run ccmend doctor where `claude` runs, or give it a session to check the version that wrote it',
        },
        {
          id: 'hook',
          status: 'ok',
          message: 'no SessionStart hook runs ccmend (optional: it warns before a broken session is resumed)',
          action: `add the snippet below to ${userSettings}`,
        },
        { id: 'session-version', status: 'ok', message: 'written by Claude Code 2.1.39', action: null },
        {
          id: 'session-check',
          status: 'problem',
          message: '6 errors · 8 warnings: the API will reject this session as it is',
          action: `\`ccmend fix ${LONG_ID}\` repairs what is safe to repair; \`ccmend ${LONG_ID}\` to review it by hand`,
        },
        { id: 'session-size', status: 'ok', message: '3.0 MB, 1512 lines, 1 compaction, 156 messages sent on resume', action: null },
        {
          id: 'provider',
          status: 'ok',
          message: `checked with Bedrock's stricter rules (first message from the user, roles alternate) (set in ${userSettings})`,
          action: 'pass `--provider bedrock` to `ccmend check` and `ccmend fix`',
        },
      ],
      counts: { ok: 6, warning: 1, problem: 1 },
      session: {
        path,
        sessionId: LONG_ID,
        bytes: 3158801,
        lines: 1512,
        compactions: 1,
        messages: 156,
        versions: ['2.1.39'],
        cwd: '/home/USER/projects/spotter-worktrees/spotter-dov',
        provider: 'bedrock',
        counts: { error: 6, warning: 8, info: 16 },
      },
      hookSettings: { hooks: { SessionStart: [{ matcher: 'resume', hooks: [{ type: 'command', command: 'ccmend check --hook' }] }] } },
    });
  });

  test('ccmend not on PATH: the snippet runs this binary by its path, and a hook set up with it prints no snippet', async () => {
    const s = sandbox();
    const command = "/usr/bin/node '/opt/my tools/repair/dist/bin.js' check --hook";
    const io = capture();
    expect(await runDoctor(undefined, { json: false }, io, { ...deps(s, {}, '2.1.39 (Claude Code)\n'), hookCommand: command })).toBe(0);
    expect(io.out_.slice(-3).join('\n')).toContain(`"command": ${JSON.stringify(command)}`);
    s.write('claude/settings.json', { hooks: { SessionStart: [{ matcher: 'resume', hooks: [{ type: 'command', command }] }] } });
    const again = capture();
    expect(await runDoctor(undefined, { json: false }, again, { ...deps(s, {}, '2.1.39 (Claude Code)\n'), hookCommand: command })).toBe(0);
    expect(again.out_.at(-1)).toBe('doctor: 0 problems · 0 warnings');
    expect(again.out_).toContain(`ok       hook             the SessionStart hook runs ccmend (${join(s.configDir, 'settings.json')})`);
  });

  test('the hook command: `ccmend` when PATH finds this binary under that name, else node and the binary by absolute path', () => {
    const bin = realPath('lean'); // any real file stands for the binary
    const dir = mkdtempSync(join(tmpdir(), 'ccmend-path-'));
    symlinkSync(bin, join(dir, 'ccmend'));
    expect(hookCommand(`/nowhere${delimiter}${dir}`, bin, '/usr/bin/node')).toBe('ccmend check --hook');
    expect(hookCommand('/nowhere', bin, '/usr/bin/node')).toBe(`/usr/bin/node ${bin} check --hook`);
    expect(hookCommand('/nowhere', '/opt/it is/bin.js', '/usr/bin/node')).toBe('ccmend check --hook'); // no such file: the name is all there is
    rmSync(dir, { recursive: true });
  });

  test('an unknown session id is a usage error (exit 2), not a crash', async () => {
    const s = sandbox();
    const err = await runDoctor('no-such-session', { json: false }, capture(), deps(s)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toBe(`no-such-session: no such file or session id (looked under ${join(s.configDir, 'projects', '*')}/)`);
  });
});
