// The 2 GB transcript: generated in a temp dir from the real 2.1.39 fixture (see
// make-large.mjs: copies chained into one conversation, uuids and ids unique per
// copy), checked by the built `ccmend check` with Node's default heap limit, then
// deleted. Prints size, time and peak RSS. Not run in CI.
//
// usage: npm run bench:huge
//   CCMEND_HUGE_GB=2     size to generate (GiB)
//   CCMEND_HUGE_FIX=1    also time `ccmend fix --dry-run` on it
//   CCMEND_HUGE_DIR=/x   where to put the file (default: the OS temp dir)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { makeLarge } from './make-large.mjs';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const GiB = 2 ** 30;
const target = Math.round(Number(process.env.CCMEND_HUGE_GB ?? 2) * GiB);
const base = process.env.CCMEND_HUGE_DIR ?? tmpdir();

const fs = statfsSync(base);
const free = fs.bavail * fs.bsize;
if (free < target * 1.1 + GiB) {
  console.error(
    `bench:huge: ${base} has ${(free / GiB).toFixed(1)} GiB free; need ${((target * 1.1 + GiB) / GiB).toFixed(1)} GiB (set CCMEND_HUGE_DIR or CCMEND_HUGE_GB)`,
  );
  process.exit(1);
}

const dir = mkdtempSync(join(base, 'ccmend-huge-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true });
let running; // the measured ccmend, stopped with us
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    running?.kill('SIGKILL');
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

// Loaded into the measured process: reports its own peak RSS when it exits.
const preload = join(dir, 'rss.cjs');
writeFileSync(
  preload,
  `process.on('exit', (code) => require('node:fs').writeSync(2, '\\n@@' + JSON.stringify({ maxRssKB: process.resourceUsage().maxRSS, code }) + '\\n'));\n`,
);

/** Runs the built ccmend; keeps the first lines of stdout, counts the rest; resolves with time and peak RSS. */
function measure(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-r', preload, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let head = '';
    let outLines = 0;
    let stderr = '';
    child.stdout.on('data', (c) => {
      if (head.length < 2000) head += c;
      for (const b of c) if (b === 10) outLines++;
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const m = /@@(\{.*\})/.exec(stderr);
      running = undefined;
      const rss = m ? JSON.parse(m[1]).maxRssKB : NaN;
      resolve({ code, ms, maxRssMB: rss / 1024, head: head.split('\n').slice(0, 3), outLines, stderr: stderr.replace(/\n?@@\{.*\}\n?/, '').trim() });
    });
  });
}

const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

try {
  console.log(`generating ~${(target / GiB).toFixed(1)} GiB in ${dir} ...`);
  const t0 = performance.now();
  const file = join(dir, 'huge.jsonl');
  await makeLarge(file, target);
  const size = statSync(file).size;
  console.log(`generated ${(size / GiB).toFixed(2)} GiB (${size} bytes) in ${fmt(performance.now() - t0)}`);

  const runs = [['check', file]];
  if (process.env.CCMEND_HUGE_FIX) runs.push(['fix', file, '--dry-run']);
  const results = [];
  for (const args of runs) {
    const r = await measure(args);
    results.push({ args, ...r });
    console.log(
      `\nccmend ${args[0]}${args[2] ? ` ${args[2]}` : ''}: exit ${r.code}, ${fmt(r.ms)}, peak RSS ${r.maxRssMB.toFixed(0)} MB, ${r.outLines} output lines`,
    );
    for (const l of r.head) if (l) console.log(`  | ${l.length > 160 ? `${l.slice(0, 159)}…` : l}`);
    if (r.stderr) console.log(`  stderr: ${r.stderr.split('\n').slice(0, 3).join(' / ')}`);
  }

  const cpu = cpus();
  console.log(
    `\nmachine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / GiB).toFixed(0)} GiB RAM (${(freemem() / GiB).toFixed(0)} free), node ${process.version}, default heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MB`,
  );
  console.log(
    JSON.stringify({
      bytes: size,
      results: results.map(({ args, code, ms, maxRssMB, outLines }) => ({
        command: args[0],
        code,
        ms: Math.round(ms),
        maxRssMB: Math.round(maxRssMB),
        outLines,
      })),
    }),
  );
  if (results.some((r) => r.code !== 0 && r.code !== 1)) process.exitCode = 1;
} finally {
  cleanup();
}
