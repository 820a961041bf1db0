// npm run calibrate [-- FILE...]: how ccmend's token estimate compares with the API's own counts,
// turn by turn, in real transcripts (default: every transcript under fixtures/claude-home), and the
// coefficients that would fit them best. Not a test: run it on new transcripts (other models, newer
// Claude Code releases) and carry the fitted figures into CALIBRATION in src/budget/estimate.ts if
// they explain the counts better.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApiView } from '../dist/conversation/apiView.js';
import { fitCalibration, growthSamples, turnEstimates } from '../dist/budget/calibrate.js';
import { CALIBRATION } from '../dist/budget/estimate.js';
import { analyze } from '../dist/rules/analyze.js';
import { docFromBuffer } from '../dist/transcript/load.js';

const root = fileURLToPath(new URL('../fixtures/claude-home/projects/', import.meta.url));

function transcripts(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return transcripts(p);
    return name.endsWith('.jsonl') ? [p] : [];
  });
}

/** A subagent's transcript read as a conversation of its own (its lines are all marked as a sidechain). */
function load(path) {
  const text = readFileSync(path, 'utf8');
  const subagent = path.includes('/subagents/') || /\/agent-[^/]*\.jsonl$/.test(path);
  return docFromBuffer(Buffer.from(subagent ? text.replaceAll('"isSidechain":true', '"isSidechain":false') : text), path);
}

const files = process.argv.length > 2 ? process.argv.slice(2) : transcripts(root);
const ratio = (estimate, count) => (estimate === undefined ? '' : (estimate / count).toFixed(3));
const worst = { anchored: [1, ''], fromFirst: [1, ''] };
const samples = [];

for (const path of files) {
  const doc = load(path);
  const { graph, view } = analyze(doc);
  const name = path.startsWith(root) ? relative(root, path) : path;
  // Each part of the session had requests of its own: what preceded the last compaction too.
  for (const [part, v] of [
    ['before the last compaction', graph.preCompactChain.length ? buildApiView(doc, graph, view.client, graph.preCompactChain) : undefined],
    ['sent now', view],
  ]) {
    if (!v) continue;
    const turns = turnEstimates(doc, v);
    if (!turns.length) continue;
    console.log(`\n${name} (${part})`);
    console.log('      line     count   anchored  ratio  from first  ratio');
    for (const t of turns) {
      console.log(
        `  ${String(t.line).padStart(8)} ${String(t.count).padStart(9)} ${String(t.anchored ?? '-').padStart(10)} ${ratio(t.anchored, t.count).padStart(6)} ${String(t.fromFirst ?? '-').padStart(11)} ${ratio(t.fromFirst, t.count).padStart(6)}`,
      );
      for (const kind of ['anchored', 'fromFirst']) {
        if (t[kind] === undefined) continue;
        const r = t[kind] / t.count;
        if (Math.abs(r - 1) > Math.abs(worst[kind][0] - 1)) worst[kind] = [r, `${name} line ${t.line}`];
      }
    }
    samples.push(...growthSamples(doc, v));
  }
}

console.log(`\nworst ratio, anchored on the newest count before the turn (what ccmend reports): ${worst.anchored[0].toFixed(3)} at ${worst.anchored[1]}`);
console.log(
  `worst ratio, from the conversation's first count alone (the estimator over everything since): ${worst.fromFirst[0].toFixed(3)} at ${worst.fromFirst[1]}`,
);
console.log(`(the first count of each conversation has nothing before it to anchor on, so it has no ratio)`);

const fitted = fitCalibration(samples);
console.log(`\n${samples.length} spans between consecutive counts (without images or documents); least-squares fit:`);
console.log('  coefficient      now   fitted');
for (const [k, v] of Object.entries(CALIBRATION))
  console.log(`  ${k.padEnd(12)} ${String(v).padStart(7)} ${fitted ? fitted[k].toFixed(3).padStart(8) : '(singular)'}`);
