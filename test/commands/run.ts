import { main } from '../../src/cli.js';
import type { Io } from '../../src/commands/output.js';

/** Runs the CLI in-process and captures what it prints. */
export async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
