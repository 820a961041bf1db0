import { main, reportFailure } from '../../src/cli.js';

/** What bin.ts does, in process: main(), and reportFailure() for what it throws; output captured. */
export async function runMain(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  let code: number;
  try {
    code = await main(args, io);
  } catch (e) {
    code = reportFailure(e, false, io);
  }
  return { code, out, err };
}
