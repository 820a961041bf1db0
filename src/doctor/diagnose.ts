import { channelOf, checkChannel } from './channel.js';
import type { Check } from './check.js';
import { checkHook } from './hookSetup.js';
import { checkProviderRules, checkSessionHealth, checkSessionSize, type SessionFacts } from './session.js';
import { type EffectiveEnv, type SettingsFile, checkSettings } from './settings.js';
import { checkClaudeVersion, checkSessionVersions } from './version.js';

export interface DoctorInputs {
  readonly env: EffectiveEnv;
  readonly settings: readonly SettingsFile[];
  /** What `claude --version` printed; undefined when `claude` is not on PATH. */
  readonly claudeVersion: string | undefined;
  readonly session?: SessionFacts;
  /** The command a hook runs this ccmend with (see hookCommand). */
  readonly hookCommand?: string;
}

/** Every doctor check, environment first, then the session's. Pure. */
export function diagnose(inputs: DoctorInputs): Check[] {
  const channel = channelOf(inputs.env);
  const thirdParty = channel.kind !== 'anthropic';
  const checks = [
    checkChannel(inputs.env),
    checkSettings(inputs.settings),
    checkClaudeVersion(inputs.claudeVersion, thirdParty),
    checkHook(inputs.settings, inputs.hookCommand),
  ];
  const s = inputs.session;
  if (s) checks.push(checkSessionVersions(s.versions, thirdParty), checkSessionHealth(s), checkSessionSize(s), checkProviderRules(s, channel));
  return checks;
}
