import { describe, expect, test } from 'vitest';
import { checkProviderRules, checkSessionHealth, checkSessionSize, formatBytes, sessionFacts, type SessionFacts } from '../../src/doctor/session.js';
import { analyze } from '../../src/rules/analyze.js';
import { realBytes, realDoc } from '../helpers/fixtures.js';

const LONG_ID = '4d5611e5-241a-462a-8d15-5122611a9569';

describe('sessionFacts', () => {
  test('the real 2.1.39 session: size, lines, one compaction, the versions that wrote it', () => {
    const doc = realDoc('long');
    const f = sessionFacts(analyze(doc), 'anthropic');
    expect(f).toMatchObject({
      sessionId: LONG_ID,
      bytes: realBytes('long').length,
      lines: 1512,
      compactions: 1,
      versions: ['2.1.39'],
      provider: 'anthropic',
      counts: { error: 6, warning: 7, info: 14 },
    });
    expect(f.messages).toBe(analyze(doc).view.messages.length);
  });
});

describe('checkSessionHealth', () => {
  test('errors are a problem with the fix and review commands', () => {
    expect(checkSessionHealth(sessionFacts(analyze(realDoc('long')), 'anthropic'))).toEqual({
      id: 'session-check',
      status: 'problem',
      message: '6 errors · 7 warnings: the API will reject this session as it is',
      action: `\`ccmend fix ${LONG_ID}\` repairs what is safe to repair; \`ccmend ${LONG_ID}\` to review it by hand`,
    });
  });

  test('a clean session is ok; warnings alone are a warning', () => {
    const clean = sessionFacts(analyze(realDoc('parallel')), 'anthropic');
    expect(checkSessionHealth(clean)).toEqual({ id: 'session-check', status: 'ok', message: '0 errors · 0 warnings' });
    expect(checkSessionHealth({ ...clean, counts: { error: 0, warning: 2, info: 0 } })).toEqual({
      id: 'session-check',
      status: 'warning',
      message: '0 errors · 2 warnings',
      action: `\`ccmend check ${clean.sessionId}\` lists them`,
    });
  });
});

const facts = (over: Partial<SessionFacts>): SessionFacts => ({
  path: '/s.jsonl',
  sessionId: 's1',
  bytes: 1000,
  lines: 10,
  compactions: 0,
  messages: 4,
  versions: [],
  provider: 'anthropic',
  counts: { error: 0, warning: 0, info: 0 },
  ...over,
});

describe('checkSessionSize', () => {
  test('formats sizes', () => {
    expect([formatBytes(512), formatBytes(2048), formatBytes(3 * 1024 * 1024 + 100 * 1024)]).toEqual(['512 B', '2.0 KB', '3.1 MB']);
  });

  test('an ordinary session is ok and says what was measured', () => {
    expect(checkSessionSize(facts({ lines: 1, compactions: 1, messages: 1 }))).toEqual({
      id: 'session-size',
      status: 'ok',
      message: '1000 B, 1 line, 1 compaction, 1 message sent on resume',
    });
  });

  test('a very large or often compacted session gets a warning and the hand-off command', () => {
    const warn = {
      id: 'session-size',
      status: 'warning',
      action: 'consider a fresh session: `ccmend summary s1` writes a hand-off summary',
    };
    expect(checkSessionSize(facts({ bytes: 150 * 1024 * 1024 }))).toEqual({
      ...warn,
      message: '150.0 MB, 10 lines, 0 compactions, 4 messages sent on resume: very long or often compacted sessions are the likeliest to break',
    });
    expect(checkSessionSize(facts({ compactions: 3 })).status).toBe('warning');
    expect(checkSessionSize(facts({ compactions: 2 })).status).toBe('ok');
  });
});

describe('checkProviderRules', () => {
  test('direct API: the Anthropic rules, nothing to do', () => {
    expect(checkProviderRules(facts({}), { kind: 'anthropic' })).toEqual({ id: 'provider', status: 'ok', message: "checked with the Anthropic API's rules" });
  });

  test('Bedrock from the shell: check and fix already pick it up', () => {
    expect(checkProviderRules(facts({ provider: 'bedrock' }), { kind: 'bedrock', from: 'environment' })).toEqual({
      id: 'provider',
      status: 'ok',
      message: "checked with Bedrock's stricter rules (first message from the user, roles alternate)",
    });
  });

  test('Vertex from settings.json: check and fix need --provider', () => {
    expect(checkProviderRules(facts({ provider: 'vertex' }), { kind: 'vertex', from: '/p/.claude/settings.json' })).toEqual({
      id: 'provider',
      status: 'ok',
      message: "checked with Vertex's stricter rules (first message from the user, roles alternate) (set in /p/.claude/settings.json)",
      action: 'pass `--provider vertex` to `ccmend check` and `ccmend fix`',
    });
  });

  test('a gateway: say how to check for the provider behind it', () => {
    expect(checkProviderRules(facts({}), { kind: 'gateway', url: 'http://gw', from: 'environment' })).toEqual({
      id: 'provider',
      status: 'ok',
      message: "checked with the Anthropic API's rules",
      action: 'if the gateway forwards to Bedrock or Vertex, check with `--provider bedrock` or `--provider vertex`',
    });
  });
});
