// npm run bench: every figure beside the one-thread floor measured in the same run, each side timed as a
// whole process from spawn to exit (see process.mjs), on transcripts built from the real 2.1.39 fixture
// (make-large.mjs, kept and reused: see files.mjs): never compacted and compacted at 200 MB, and never
// compacted at 2 GB.
//
// The floor (floor.mjs): the file read into one Buffer, split on newline bytes, JSON.parse of each line,
// on one thread. Then `ccmend check FILE`, the hook, `ccmend fit --out`, the editor in-process and
// the editor as `ccmend FILE` in a pseudo-terminal (first full frame, key to frame), and the heap 500
// edits add to the undo history (edits.mjs).
//
// usage: npm run bench [-- OPTIONS]
//   --quick        the 200 MB files only
//   --huge         the 2 GB file only
//   --runs=N       runs per whole-process figure, median shown (default 3)
//   --only=LIST    some of floor,check,hook,fit,editor,pty,save,edits (the floor is always measured)
//   --client=V     the target the editor in a pty checks for (as `ccmend FILE --client V`: a version, or all)
//   CCMEND_BENCH_DIR=/x   where the generated files are kept (default: ccmend-bench in the OS temp dir)
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchFile, benchDir } from './files.mjs';
import { KEYS } from './keys.mjs';
import { median, medianRun, timeNode } from './process.mjs';
import { editorInPty, saveInPty } from './pty.mjs';

const { values: opts } = parseArgs({
  options: { quick: { type: 'boolean' }, huge: { type: 'boolean' }, runs: { type: 'string' }, only: { type: 'string' }, client: { type: 'string' } },
});
const runs = Number(opts.runs ?? 3);
const only = opts.only ? new Set(['floor', ...opts.only.split(',')]) : undefined;
const wanted = (step) => !only || only.has(step);

const MB = 2 ** 20;
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const BIN = here('../dist/bin.js');
const FLOOR = here('./floor.mjs');
const env = { ...process.env, NODE_ENV: 'production' };

/** The keys timed on 2 GB: a move, an edit and its undo (every key there waits for a whole analysis). */
const HUGE_KEYS = KEYS.filter(([name]) => /^(j|d|u \(undo the delete\))/.test(name));

const SCENARIOS = [
  { title: 'never compacted, 200 MB (worst case: every message is sent)', mb: 200, compacted: false, steps: 'all' },
  { title: 'compacted, 200 MB (as real long sessions are)', mb: 200, compacted: true, steps: 'all' },
  { title: 'never compacted, 2 GB', mb: 2048, compacted: false, steps: ['check', 'pty', 'save'] },
].filter((s) => (opts.huge ? s.mb > 1000 : !opts.quick || s.mb < 1000));

/** Results of the whole run, checked against issue #14's targets at the end. */
const results = [];

const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (x, floor) => `${(x / floor).toFixed(2)}x`;
/** One figure: time (and its ratio to the floor), peak RSS (and its ratio to the file size), a note. */
function row(name, r, floor, size, note = '') {
  const times = `${secs(r.ms).padStart(8)} ${floor ? ratio(r.ms, floor.ms).padStart(6) : ''.padStart(6)}`;
  const rss = Number.isNaN(r.maxRssMB) ? ''.padStart(18) : `${String(r.maxRssMB).padStart(6)} MB ${ratio(r.maxRssMB * MB, size).padStart(6)}`;
  console.log(`  ${name.padEnd(36)} ${times}   ${rss}   ${note}`);
}

const ccmend = (args, options) => timeNode([BIN, ...args], { env, ...options });

/** `ccmend fit` at its hardest: a target just above what is left once everything fit may cut is cut. */
async function fitRow(file, floor, size) {
  // Exit 1: a target of 1 token cannot be met; the JSON says what is left after every cut.
  const least = JSON.parse((await ccmend(['fit', file, '--tokens', '1', '--json', '--dry-run'])).stdout);
  const tokens = String(least.left + 1000);
  const out = join(benchDir(), 'fitted.jsonl');
  const r = await medianRun(runs, () => ccmend(['fit', file, '--tokens', tokens, '--out', out]));
  rmSync(out, { force: true });
  const cuts = /^(\d+) cuts?/m.exec(r.stdout)?.[1] ?? '0';
  row('ccmend fit --out', r, floor, size, `exit ${r.code}; ${cuts} cuts to ${Number(tokens).toLocaleString('en-US')} tokens`);
}

