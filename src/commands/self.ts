import { realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { shellQuote } from '../report/shell.js';

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * How to run this ccmend from a shell or a hook: `ccmend` when that name on
 * PATH is this very binary, else this binary by its absolute path, run by this
 * node, so the command works however ccmend was installed or started.
 */
export function selfCommand(path: string | undefined, script: string, node: string): string {
  const self = realOrUndefined(script);
  const onPath = (path ?? '').split(delimiter).some((dir) => dir && self !== undefined && realOrUndefined(join(dir, 'ccmend')) === self);
  return onPath || self === undefined ? 'ccmend' : `${shellQuote(node)} ${shellQuote(self)}`;
}

/** selfCommand for the running process. */
export const processSelf = (): string => selfCommand(process.env.PATH, process.argv[1] ?? '', process.execPath);
