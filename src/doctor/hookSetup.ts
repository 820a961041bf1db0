import type { Check } from './check.js';
import type { SettingsFile } from './settings.js';

export const HOOK_COMMAND = 'ccmend check --hook';

/**
 * The settings.json fragment that runs `ccmend check --hook` when a session is
 * resumed (SessionStart fires with source "resume" for --resume, --continue and /resume).
 * `command` is how this ccmend is run where it is installed (see hookCommand).
 */
export function hookSettings(command = HOOK_COMMAND) {
  return {
    hooks: {
      SessionStart: [{ matcher: 'resume', hooks: [{ type: 'command', command }] }],
    },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A hook command that runs ccmend's check --hook: by name, or by the command doctor suggests (a path when ccmend is not on PATH). */
function runsCcmend(command: string, suggested: string): boolean {
  return command.includes(suggested) || /\bccmend\b.*\bcheck --hook\b/.test(command);
}

function hasCcmendHook(hooks: unknown, suggested: string): boolean {
  if (!isRecord(hooks)) return false;
  return asArray(hooks.SessionStart).some((group) =>
    asArray(isRecord(group) ? group.hooks : undefined).some((h) => isRecord(h) && typeof h.command === 'string' && runsCcmend(h.command, suggested)),
  );
}

export function checkHook(files: readonly SettingsFile[], suggested = HOOK_COMMAND): Check {
  const where = files.find((f) => f.state === 'ok' && hasCcmendHook(f.hooks, suggested));
  if (where) return { id: 'hook', status: 'ok', message: `the SessionStart hook runs ccmend (${where.path})` };
  const user = files.find((f) => f.scope === 'user');
  return {
    id: 'hook',
    status: 'ok',
    message: 'no SessionStart hook runs ccmend (optional: it warns before a broken session is resumed)',
    action: `add the snippet below to ${user?.path ?? 'settings.json'}`,
  };
}
