// Where a key's time goes, in-process on the editor's state (no terminal): for each key, the
// reducer, what its frame computes (rows, diagnostics by line, the request's budget, the detail
// pane, the visible labels), then the background work the key leaves (a revalidation, or the fix
// prepared after a pause), step by step: a key pressed during a step waits for it.
//
// usage: npm run build && node bench/keysteps.mjs [FILE] [--client V] [--keys j,PgDn,d,u,...]
//   without FILE, the benchmark's never-compacted 200 MB transcript (see files.mjs)
import { parseArgs } from 'node:util';
import { benchFile } from './files.mjs';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { client: { type: 'string' }, keys: { type: 'string' } } });
const file = positionals[0] ?? (await benchFile({ mb: 200, compacted: false }, console.log));
const { loadFile } = await import('../dist/transcript/load.js');
const { checksFor } = await import('../dist/ui/memo.js');
const { initialState, reduce, rowsOf, diagnosticsAt, labelOf, selectedRow, prepareEdit } = await import('../dist/ui/state.js');
const { detailLines } = await import('../dist/ui/detail.js');
const { resolveTarget } = await import('../dist/report/target.js');

const NAMES = { PgDn: { name: 'pagedown' }, enter: { name: 'enter' } };
const keys = (opts.keys ?? 'j,PgDn,h,l,n,f,u,U,d,u,j,K,J,m,n,f,r,enter,u').split(',');

const doc = await loadFile(file);
const checks = checksFor(
  doc,
  'anthropic',
  resolveTarget(opts.client, doc, () => undefined),
);
const ms = (t) => (performance.now() - t).toFixed(1);

/** What a frame of the state computes, each part timed. */
function frame(s) {
  const parts = {};
  const time = (name, f) => {
    const t = performance.now();
    f();
    parts[name] = ms(t);
  };
  time('rows', () => rowsOf(s));
  time('byPos', () => diagnosticsAt(s));
  time('budget', () => s.memo.shownBudget(s.analysis));
  time('detail', () => detailLines(s.analysis, diagnosticsAt(s), selectedRow(s), 116));
  time('labels', () =>
    rowsOf(s)
      .slice(s.top, s.top + s.height)
      .forEach((r) => labelOf(s, r)),
  );
  return parts;
}

/** Drives `advance` to the end; the steps' times (ms), in order. */
function drive(advance) {
  const steps = [];
  for (;;) {
    const t = performance.now();
    const done = advance();
    steps.push(performance.now() - t);
    if (done) return steps;
  }
}

/** A run of steps: how many, their sum, the longest, and those over 15 ms (#index ms), which a key pressed meanwhile waits for. */
const summary = (steps) => {
  const total = steps.reduce((a, d) => a + d, 0);
  const big = steps.flatMap((d, i) => (d > 15 ? [`#${i} ${d.toFixed(0)}`] : []));
  return `${steps.length} steps, ${total.toFixed(0)} ms, max ${Math.max(...steps).toFixed(1)}; over 15 ms: ${big.join(', ')}`;
};

let t = performance.now();
let s = initialState(doc, checks, 26);
console.log(`${file}: ${doc.lines.length} lines, target ${checks.target.clients.length} clients; first analysis ${ms(t)} ms`);
for (const k of keys) {
  t = performance.now();
  s = reduce(s, { type: 'key', press: NAMES[k] ?? { name: k } });
  const reduced = ms(t);
  const parts = frame(s);
  console.log(`${k.padEnd(6)} reduce ${reduced} ms; frame ${JSON.stringify(parts)}; ${s.status.slice(0, 70)}`);
  if (s.revalidating) {
    let analysis;
    const steps = drive(() => (analysis = s.memo.advance(s.history.present, s.checks)) !== undefined);
    t = performance.now();
    s = reduce(s, { type: 'revalidated', analysis, checks: s.checks });
    console.log(`       revalidate: ${summary(steps)}; take ${ms(t)} ms; frame ${JSON.stringify(frame(s))}`);
  } else {
    // The edited document is made in steps too, before its analysis.
    const editing = prepareEdit(s);
    let prepared;
    const applying = drive(() => {
      const step = editing.next();
      prepared = step.value;
      return step.done;
    });
    if (prepared) console.log(`       prepare: ${summary([...applying, ...drive(() => s.memo.advance(prepared, s.checks) !== undefined)])}`);
  }
}
doc.source.close();
