// The editor in-process (ink-testing-library), one measurement per process so its peak RSS is its own:
// keys are pressed as soon as the last frame is drawn, without a terminal in between.
// usage: node child.mjs editor FILE
import { KEYS } from './keys.mjs';
import { RAW_VIEW } from './pty.mjs';

const [mode, file] = process.argv.slice(2);
if (mode !== 'editor') throw new Error(`unknown mode ${mode}`);
const t0 = performance.now();
// As the executable loads: big files on several threads (src/bin.ts).
const { defaultParallel, loadInParallel } = await import('../dist/transcript/load.js');
loadInParallel(defaultParallel(new URL('../dist/loadWorker.js', import.meta.url)));
const detail = await measureEditor(file, t0);
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
  // The first full frame shows the header's counts; after it any new frame is the key's (a rewind may leave no problem to count).
  const frameAfter = async (before) => {
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      const f = app.lastFrame() ?? '';
      if (f !== before && (before || f.includes('errors ·'))) return;
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
  for (let i = 0; i < 5; i++) {
    for (const [name, key] of KEYS) await press(name, key);
    // Back to the conversation view for the next round, untimed, as in the pty (see RAW_VIEW).
    if ((app.lastFrame() ?? '').includes(RAW_VIEW)) {
      const before = app.lastFrame();
      app.stdin.write('a');
      await frameAfter(before);
    }
  }
  const latency = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(v.sort((a, b) => a - b)[Math.floor(v.length / 2)])]));
  app.unmount();
  doc.source.close();
  return { firstFrameMs, latency };
}
