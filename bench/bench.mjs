// npm run bench: builds a ~200 MB transcript from a real fixture and measures
// `check` (load + analyze) against a bare read + JSON.parse loop on the same file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLarge } from './make-large.mjs';

const MB = 1024 * 1024;
const target = Number(process.env.BENCH_MB ?? 200) * MB;
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'ccmend-bench-'));
const file = join(dir, 'large.jsonl');
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));

function measure(mode) {
  const results = [];
  const env = { ...process.env, NODE_ENV: 'production' };
  for (let i = 0; i < runs; i++) results.push(JSON.parse(execFileSync(process.execPath, [child, mode, file], { encoding: 'utf8', maxBuffer: 1 << 26, env })));
  results.sort((a, b) => a.ms - b.ms);
  return results[Math.floor(results.length / 2)]; // median by time
}

try {
  await makeLarge(file, target);
  const size = statSync(file).size;
  console.log(`transcript: ${(size / MB).toFixed(0)} MB (${file})  runs per measurement: ${runs}, median shown`);
  const base = measure('baseline');
  const check = measure('check');
  const row = (name, r, note = '') => console.log(`${name.padEnd(28)} ${String(r.ms).padStart(6)} ms   peak RSS ${String(r.maxRssMB).padStart(5)} MB  ${note}`);
  row('read + JSON.parse (baseline)', base, `${base.lines} lines`);
  row('ccmend check', check, `load ${check.loadMs} ms + analyze ${check.analyzeMs} ms; ${check.messages} messages; ${check.counts.error} errors`);
  console.log(`check / baseline time: ${(check.ms / base.ms).toFixed(2)}x (target ≤ 1.5x)`);
  console.log(`check peak RSS / file size: ${((check.maxRssMB * MB) / size).toFixed(2)}x (target < 1.5x)`);
  const editor = measure('editor');
  row('editor: first full frame', { ms: editor.firstFrameMs, maxRssMB: editor.maxRssMB }, '(target ≤ 2000 ms)');
  for (const [key, ms] of Object.entries(editor.latency)) console.log(`  key → frame  ${key.padEnd(26)} ${String(ms).padStart(5)} ms  (target ≤ 50 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
