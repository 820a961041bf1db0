import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Check } from './check.js';

/*
 * Claude Code's settings files, read the way doctor needs them: never failing.
 * A file that is missing is normal; one that cannot be read or parsed is itself
 * something to report, because Claude Code cannot apply it either.
 */

export type SettingsScope = 'user' | 'project' | 'local';

export interface SettingsFile {
  readonly scope: SettingsScope;
  readonly path: string;
  readonly state: 'missing' | 'ok' | 'invalid';
  /** Why an invalid file could not be used. */
  readonly error?: string;
  /** The string values of its `env` object (what Claude Code exports to its process). */
  readonly env: Readonly<Record<string, string>>;
  /** Its `hooks` value, unvalidated. */
  readonly hooks?: unknown;
  /** The model it selects (`model`), if a string. */
  readonly model?: string;
}

/** Lowest precedence first: a later file overrides an earlier one (local > project > user). */
export function settingsLocations(configDir: string, projectDir: string): { scope: SettingsScope; path: string }[] {
  return [
    { scope: 'user', path: join(configDir, 'settings.json') },
    { scope: 'project', path: join(projectDir, '.claude', 'settings.json') },
    { scope: 'local', path: join(projectDir, '.claude', 'settings.local.json') },
  ];
}

const settingsSchema = z.looseObject({
  env: z.record(z.string(), z.unknown()).optional().catch(undefined),
  hooks: z.unknown().optional(),
  model: z.string().optional().catch(undefined),
});

/** Parses one settings file's text; never throws. */
export function parseSettings(scope: SettingsScope, path: string, text: string): SettingsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { scope, path, state: 'invalid', error: `not valid JSON (${(e as Error).message.split('\n')[0]})`, env: {} };
  }
  const parsed = settingsSchema.safeParse(value);
  if (!parsed.success) return { scope, path, state: 'invalid', error: 'not a JSON object', env: {} };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.data.env ?? {})) if (typeof v === 'string') env[k] = v;
  const model = parsed.data.model;
  return { scope, path, state: 'ok', env, hooks: parsed.data.hooks, ...(model === undefined ? {} : { model }) };
}

export function readSettings(configDir: string, projectDir: string): SettingsFile[] {
  return settingsLocations(configDir, projectDir).map(({ scope, path }) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { scope, path, state: 'missing', env: {} };
      return { scope, path, state: 'invalid', error: `cannot be read (${code ?? (e as Error).message})`, env: {} };
    }
    return parseSettings(scope, path, text);
  });
}

/** An environment variable as Claude Code sees it, and where it was set. */
export interface EnvVar {
  readonly value: string;
  /** `environment` (the shell) or the settings file that set it. */
  readonly from: string;
}
export type EffectiveEnv = Readonly<Record<string, EnvVar>>;

/** The shell's environment with each settings file's `env` applied on top, in precedence order. */
export function effectiveEnv(processEnv: NodeJS.ProcessEnv, files: readonly SettingsFile[]): EffectiveEnv {
  const out: Record<string, EnvVar> = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) out[k] = { value: v, from: 'environment' };
  for (const f of files) for (const [k, v] of Object.entries(f.env)) out[k] = { value: v, from: f.path };
  return out;
}

/** Plain values, for code that takes a process environment (providerOf). */
export function envValues(env: EffectiveEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.value]));
}

export function checkSettings(files: readonly SettingsFile[]): Check {
  const broken = files.filter((f) => f.state === 'invalid');
  if (broken.length) {
    return {
      id: 'settings',
      status: 'warning',
      message: broken.map((f) => `${f.path}: ${f.error}`).join('; '),
      action: 'fix or remove it: Claude Code cannot apply a settings file it cannot parse',
    };
  }
  const read = files.filter((f) => f.state === 'ok');
  return { id: 'settings', status: 'ok', message: read.length ? `read ${read.map((f) => f.path).join(', ')}` : 'no settings files' };
}
