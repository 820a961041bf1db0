// npm run bench: builds ~200 MB transcripts from a real fixture and measures, each
// in its own process, a bare read + JSON.parse loop over the file (one thread), `ccmend check`
// (which, like the executable, reads files of 32 MiB or more on one thread per core, up to four),
// the Claude Code hook, and the editor (first full frame, in-process and as the real
// binary in a pseudo-terminal; key-to-frame latency).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYS } from './keys.mjs';
import { makeLarge } from './make-large.mjs';

const MB = 1024 * 1024;
const target = Number(process.env.BENCH_MB ?? 200) * MB;
const runs = Number(process.env.BENCH_RUNS ?? 3);
const only = process.env.BENCH_ONLY;
const dir = mkdtempSync(join(tmpdir(), 'ccmend-bench-'));
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const env = { ...process.env, NODE_ENV: 'production' };

function measure(mode, file, ...args) {
  const results = [];
  for (let i = 0; i < runs; i++)
    results.push(JSON.parse(execFileSync(process.execPath, [child, mode, file, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env })));
  results.sort((a, b) => a.ms - b.ms);
  return results[Math.floor(results.length / 2)]; // median by time
}

const medianMs = (times) => Math.round(times.sort((a, b) => a - b)[Math.floor(times.length / 2)]);

/** Wall time of the Claude Code hook (`ccmend check --hook`) as Claude Code runs it: a new process per resume. */
function hookMs(file) {
  const event = JSON.stringify({ session_id: 'bench', transcript_path: file, hook_event_name: 'SessionStart', source: 'resume' });
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    execFileSync(process.execPath, [bin, 'check', '--hook'], { input: event, env, maxBuffer: 1 << 26 });
    times.push(performance.now() - t);
  }
  return medianMs(times);
}

const sh = (s) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * The editor as a user starts it: `node dist/bin.js FILE` in a 120×40 pseudo-terminal (util-linux
 * `script`). Times spawn until the terminal shows the header's `errors ·` (each run); in the first run
 * also each key, from writing it to the first bytes of the frame it causes. Then `q` (and `y`) quits.
 */
async function realEditor(file) {
  const { NODE_ENV, ...userEnv } = env; // as a user runs it: the binary chooses production itself
  const once = (withKeys) =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      const cmd = `stty cols 120 rows 40; exec ${sh(process.execPath)} ${sh(bin)} ${sh(file)}`;
      const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: userEnv, stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      let ms;
      let frame; // resolves on the next output
      const latency = {};
      const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
      const quit = () => p.stdin.write('q');
      let confirmed = false;
      p.stdin.on('error', () => {}); // the editor may be gone by the time a last key arrives
      const pressKeys = async () => {
        await new Promise((r) => setTimeout(r, 300));
        for (let round = 0; round < 5; round++) {
          for (const [name, key] of KEYS) {
            const shown = new Promise((r) => (frame = r));
            const k = performance.now();
            p.stdin.write(key);
            await shown;
            (latency[name] ??= []).push(performance.now() - k);
            await new Promise((r) => setTimeout(r, 120));
          }
        }
        quit();
      };
      p.stdout.setEncoding('utf8').on('data', (d) => {
        out += d;
        frame?.();
        frame = undefined;
        if (!confirmed && out.includes('Quit without saving')) {
          confirmed = true; // the keys left unsaved changes: quit anyway
          p.stdin.write('y');
        }
        if (ms === undefined && out.includes('errors ·')) {
          ms = performance.now() - t;
          if (withKeys) pressKeys();
          else quit();
        }
        out = out.slice(-300); // enough to find the text across two reads, and to show in an error
      });
      p.on('error', reject);
      p.on('close', () => {
        clearTimeout(timer);
        if (ms === undefined) reject(new Error(`the editor showed no header within 120 s: ${JSON.stringify(out.slice(-300))}`));
        else resolve({ ms, latency });
      });
    });
  const first = await once(true);
  const times = [first.ms];
  for (let i = 1; i < runs; i++) times.push((await once(false)).ms);
  return { firstFrameMs: medianMs(times), latency: Object.fromEntries(Object.entries(first.latency).map(([k, v]) => [k, medianMs(v)])) };
}

const row = (name, r, note = '') => console.log(`  ${name.padEnd(28)} ${String(r.ms).padStart(6)} ms   peak RSS ${String(r.maxRssMB).padStart(5)} MB  ${note}`);

/**
 * `ccmend fit` at its hardest: a target just above what is left once everything fit may cut is cut,
 * so it cuts nearly every tool output, then checks the result again and writes it.
 */
function fitRow(file, base) {
  // Exit 1: a target of 1 token cannot be met; the JSON says what is left after every cut.
  const floor = JSON.parse(
    spawnSync(process.execPath, [bin, 'fit', file, '--tokens', '1', '--json', '--dry-run'], { encoding: 'utf8', maxBuffer: 1 << 28, env }).stdout,
  );
  const tokens = String(floor.left + 1000);
  const out = join(dir, 'fitted.jsonl');
  const fit = measure('fit', file, tokens, out);
  rmSync(out, { force: true });
  row(
    'ccmend fit',
    fit,
    `${fit.cuts} cuts to ${Number(tokens).toLocaleString('en-US')} tokens (from ${floor.before.total.toLocaleString('en-US')}), written with --out; ${(fit.ms / base.ms).toFixed(2)}x baseline`,
  );
}

async function scenario(title, options) {
  const file = join(dir, `${options.keepCompactions ? 'compacted' : 'chain'}.jsonl`);
  await makeLarge(file, target, options);
  const size = statSync(file).size;
  console.log(`\n${title}: ${(size / MB).toFixed(0)} MB`);
  const base = measure('baseline', file);
  row('read + JSON.parse (baseline)', base, `${base.lines} lines`);
  // BENCH_ONLY=fit measures the baseline and fit alone.
  if (only === 'fit') {
    fitRow(file, base);
    rmSync(file);
    return;
  }
  const check = measure('check', file);
  row('ccmend check', check, `load ${check.loadMs} ms + analyze ${check.analyzeMs} ms; ${check.messages} messages sent; ${check.counts.error} errors`);
  console.log(
    `  check / baseline time ${(check.ms / base.ms).toFixed(2)}x (target ≤ 1.5x) · check peak RSS / file size ${((check.maxRssMB * MB) / size).toFixed(2)}x (target < 1.5x)`,
  );
  console.log(`  ccmend check --hook (whole process)  ${hookMs(file)} ms`);
  fitRow(file, base);
  const editor = measure('editor', file);
  row('editor: first full frame', { ms: editor.firstFrameMs, maxRssMB: editor.maxRssMB }, '(in-process, ink-testing-library)');
  const real = await realEditor(file);
  console.log(`  editor: first full frame (real binary in a pty)  ${real.firstFrameMs} ms  (target ≤ 2000 ms)`);
  console.log(`    key → frame (median of 5)     in-process   real binary in a pty   (target ≤ 50 ms)`);
  for (const [key] of KEYS) console.log(`    ${key.padEnd(26)} ${String(editor.latency[key]).padStart(8)} ms ${String(real.latency[key]).padStart(12)} ms`);
  rmSync(file);
}

try {
  console.log(`runs per measurement: ${runs} (median shown); node ${process.version}; ${os.cpus().length} cores`);
  await scenario('one uncompacted chain (worst case: everything is sent)', { keepCompactions: false });
  await scenario('with its compactions (as real long sessions are)', { keepCompactions: true });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
