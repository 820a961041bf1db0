import { join } from 'node:path';
import type { Provider } from '../rules/types.js';
import { PROVIDERS } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { notATranscript } from '../report/session.js';
import { truthy } from '../report/text.js';
import { type Progress, loadFile } from '../transcript/load.js';
import { resolveTranscript } from '../transcript/sessions.js';
import { CliError, ioMessage } from '../report/errors.js';

/** How many ids an ambiguous prefix lists before "…". */
const AMBIGUOUS_SHOWN = 5;

/** Finds a transcript by path, session id or a unique prefix of one, or fails with one clear line. */
export function resolveOrFail(arg: string, env?: NodeJS.ProcessEnv): string {
  const r = resolveTranscript(arg, env);
  if (r.kind === 'file') return r.path;
  if (r.kind === 'ambiguous') {
    const shown = r.ids.slice(0, AMBIGUOUS_SHOWN).join(', ');
    const more = r.ids.length > AMBIGUOUS_SHOWN ? `, … and ${r.ids.length - AMBIGUOUS_SHOWN} more` : '';
    throw new CliError(`${arg}: ${r.ids.length} sessions start with it (${shown}${more}); give more of the id`);
  }
  throw new CliError(`${arg}: no such file or session id (looked under ${join(r.searched, '*')}/)`);
}

export async function openTranscript(arg: string, onProgress?: Progress, env?: NodeJS.ProcessEnv): Promise<Doc> {
  const path = resolveOrFail(arg, env);
  let doc: Doc;
  try {
    doc = await loadFile(path, onProgress);
  } catch (e) {
    throw new CliError(ioMessage(e, path));
  }
  const refused = notATranscript(doc);
  if (refused) {
    doc.source.close();
    throw new CliError(refused);
  }
  return doc;
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
