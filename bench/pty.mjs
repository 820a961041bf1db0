// The editor as a user starts it: `node dist/bin.js FILE` in a 120×40 pseudo-terminal (util-linux
// `script`), timed as a whole process from spawn.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PRELOAD, rssProbe } from './process.mjs';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const sh = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The header's counts: the first full frame is drawn. */
const HEADER = 'errors ·';
/** Any output at all: a frame has begun. */
const ANY = /[\s\S]/;
/**
 * What the raw file view shows under the header. `n` goes there for a problem on a line not sent;
 * the keys are timed in the conversation view (in the raw view h and l change nothing: no frame).
 */
export const RAW_VIEW = 'raw file view: every line';

/** The pids under `pid` (Linux /proc), itself included. */
function descendants(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim().split(/\s+/)) if (task) out.push(Number(task));
    } catch {}
  }
  return out;
}

/** The highest peak RSS (VmHWM, MB) of the processes under `pid` now; 0 where /proc cannot tell. */
function peakRssUnder(pid) {
  let kb = 0;
  for (const p of descendants(pid)) {
    try {
      kb = Math.max(kb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0));
    } catch {}
  }
  return Math.round(kb / 1024);
}

/** One editor in a terminal: what it shows, keys written to it, and how it ended. */
class PtyEditor {
  constructor(file, timeoutMs, args = []) {
    // As a user runs it: the binary chooses production itself.
    const { NODE_ENV, ...env } = process.env;
    this.rss = rssProbe();
    this.t0 = performance.now();
    this.progress = 0; // loading screens seen that show a partial read
    this.tail = ''; // the last output, to show in an error
    this.frames = ''; // enough of the last output to hold the last whole frame
    this.listener = undefined; // the current wait: hears each read, and undefined once the editor has ended
    this.ended = false;
    const cmd = `stty cols 120 rows 40; exec ${sh(process.execPath)} -r ${sh(PRELOAD)} ${sh(BIN)} ${[file, ...args].map(sh).join(' ')}`;
    this.p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...env, CCMEND_BENCH_RSS: this.rss.path }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.p.stdin.on('error', () => {}); // the editor may be gone by the time a last key arrives
    const timer = setTimeout(() => this.p.kill('SIGKILL'), timeoutMs);
    // A process that dies of its heap writes no peak RSS at exit: it is sampled meanwhile too.
    this.sampledRssMB = 0;
    const sampler = setInterval(() => (this.sampledRssMB = Math.max(this.sampledRssMB, peakRssUnder(this.p.pid))), 500);
    this.closed = new Promise((resolve, reject) => {
      this.p.on('error', reject);
      this.p.on('close', () => {
        clearTimeout(timer);
        clearInterval(sampler);
        this.ended = true;
        resolve();
        this.listener?.(undefined);
      });
    });
    this.p.stdout.setEncoding('utf8').on('data', (d) => {
      if (/MB read \((?!0%|100%)\d+%\)/.test(d)) this.progress++;
      this.tail = (this.tail + d).slice(-300);
      this.frames = (this.frames + d).slice(-20_000);
      this.listener?.(d);
    });
  }

  /**
   * Resolves with the time from `t` once the output since this call matches `test` (a string or a
   * RegExp, shorter than 300 characters); rejects if the editor ends first. Each read is tested
   * with the end of the one before, so a match split across reads is found.
   */
  until(test, t = performance.now()) {
    return new Promise((resolve, reject) => {
      let since = '';
      if (this.ended) return reject(new Error(`the editor had ended before showing ${test}: ${JSON.stringify(this.tail)}`));
      this.listener = (d) => {
        if (d === undefined) return reject(new Error(`the editor ended before showing ${test}: ${JSON.stringify(this.tail)}`));
        since += d;
        if (typeof test === 'string' ? since.includes(test) : test.test(since)) {
          this.listener = undefined;
          resolve(Math.round(performance.now() - t));
        } else since = since.slice(-300);
      };
    });
  }

  /** Writes `key`; resolves with the time until the next output (the first bytes of the frame it causes). */
  press(key) {
    const t = performance.now();
    const shown = this.until(ANY, t);
    this.p.stdin.write(key);
    return shown;
  }

  /** Whether the last frame drawn (from its header on) is the raw file view's. */
  showsRawView() {
    const at = this.frames.lastIndexOf(HEADER);
    return at !== -1 && this.frames.indexOf(RAW_VIEW, at) !== -1;
  }

  /** Quits (answering the question unsaved changes ask); resolves with the peak RSS in MB once it has exited. */
  async quit() {
    this.p.stdin.write('q');
    const asked = this.until('Quit without saving').then(
      () => this.p.stdin.write('y'),
      () => {},
    );
    await this.closed;
    await asked;
    return this.rss.read();
  }
}

/**
 * One session of the editor on `file`. Resolves with the time from spawn until the terminal shows the
 * first full frame, its peak RSS, how many loading screens showed progress, and, for each of `keys`
 * ([name, bytes] pressed in turn, `rounds` times, 120 ms apart as a person types), the times from
 * writing the key to the first bytes of the frame it causes. `args` follow the file on the command line.
 */
export async function editorInPty(file, { keys = [], rounds = 5, timeoutMs = 120_000, args = [] } = {}) {
  const e = new PtyEditor(file, timeoutMs, args);
  const ms = await e.until(HEADER, e.t0);
  const latency = {};
  if (keys.length) await sleep(300);
  for (let round = 0; round < rounds && keys.length; round++) {
    for (const [name, key] of keys) {
      (latency[name] ??= []).push(await e.press(key));
      await sleep(120);
    }
    // Back to the conversation view for the next round, untimed (a toggles the raw view).
    if (e.showsRawView()) {
      await e.press('a');
      await sleep(300);
    }
  }
  return { ms, progress: e.progress, latency, maxRssMB: await e.quit() };
}

/**
 * Opens `file` (a copy: it is saved in place), moves down, deletes the selection, saves (s, then y at
 * the preview), then deletes again and saves again: the editor goes on with the file it saved.
 * Resolves with the time of each step until the frame that shows it done, and the peak RSS of the
 * session. On a failure the error carries the steps done and the peak RSS.
 */
export async function saveInPty(file, { timeoutMs }) {
  const e = new PtyEditor(file, timeoutMs);
  const steps = {};
  const step = async (name, key, shown) => {
    const t = performance.now();
    const done = e.until(shown, t);
    e.p.stdin.write(key);
    steps[name] = await done;
  };
  try {
    steps.open = await e.until(HEADER, e.t0);
    await sleep(300);
    await step('j', 'j', ANY);
    await step('d', 'd', 'undoes');
    await step('s (the preview)', 's', 'saves');
    await step('y (saved)', 'y', 'saved;');
    await step('d again', 'd', 'undoes');
    await step('s', 's', 'saves');
    await step('y (saved again)', 'y', 'saved;');
  } catch (err) {
    e.p.kill('SIGKILL');
    await e.closed;
    const written = e.rss.read();
    throw Object.assign(err, { steps, maxRssMB: Number.isNaN(written) ? `${e.sampledRssMB} (sampled)` : written });
  }
  return { steps, maxRssMB: await e.quit() };
}