/** The editor's keys: in-process (when measured) beside the pty. */
function keyTable(keys, pty, inProcess) {
  console.log(`    key → frame, median of ${pty.rounds}     ${inProcess ? 'in-process   ' : ''}in a pty`);
  for (const [key] of keys) {
    const inp = inProcess ? `${String(inProcess.latency[key]).padStart(8)} ms   ` : '';
    console.log(`    ${key.padEnd(30)} ${inp}${String(Math.round(median(pty.latency[key]))).padStart(8)} ms`);
  }
}

async function scenario(s) {
  const file = await benchFile(s, (m) => console.log(`  ${m}`));
  const size = statSync(file).size;
  const does = (step) => (s.steps === 'all' || s.steps.includes(step)) && wanted(step);
  const res = { ...s, size };
  results.push(res);
  console.log(`\n${s.title}: ${(size / MB).toFixed(0)} MB, ${file}`);
  console.log(`  ${''.padEnd(36)} ${'median'.padStart(8)} ${'÷floor'.padStart(6)}   ${'peak RSS'.padStart(9)} ${'÷size'.padStart(8)}`);
  const floor = await medianRun(runs, () => timeNode([FLOOR, file], { env }));
  res.floor = floor;
  row('floor: read, split, JSON.parse', floor, floor, size, `${Number(floor.stdout).toLocaleString('en-US')} lines, one thread`);
  if (does('check')) {
    const check = await medianRun(runs, () => ccmend(['check', file]));
    res.check = check;
    row(
      'ccmend check FILE',
      check,
      floor,
      size,
      check.stdout
        .split('\n')[0]
        .replace(/^.*?: /, '')
        .slice(0, 60),
    );
  }
  if (does('hook')) {
    const event = JSON.stringify({ session_id: 'bench', transcript_path: file, hook_event_name: 'SessionStart', source: 'resume' });
    row('ccmend check --hook', await medianRun(runs, () => ccmend(['check', '--hook'], { input: event })), floor, size);
  }
  if (does('fit')) await fitRow(file, floor, size);
  let inProcess;
  if (does('editor')) {
    const r = spawnSync(process.execPath, ['--expose-gc', here('./child.mjs'), 'editor', file], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`in-process editor failed: ${r.stderr}`);
    inProcess = JSON.parse(r.stdout);
    row('editor in-process: first full frame', { ms: inProcess.firstFrameMs, maxRssMB: inProcess.maxRssMB }, floor, size, '(ink-testing-library)');
  }
  if (does('pty')) {
    const keys = s.mb > 1000 ? HUGE_KEYS : KEYS;
    // On 2 GB each edit waits for a whole analysis: one round keeps the run affordable.
    const rounds = s.mb > 1000 ? 1 : 5;
    const timeoutMs = 120_000 + (size / MB) * 300 + keys.length * rounds * (s.mb > 1000 ? 180_000 : 10_000);
    const args = opts.client ? ['--client', opts.client] : [];
    const first = await editorInPty(file, { keys, rounds, timeoutMs, args });
    const frames = [first];
    for (let i = 1; i < runs; i++) frames.push(await editorInPty(file, { timeoutMs, args }));
    const pty = { ...[...frames].sort((a, b) => a.ms - b.ms)[Math.floor(frames.length / 2)], latency: first.latency, rounds };
    pty.maxRssMB = Math.max(...frames.map((f) => f.maxRssMB)); // the keys' run, whose edits cost memory, counts
    res.pty = pty;
    row('editor in a pty: first full frame', pty, floor, size, `${first.progress} loading frames showed progress; RSS: the highest run`);
    keyTable(keys, pty, inProcess);
  }
  if (does('save')) {
    // On a copy, as saving writes the file and a backup beside it.
    const copy = join(benchDir(), 'saved.jsonl');
    copyFileSync(file, copy);
    try {
      const r = await saveInPty(copy, { timeoutMs: 600_000 + (size / MB) * 1000 });
      res.save = r;
      const steps = Object.entries(r.steps).map(([k, v]) => `${k} ${secs(v)}`);
      console.log(`  editor in a pty, open → save: ${steps.join(', ')}; peak RSS ${r.maxRssMB} MB (${ratio(r.maxRssMB * MB, size)})`);
    } catch (e) {
      res.save = { failed: e.message };
      const steps = Object.entries(e.steps ?? {}).map(([k, v]) => `${k} ${secs(v)}`);
      console.log(`  editor in a pty, open → save: FAILED after ${steps.join(', ') || 'no step'}; peak RSS ${e.maxRssMB} MB: ${e.message.slice(-300)}`);
    } finally {
      for (const f of readdirSync(benchDir())) if (f.startsWith('saved.jsonl')) rmSync(join(benchDir(), f), { force: true });
    }
  }
  if (does('edits') && !s.compacted) {
    const r = spawnSync(process.execPath, [here('./edits.mjs'), file], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`edits.mjs failed: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n').slice(1);
    console.log(`  undo history (edits.mjs):\n${lines.map((l) => `  ${l}`).join('\n')}`);
    res.editsHeapMB = Number(/heap added (-?[\d.]+) MB/.exec(r.stdout)?.[1]);
  }
}

/** Issue #14's targets, each with the figure this run measured. */
function verdicts() {
  const lines = [];
  const say = (ok, text) => lines.push(`  ${ok ? 'met   ' : 'missed'} ${text}`);
  for (const r of results) {
    const name = r.title.replace(/ \(.*/, '');
    const keys = r.pty ? Object.entries(r.pty.latency).map(([k, v]) => [k, Math.round(median(v))]) : [];
    const slowest = keys.reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0]);
    if (r.mb < 1000) {
      if (r.check) say(r.check.ms <= r.floor.ms, `${name}: check within 1.0x the floor (${ratio(r.check.ms, r.floor.ms)})`);
      if (r.pty) say(r.pty.ms <= 1.2 * r.floor.ms, `${name}: first full frame in a pty within 1.2x the floor (${ratio(r.pty.ms, r.floor.ms)})`);
      if (r.pty) say(slowest[1] <= 50, `${name}: every key within 50 ms in a pty (slowest: ${slowest[0]}, ${slowest[1]} ms)`);
      if (r.editsHeapMB !== undefined) say(r.editsHeapMB < 50, `${name}: 500 edits add under 50 MB of heap (${r.editsHeapMB} MB)`);
    } else if (r.pty) {
      say(r.pty.ms <= 25_000, `${name}: first full frame within 25 s (${secs(r.pty.ms)}, ${ratio(r.pty.ms, r.floor.ms)} the floor)`);
      say(slowest[1] <= 100, `${name}: keys within 100 ms (slowest: ${slowest[0]}, ${slowest[1]} ms)`);
      say(r.pty.maxRssMB * MB < r.size, `${name}: peak RSS under the file's size (${r.pty.maxRssMB} MB, ${ratio(r.pty.maxRssMB * MB, r.size)})`);
      if (r.save) say(!r.save.failed, `${name}: opens, edits, saves, edits and saves again with Node's default heap`);
    }
  }
  if (lines.length) console.log(`\ntargets (issue #14):\n${lines.join('\n')}`);
}

/** Other programs' load on the machine, which slows every figure alike: read the ratios. */
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(
  `runs per figure: ${runs} (median shown);${opts.client ? ` editor target --client ${opts.client};` : ''} node ${process.version}; ${os.cpus().length} cores; load average ${load()}; files in ${benchDir()}`,
);
for (const s of SCENARIOS) await scenario(s);
verdicts();
console.log(`\nload average at the end: ${load()}`);
