import type { Provider } from '../rules/types.js';
import { PROVIDERS } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { truthy } from '../report/text.js';
import { type Progress, loadFile } from '../transcript/load.js';
import { resolveTranscript } from '../transcript/sessions.js';
import { CliError, ioMessage } from './errors.js';

/** Finds a transcript by path or session id, or fails with one clear line. */
export function resolveOrFail(arg: string, env?: NodeJS.ProcessEnv): string {
  const path = resolveTranscript(arg, env);
  if (!path) throw new CliError(`${arg}: no such file or session id (looked under ${'${CLAUDE_CONFIG_DIR:-~/.claude}'}/projects/*/)`);
  return path;
}

export async function openTranscript(arg: string, onProgress?: Progress, env?: NodeJS.ProcessEnv): Promise<Doc> {
  const path = resolveOrFail(arg, env);
  try {
    return await loadFile(path, onProgress);
  } catch (e) {
    throw new CliError(ioMessage(e, path));
  }
}

/**
 * The provider whose rules apply: the flag, else the channel Claude Code uses
 * (CLAUDE_CODE_USE_BEDROCK / _VERTEX), else the Anthropic API.
 */
export function providerOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Provider {
  if (flag !== undefined) {
    if (!PROVIDERS.includes(flag as Provider)) throw new CliError(`--provider must be one of ${PROVIDERS.join(', ')} (got ${flag})`);
    return flag as Provider;
  }
  if (truthy(env.CLAUDE_CODE_USE_BEDROCK)) return 'bedrock';
  if (truthy(env.CLAUDE_CODE_USE_VERTEX)) return 'vertex';
  return 'anthropic';
}
