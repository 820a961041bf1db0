// The editor as a user starts it: `node dist/bin.js FILE` in a 120×40 pseudo-terminal (util-linux
// `script`), timed as a whole process from spawn.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PRELOAD, rssProbe } from './process.mjs';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const sh = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One session of the editor on `file`. Resolves with the time from spawn until the terminal shows the
 * header's `errors ·` (the first full frame), its peak RSS, what the loading screen showed, and, for
 * each of `keys` ([name, bytes] pressed in turn, `rounds` times, 120 ms apart as a person types), the
 * times from writing the key to the first bytes of the frame it causes. Then `q` (and `y`) quits.
 */
export function editorInPty(file, { keys = [], rounds = 5, timeoutMs = 120_000 } = {}) {
  // As a user runs it: the binary chooses production itself.
  const { NODE_ENV, ...env } = process.env;
  const rss = rssProbe();
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const cmd = `stty cols 120 rows 40; exec ${sh(process.execPath)} -r ${sh(PRELOAD)} ${sh(BIN)} ${sh(file)}`;
    const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...env, CCMEND_BENCH_RSS: rss.path }, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let firstFrameMs;
    let progress = 0; // loading screens seen that show a partial read
    let frame; // resolves on the next output
    const latency = {};
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    let confirmed = false;
    p.stdin.on('error', () => {}); // the editor may be gone by the time a last key arrives
    const pressKeys = async () => {
      await sleep(300);
      for (let round = 0; round < rounds; round++) {
        for (const [name, key] of keys) {
          const shown = new Promise((r) => (frame = r));
          const k = performance.now();
          p.stdin.write(key);
          await shown;
          (latency[name] ??= []).push(performance.now() - k);
          await sleep(120);
        }
      }
      p.stdin.write('q');
    };
    p.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      frame?.();
      frame = undefined;
      if (firstFrameMs === undefined && /MB read \((?!0%|100%)\d+%\)/.test(d)) progress++;
      if (!confirmed && out.includes('Quit without saving')) {
        confirmed = true; // the keys left unsaved changes: quit anyway
        p.stdin.write('y');
      }
      if (firstFrameMs === undefined && out.includes('errors ·')) {
        firstFrameMs = Math.round(performance.now() - t);
        pressKeys();
      }
      out = out.slice(-300); // enough to find the text across two reads, and to show in an error
    });
    p.on('error', reject);
    p.on('close', () => {
      clearTimeout(timer);
      if (firstFrameMs === undefined) reject(new Error(`the editor showed no header within ${timeoutMs / 1000} s: ${JSON.stringify(out.slice(-300))}`));
      else resolve({ ms: firstFrameMs, maxRssMB: rss.read(), progress, latency });
    });
  });
}
