import { existsSync } from 'node:fs';
import { effectiveEnv, readSettings } from '../doctor/settings.js';
import type { Doc } from '../transcript/document.js';
import { claudeHome } from '../transcript/sessions.js';

/** Project settings belong to the directory the session ran in, when it exists here. */
export function projectDirOf(doc: Doc | undefined, cwd: string): string {
  const sessionCwd = doc?.lines.find((l) => l.info.cwd && !l.info.isSidechain)?.info.cwd;
  return sessionCwd && existsSync(sessionCwd) ? sessionCwd : cwd;
}

/**
 * The model the user's Claude Code is set to, which decides the context window
 * of the resumed request: ANTHROPIC_MODEL, else the settings' `model` (the
 * local file over the project's over the user's).
 */
export function configuredModel(doc: Doc, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const files = readSettings(claudeHome(env), projectDirOf(doc, cwd));
  const fromEnv = effectiveEnv(env, files).ANTHROPIC_MODEL?.value;
  return fromEnv || files.findLast((f) => f.model !== undefined)?.model;
}
