// One measurement per process, so each peak RSS is its own.
// usage: node child.mjs baseline|check FILE
import { readSync, openSync, closeSync } from 'node:fs';

const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
let detail = {};
if (mode === 'baseline') {
  // The floor: read the file in 1 MiB chunks, split lines, JSON.parse each.
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let carry = '';
  let offset = 0;
  let lines = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, offset);
    if (n === 0) break;
    offset += n;
    const parts = (carry + buf.toString('utf8', 0, n)).split('\n');
    carry = parts.pop();
    for (const p of parts) if (p) (JSON.parse(p), lines++);
  }
  if (carry) (JSON.parse(carry), lines++);
  closeSync(fd);
  detail = { lines };
} else if (mode === 'check') {
  const { loadFile } = await import('../dist/transcript/load.js');
  const { analyze } = await import('../dist/rules/analyze.js');
  const doc = await loadFile(file);
  const tLoad = performance.now();
  const a = analyze(doc);
  detail = { lines: doc.lines.length, messages: a.view.messages.length, counts: a.counts, loadMs: Math.round(tLoad - t0), analyzeMs: Math.round(performance.now() - tLoad) };
  doc.source.close();
} else throw new Error(`unknown mode ${mode}`);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ mode, ms: Math.round(ms), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), ...detail }) + '\n');
