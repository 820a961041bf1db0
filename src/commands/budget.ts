import type { RequestBudget } from '../budget/budget.js';
import { effectiveEnv, readSettings } from '../doctor/settings.js';
import type { Doc } from '../transcript/document.js';
import { claudeHome } from '../transcript/sessions.js';
import { projectDirOf } from './doctor.js';

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

/** The request's figures as `--json` outputs carry them. */
export function budgetJson(b: RequestBudget) {
  return {
    total: b.total,
    window: { tokens: b.window.tokens, model: b.window.model ?? null, reason: b.window.reason },
    anchor: b.anchor ? { line: b.anchor.pos + 1, count: b.anchor.count } : null,
    editedBefore: b.editedBefore,
    estimated: b.after,
    estimatedLines: b.afterLines,
    messages: Array.from(b.messages, Math.round),
  };
}
