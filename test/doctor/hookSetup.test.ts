import { describe, expect, test } from 'vitest';
import { checkHook, hookSettings } from '../../src/doctor/hookSetup.js';
import { parseSettings } from '../../src/doctor/settings.js';

describe('hook setup', () => {
  test('the snippet is a SessionStart hook with matcher resume running ccmend check --hook', () => {
    expect(hookSettings()).toEqual({
      hooks: { SessionStart: [{ matcher: 'resume', hooks: [{ type: 'command', command: 'ccmend check --hook' }] }] },
    });
  });

  test('found in any settings file that installs it, whatever else is there', () => {
    const user = parseSettings('user', '/u/settings.json', '{"hooks": {"PreToolUse": []}}');
    const local = parseSettings(
      'local',
      '/p/.claude/settings.local.json',
      JSON.stringify({
        hooks: {
          SessionStart: [
            { hooks: [{ type: 'command', command: 'echo hi' }] },
            { matcher: 'resume', hooks: [{ type: 'command', command: 'npx ccmend check --hook' }] },
          ],
        },
      }),
    );
    expect(checkHook([user, local])).toEqual({ id: 'hook', status: 'ok', message: 'the SessionStart hook runs ccmend (/p/.claude/settings.local.json)' });
  });

  test('absent (or malformed hooks) points at the user settings file', () => {
    const user = parseSettings('user', '/u/settings.json', '{"hooks": {"SessionStart": "ccmend check --hook"}}');
    expect(checkHook([user])).toEqual({
      id: 'hook',
      status: 'ok',
      message: 'no SessionStart hook runs ccmend (optional: it warns before a broken session is resumed)',
      action: 'add the snippet below to /u/settings.json',
    });
  });
});
