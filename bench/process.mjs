// Whole processes, timed as a user meets them: from spawn to exit, with the process's own peak RSS.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

const scratch = mkdtempSync(join(tmpdir(), 'ccmend-bench-rss-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Preloaded into a measured node (`node -r PRELOAD …`): when its main thread exits it writes its peak
 * RSS, in KiB, to the file named by CCMEND_BENCH_RSS. Worker threads inherit the flag and write nothing.
 */
export const PRELOAD = join(scratch, 'rss.cjs');
writeFileSync(
  PRELOAD,
  `const out = process.env.CCMEND_BENCH_RSS;
if (out && require('node:worker_threads').isMainThread)
  process.on('exit', () => require('node:fs').writeFileSync(out, String(process.resourceUsage().maxRSS)));
`,
);

let count = 0;
/** A fresh file for one process to write its peak RSS to, and how to read it (MB; NaN when it wrote none). */
export function rssProbe() {
  const path = join(scratch, `rss-${count++}`);
  return {
    path,
    read() {
      try {
        const kb = Number(readFileSync(path, 'utf8'));
        rmSync(path);
        return Math.round(kb / 1024);
      } catch {
        return Number.NaN;
      }
    },
  };
}

/**
 * Runs `node ARGS…` with stdout piped (kept) and stderr ignored, `input` on stdin; resolves with its
 * wall time from spawn to exit, exit code, peak RSS and stdout.
 */
export function timeNode(args, { input, env = process.env, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const rss = rssProbe();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-r', PRELOAD, ...args], {
      env: { ...env, CCMEND_BENCH_RSS: rss.path },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    if (input !== undefined) child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Math.round(performance.now() - t0);
      clearTimeout(timer);
      if (signal) return reject(new Error(`node ${args.join(' ')}: killed by ${signal}`));
      resolve({ ms, code, maxRssMB: rss.read(), stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

/** The run of median time among `runs` runs of `once`. */
export async function medianRun(runs, once) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(i));
  return [...results].sort((a, b) => a.ms - b.ms)[Math.floor(results.length / 2)];
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
