// What the undo history costs: loads a transcript, applies 500 editor-like edits
// (delete a line, merge a line into the one before, set a field or a parent) to
// varied lines, each pushed on the undo history as the editor does, and prints
// the heap they added (measured after a full gc, the history alive). Issue #14's
// target: under 50 MB for 500 edits on a 200 MB file. Then times undo and redo.
//
// usage: npm run build && node bench/edits.mjs [FILE]
//   without FILE, the benchmark's never-compacted 200 MB transcript (see files.mjs)
//   BENCH_EDITS=500   how many edits
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchFile } from './files.mjs';

const MB = 2 ** 20;
const args = process.argv.slice(2);

if (typeof globalThis.gc !== 'function') {
  // The heap is only comparable after a full collection: run again with gc exposed.
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { loadFile } = await import('../dist/transcript/load.js');
const { EditError, applyEdits } = await import('../dist/edit/apply.js');
const { push, redo, startHistory, undo } = await import('../dist/edit/history.js');

const EDITS = Number(process.env.BENCH_EDITS ?? 500);

const file = args[0] ?? (await benchFile({ mb: 200, compacted: false }, console.log));

/** The heap in use after a full collection (a turn of the event loop first: objects only weakly held are let go then). */
async function heapAfterGc() {
  await new Promise((r) => setImmediate(r));
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** A fixed pseudo-random sequence (mulberry32), so every run edits the same lines. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The edit the i-th key press makes at line `at` of `doc`, as the editor's d, m and fixes do. */
function editAt(doc, at, i) {
  const line = doc.lines[at];
  switch (i % 4) {
    case 0:
      return { op: 'delete-line', key: line.key };
    case 1:
      return at > 0 ? { op: 'merge-lines', key: line.key, intoKey: doc.lines[at - 1].key } : { op: 'delete-line', key: line.key };
    case 2:
      return { op: 'set', key: line.key, path: ['isMeta'], value: true };
    default:
      // A relink: the line's parent becomes its grandparent's uuid (written byte-wise, see ParentLinks).
      return { op: 'set', key: line.key, path: ['parentUuid'], value: doc.lines[Math.max(0, at - 2)].info.uuid ?? null };
  }
}

const size = statSync(file).size;
let doc = await loadFile(file);
const lines = doc.lines.length;
const before = await heapAfterGc();
let h = startHistory(doc);
doc = undefined;
const next = random(14);
let refused = 0;
const t0 = performance.now();
for (let i = 0; i < EDITS; i++) {
  for (;;) {
    const present = h.present;
    try {
      h = push(h, applyEdits(present, [editAt(present, Math.floor(next() * present.lines.length), i)]));
      break;
    } catch (e) {
      if (!(e instanceof EditError)) throw e;
      refused++;
    }
  }
}
const editMs = (performance.now() - t0) / EDITS;
const added = (await heapAfterGc()) - before;
const steps = Math.min(50, EDITS);
const t1 = performance.now();
for (let i = 0; i < steps; i++) h = undo(h);
const undoMs = (performance.now() - t1) / steps;
const t2 = performance.now();
for (let i = 0; i < steps; i++) h = redo(h);
const redoMs = (performance.now() - t2) / steps;
console.log(`${file}: ${(size / MB).toFixed(0)} MB, ${lines.toLocaleString('en-US')} lines`);
console.log(`  ${EDITS} edits (${refused} refused and retried): heap added ${(added / MB).toFixed(1)} MB (target < 50 MB)`);
console.log(`  per edit ${editMs.toFixed(1)} ms (applyEdits and push); per undo ${undoMs.toFixed(1)} ms, per redo ${redoMs.toFixed(1)} ms`);
h.present.source.close();
