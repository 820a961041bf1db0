import type { Provider } from '../rules/types.js';
import { CliError } from '../commands/errors.js';

export async function runEditor(target: string | undefined, opts: { provider: Provider }): Promise<number> {
  void opts;
  throw new CliError(`the interactive editor is not built yet (${target ?? 'no file'}); use ccmend check / fix`);
}
