// One measurement per process, so each peak RSS is its own.
// usage: node child.mjs baseline|check|editor FILE, or node child.mjs fit FILE TOKENS OUT
import { readSync, openSync, closeSync } from 'node:fs';
import { KEYS } from './keys.mjs';

const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
if (mode !== 'baseline') {
  // As the executable loads: big files on several threads (src/bin.ts).
  const { defaultParallel, loadInParallel } = await import('../dist/transcript/load.js');
  loadInParallel(defaultParallel(new URL('../dist/loadWorker.js', import.meta.url)));
}
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
    for (const p of parts) {
      if (!p) continue;
      JSON.parse(p);
      lines++;
    }
  }
  if (carry) {
    JSON.parse(carry);
    lines++;
  }
  closeSync(fd);
  detail = { lines };
} else if (mode === 'check') {
  const { loadFile } = await import('../dist/transcript/load.js');
  const { analyze } = await import('../dist/rules/analyze.js');
  const doc = await loadFile(file);
  const tLoad = performance.now();
  const a = analyze(doc);
  detail = {
    lines: doc.lines.length,
    messages: a.view.messages.length,
    counts: a.counts,
    loadMs: Math.round(tLoad - t0),
    analyzeMs: Math.round(performance.now() - tLoad),
  };
  doc.source.close();
} else if (mode === 'fit') {
  // `ccmend fit FILE --tokens N --out OUT` as the command runs it: load, plan, cut, check again, save.
  const { main } = await import('../dist/cli.js');
  const [tokens, out] = process.argv.slice(4);
  const lines = [];
  const code = await main(['fit', file, '--tokens', tokens, '--out', out], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
  const cuts = /^(\d+) cuts?/m.exec(lines.join('\n'))?.[1];
  detail = { code, cuts: Number(cuts ?? 0) };
} else if (mode === 'editor') {
  detail = await measureEditor(file, t0);
} else throw new Error(`unknown mode ${mode}`);
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ mode, ms: Math.round(ms), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), ...detail })}\n`);

/**
 * The editor as a person meets it: time until the first full frame (file
 * loaded, analysed, tree drawn), then the time from a key press to the frame
 * that shows its effect, per key (median of several presses).
 */
async function measureEditor(file, t0) {
  const React = (await import('react')).default;
  const { render } = await import('ink-testing-library');
  const { loadFile } = await import('../dist/transcript/load.js');
  const { Editor } = await import('../dist/ui/Editor.js');
  const doc = await loadFile(file);
  const deps = { save: async () => ({ doc, status: '' }), exportSummary: async () => '' };
  const app = render(React.createElement(Editor, { doc, provider: 'anthropic', deps, size: { columns: 120, rows: 40 } }));
  const frameAfter = async (before) => {
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      const f = app.lastFrame() ?? '';
      if (f !== before && f.includes('errors ·')) return;
      await new Promise((r) => setImmediate(r));
    }
    throw new Error('no new frame within 30 s');
  };
  await frameAfter('');
  const firstFrameMs = Math.round(performance.now() - t0);
  const samples = {};
  const press = async (name, key) => {
    const before = app.lastFrame();
    const t = performance.now();
    app.stdin.write(key);
    await frameAfter(before);
    (samples[name] ??= []).push(performance.now() - t);
    app.frames.length = 0; // the test renderer keeps every frame; drop them
  };
  for (let i = 0; i < 5; i++) for (const [name, key] of KEYS) await press(name, key);
  const latency = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(v.sort((a, b) => a - b)[Math.floor(v.length / 2)])]));
  app.unmount();
  doc.source.close();
  return { firstFrameMs, latency };
}
