import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkSettings, effectiveEnv, envValues, parseSettings, readSettings } from '../../src/doctor/settings.js';
import { sandbox } from './support.js';

describe('readSettings', () => {
  test('missing files are normal: all three are reported missing and the check is ok', () => {
    const s = sandbox();
    const files = readSettings(s.configDir, s.projectDir);
    expect(files.map((f) => [f.scope, f.path, f.state])).toEqual([
      ['user', join(s.configDir, 'settings.json'), 'missing'],
      ['project', join(s.projectDir, '.claude', 'settings.json'), 'missing'],
      ['local', join(s.projectDir, '.claude', 'settings.local.json'), 'missing'],
    ]);
    expect(checkSettings(files)).toEqual({ id: 'settings', status: 'ok', message: 'no settings files' });
  });

  test('reads env strings and hooks from the user and project files', () => {
    const s = sandbox();
    const user = s.write('claude/settings.json', { env: { ANTHROPIC_BASE_URL: 'https://gw.example', RETRIES: 3 }, hooks: { SessionStart: [] } });
    const local = s.write('project/.claude/settings.local.json', { env: { CLAUDE_CODE_USE_VERTEX: '1' } });
    const files = readSettings(s.configDir, s.projectDir);
    expect(files[0]).toEqual({ scope: 'user', path: user, state: 'ok', env: { ANTHROPIC_BASE_URL: 'https://gw.example' }, hooks: { SessionStart: [] } });
    expect(files[2]).toEqual({ scope: 'local', path: local, state: 'ok', env: { CLAUDE_CODE_USE_VERTEX: '1' }, hooks: undefined });
    expect(checkSettings(files)).toEqual({ id: 'settings', status: 'ok', message: `read ${user}, ${local}` });
  });

  test('broken JSON is a warning naming the file and the parser error, never a throw', () => {
    const s = sandbox();
    const path = s.write('project/.claude/settings.json', '{ "env": { "A": "1", } }');
    const files = readSettings(s.configDir, s.projectDir);
    expect(files[1]!.state).toBe('invalid');
    expect(checkSettings(files)).toEqual({
      id: 'settings',
      status: 'warning',
      message: `${path}: not valid JSON (${jsonError('{ "env": { "A": "1", } }')})`,
      action: 'fix or remove it: Claude Code cannot apply a settings file it cannot parse',
    });
  });

  test('a JSON value that is not an object, and a file that cannot be read, are both reported', () => {
    const s = sandbox();
    const user = s.write('claude/settings.json', '[1, 2]');
    const dir = join(s.projectDir, '.claude', 'settings.local.json');
    mkdirSync(dir, { recursive: true });
    const check = checkSettings(readSettings(s.configDir, s.projectDir));
    expect(check.status).toBe('warning');
    expect(check.message).toBe(`${user}: not a JSON object; ${dir}: cannot be read (EISDIR)`);
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected invalid JSON');
}

describe('effectiveEnv', () => {
  test('settings env applies over the shell, local over project over user, and remembers where each came from', () => {
    const files = [
      parseSettings('user', '/u/settings.json', '{"env": {"A": "user", "B": "user"}}'),
      parseSettings('project', '/p/.claude/settings.json', '{"env": {"B": "project"}}'),
      parseSettings('local', '/p/.claude/settings.local.json', '{"env": {"C": "local"}}'),
    ];
    const env = effectiveEnv({ A: 'shell', D: 'shell', E: undefined }, files);
    expect(env).toEqual({
      A: { value: 'user', from: '/u/settings.json' },
      B: { value: 'project', from: '/p/.claude/settings.json' },
      C: { value: 'local', from: '/p/.claude/settings.local.json' },
      D: { value: 'shell', from: 'environment' },
    });
    expect(envValues(env)).toEqual({ A: 'user', B: 'project', C: 'local', D: 'shell' });
  });
});
