import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type ApiView, buildApiView } from '../../src/conversation/apiView.js';
import { GENERATIONS, asWritten } from '../../src/conversation/clients.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { applyEdits } from '../../src/edit/apply.js';
import { analyze } from '../../src/rules/analyze.js';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { type Step, applyStep, step } from '../helpers/editSteps.js';
import { FIXTURES, type RealName, realDoc } from '../helpers/fixtures.js';

/*
 * After an edit the merge of a view resumes from the previous version's, at
 * the first message the edit changes (see MergeTrace in apiView.ts). Whatever
 * edits come, on real sessions and recordings of real clients, the view each
 * generation sends and writes, and the analysis of every generation, are what
 * they are for the same lines built from scratch.
 */

const SEED = Number(process.env.CCMEND_FC_SEED ?? 20261202);
const SCALE = Number(process.env.CCMEND_FC_SCALE ?? 1);

const REAL_NAMES: RealName[] = ['long', 'compact', 'fork', 'old', 'queue', 'localCommand', 'tasks', 'image'];
/** Recordings with attachments (hoisted, folded into results), gaps and thinking out of place. */
const RECORDINGS = ['fixed-gap-330', 'fixed-thinking-not-first', 'fixed-document-not-pdf', 'fixed-final-text-whitespace-only'];
const recorded = (name: string) => docFromBuffer(readFileSync(join(FIXTURES, 'recordings', 'written', `${name}.jsonl`)), `${name}.jsonl`);
const DOCS: [string, Doc][] = [...REAL_NAMES.map((n) => [n, realDoc(n)] as [string, Doc]), ...RECORDINGS.map((n) => [n, recorded(n)] as [string, Doc])];

/**
 * The same lines as another document read from other bytes: nothing a view of
 * `doc`'s versions made is resumed for it (a merge resumes only one of the same source).
 */
function fromScratch(doc: Doc): Doc {
  const { source } = doc;
  return { ...doc, lines: [...doc.lines], source: { size: source.size, read: (o, l, into) => source.read(o, l, into), close: () => {} } };
}

/** What a view sends, as data: its messages, patches and which message each line went into. */
function shape(doc: Doc, view: ApiView) {
  const messageOf = doc.lines.map((_, p) => view.messageOf.get(p) ?? -1);
  return { messages: view.messages, patches: view.patches, messageOf, size: view.messageOf.size };
}

/** Every generation's views of `doc` as written and sent, as the editor and the analysis build them. */
const viewsOf = (doc: Doc) =>
  GENERATIONS.map((client) => {
    const graph = buildGraph(doc, client);
    return { written: buildApiView(doc, graph, asWritten(client)), sent: buildApiView(doc, graph, client) };
  });

const shapes = (doc: Doc, views: ReturnType<typeof viewsOf>) =>
  views.map((v, g) => ({ version: GENERATIONS[g]!.version, written: shape(doc, v.written), sent: shape(doc, v.sent) }));

/** How many views share their first message, the very object, with the same generation's view of the version before. */
const sharedFirsts = (before: ReturnType<typeof viewsOf>, after: ReturnType<typeof viewsOf>) =>
  after.filter((v, g) => v.written.messages.length > 1 && v.written.messages[0] === before[g]!.written.messages[0]).length;

/** How many views share the message before their last, the very object, with the same generation's view of the version before. */
const sharedEnds = (before: ReturnType<typeof viewsOf>, after: ReturnType<typeof viewsOf>) =>
  after.filter((v, g) => v.written.messages.length > 2 && v.written.messages.at(-2) === before[g]!.written.messages.at(-2)).length;

describe('a view made after an edit, resuming the previous version’s merge, is the view made from scratch', () => {
  test.each(DOCS)('%s: random edits, every generation, views and analysis', (_name, start) => {
    let edits = 0;
    let resumed = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps: Step[]) => {
        let doc = start;
        let before = viewsOf(doc);
        steps.forEach((s, i) => {
          const next = applyStep(doc, s, i);
          if (!next) return;
          doc = next;
          const made = viewsOf(doc);
          const scratch = fromScratch(doc);
          const full = viewsOf(scratch);
          expect(shapes(doc, made)).toEqual(shapes(scratch, full));
          // Made from scratch, a view shares nothing with one of another source.
          expect(sharedFirsts(before, full)).toBe(0);
          expect(sharedEnds(before, full)).toBe(0);
          resumed += sharedFirsts(before, made);
          edits++;
          before = made;
          // The analysis too, for every generation as a target (`--client all`).
          const all = analyze(doc, { target: GENERATIONS });
          const fresh = analyze(scratch, { target: GENERATIONS });
          expect(all.diagnostics).toEqual(fresh.diagnostics);
          expect(all.counts).toEqual(fresh.counts);
        });
      }),
      { seed: SEED, numRuns: Math.max(1, Math.round(6 * SCALE)) },
    );
    // The edits applied, and views that resumed a merge (an edit of the first message's lines resumes none).
    expect(edits).toBeGreaterThan(0);
    expect(resumed).toBeGreaterThan(0);
  });
});

describe('an edit of the first message that keeps every line in place: the merge takes the rest as the previous version merged it', () => {
  test.each(REAL_NAMES)('%s: every generation, views and analysis', (name) => {
    const start = realDoc(name);
    const before = viewsOf(start);
    // The first text block of the lines the first message sends, rewritten: no line moves.
    const first = before[before.length - 1]!.written.messages[0]!;
    const block = first.blocks.find((b) => b.info.type === 'text' && b.pos === first.lines[0])!;
    const path = typeof block.info.path.at(-1) === 'number' ? [...block.info.path, 'text'] : block.info.path;
    const doc = applyEdits(start, [{ op: 'set', key: start.lines[block.pos]!.key, path, value: 'rewritten' }]);
    expect(doc.lines.length).toBe(start.lines.length);
    const made = viewsOf(doc);
    const scratch = fromScratch(doc);
    expect(shapes(doc, made)).toEqual(shapes(scratch, viewsOf(scratch)));
    expect(sharedEnds(before, made)).toBeGreaterThan(0);
    const all = analyze(doc, { target: GENERATIONS });
    const fresh = analyze(scratch, { target: GENERATIONS });
    expect(all.diagnostics).toEqual(fresh.diagnostics);
    expect(all.counts).toEqual(fresh.counts);
  });
});
