import { describe, expect, test } from 'vitest';
import { KNOWN_BUGS, bugsIn, checkClaudeVersion, checkSessionVersions, compareVersions, parseVersion } from '../../src/doctor/version.js';

describe('versions', () => {
  test('parseVersion reads `claude --version` output and transcript version fields', () => {
    expect(parseVersion('2.1.39 (Claude Code)\n')).toBe('2.1.39');
    expect(parseVersion('1.0.98')).toBe('1.0.98');
    expect(parseVersion('command not found')).toBeUndefined();
  });

  test('compareVersions compares numerically, not as text', () => {
    expect(compareVersions('2.1.9', '2.1.19')).toBeLessThan(0);
    expect(compareVersions('2.1.330', '2.1.39')).toBeGreaterThan(0);
    expect(compareVersions('2.1.22', '2.1.22')).toBe(0);
  });

  test('every known bug cites at least one public issue and has a range that is not empty', () => {
    for (const b of KNOWN_BUGS) {
      expect(b.issues.length).toBeGreaterThan(0);
      expect(compareVersions(b.introduced, b.fixed)).toBeLessThan(0);
    }
  });

  test('bugsIn: [introduced, fixed), and third-party-only bugs only on a third-party channel', () => {
    expect(bugsIn('2.1.18', false)).toEqual([]);
    expect(bugsIn('2.1.19', false).map((b) => b.issues)).toEqual([[20508, 21072, 21094]]);
    expect(bugsIn('2.1.21', false).length).toBe(1);
    expect(bugsIn('2.1.22', false)).toEqual([]);
    expect(bugsIn('2.1.23', false)).toEqual([]);
    expect(bugsIn('2.1.24', true).map((b) => b.issues)).toEqual([[21676]]);
  });
});

describe('checkClaudeVersion', () => {
  test('`claude` missing from PATH is a warning, not a failure', () => {
    expect(checkClaudeVersion(undefined, false)).toEqual({
      id: 'claude-version',
      status: 'warning',
      message: '`claude` is not on PATH, so its version cannot be checked',
      action: 'run ccmend doctor where `claude` runs, or give it a session to check the version that wrote it',
    });
  });

  test('output without a version is a warning that quotes it', () => {
    expect(checkClaudeVersion('Segmentation fault\n', false)).toEqual({
      id: 'claude-version',
      status: 'warning',
      message: '`claude --version` printed no version ("Segmentation fault")',
    });
  });

  test('a release with a known bug is a problem naming the bug, the fix and the issues', () => {
    expect(checkClaudeVersion('2.1.19 (Claude Code)\n', false)).toEqual({
      id: 'claude-version',
      status: 'problem',
      message:
        'Claude Code 2.1.19 sends duplicate tool_use ids after a tool call ("tool_use ids must be unique", shown as "400 due to tool use concurrency issues") (fixed in 2.1.22; anthropics/claude-code #20508, #21072, #21094)',
      action: 'update Claude Code to 2.1.22 or later (`claude update`)',
    });
  });

  test('a fixed release is ok; the gateway bug only counts on a third-party channel', () => {
    expect(checkClaudeVersion('2.1.39 (Claude Code)', false)).toEqual({
      id: 'claude-version',
      status: 'ok',
      message: 'Claude Code 2.1.39: no known transcript or request bug',
    });
    expect(checkClaudeVersion('2.1.23 (Claude Code)', false).status).toBe('ok');
    expect(checkClaudeVersion('2.1.23 (Claude Code)', true)).toMatchObject({
      status: 'problem',
      action: 'update Claude Code to 2.1.25 or later (`claude update`)',
    });
  });
});

describe('checkSessionVersions', () => {
  test('lists the releases that wrote the session; a buggy one is a warning', () => {
    expect(checkSessionVersions([], false)).toEqual({ id: 'session-version', status: 'ok', message: 'the session names no Claude Code version' });
    expect(checkSessionVersions(['2.1.38', '2.1.39'], false)).toEqual({
      id: 'session-version',
      status: 'ok',
      message: 'written by Claude Code 2.1.38, 2.1.39',
    });
    expect(checkSessionVersions(['2.1.19', '2.1.22'], false)).toEqual({
      id: 'session-version',
      status: 'warning',
      message:
        'written by Claude Code 2.1.19, 2.1.22; Claude Code 2.1.19 sends duplicate tool_use ids after a tool call ("tool_use ids must be unique", shown as "400 due to tool use concurrency issues") (fixed in 2.1.22; anthropics/claude-code #20508, #21072, #21094)',
      action: 'resume it with a fixed release; the session check says whether this transcript needs repair',
    });
  });
});
