import { finish } from '../../src/conversation/steps.js';
import { describe, expect, test, vi } from 'vitest';
import { applyEdits } from '../../src/edit/apply.js';
import * as analyzeModule from '../../src/rules/analyze.js';
import { analyze } from '../../src/rules/analyze.js';
import { EVERY_GENERATION } from '../../src/report/target.js';
import type { Doc } from '../../src/transcript/document.js';
import type { Command } from '../../src/ui/keyTable.js';
import { type Checks, EditorMemo, checksFor } from '../../src/ui/memo.js';
import { type EditorState, initialState, prepareEdit, problemAtCursor, reduce, rowsOf, selectedRow } from '../../src/ui/state.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { realDoc } from '../helpers/fixtures.js';
import { everyRow } from '../helpers/rows.js';

/*
 * On a large document an edit shows before its analysis is done: the state
 * carries a provisional analysis and `revalidating`, and the editor drives the
 * full analysis between keys (EditorMemo.advance), then reduces 'revalidated'.
 * A memo made with deferLines 0 does this on the real 1512-line session.
 */

// The analyses the editor starts, seen through the module's own function.
vi.mock('../../src/rules/analyze.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/rules/analyze.js')>();
  return { ...actual, analysisSteps: vi.fn(actual.analysisSteps) };
});
const analysisSteps = vi.mocked(analyzeModule.analysisSteps);

const HEIGHT = 20;
const run = (s: EditorState, ...commands: Command[]) => commands.reduce((st, command) => reduce(st, { type: 'command', command }), s);

/** What the editor's background work does: steps until the analysis of the present document is done, then hands it over. */
function revalidate(s: EditorState): EditorState {
  for (;;) {
    const analysis = s.memo.advance(s.history.present, s.checks);
    if (analysis) return reduce(s, { type: 'revalidated', analysis, checks: s.checks });
  }
}

const fullAnalysis = (doc: Doc, s: EditorState) => analyze(doc, { target: s.checks.target.clients, budget: s.memo.budgetOptions(doc) });

function start(checks?: (doc: Doc) => Checks): EditorState {
  const doc = realDoc('long');
  return initialState(doc, checks?.(doc) ?? checksFor(doc, 'anthropic'), HEIGHT, '', [], new EditorMemo(0));
}

/** The first problem n goes to, and the cursor on it. */
const atFirstProblem = (s: EditorState) => run(s, 'nextProblem');

// For every client the editor shows the newest release's lines, as for the session's own client: the first problem
// (a whitespace-only text on line 760) is a block of the view, and d deletes that block. (Releases before 2.1.19 cut
// this 2.1.39 session at its first progress line; showing their view would leave the problem off it.)
describe.each([
  ['the session’s own client', undefined, 'deleted text block · u undoes'],
  ['every client', (doc: Doc) => checksFor(doc, 'anthropic', EVERY_GENERATION), 'deleted text block · u undoes'],
])('an edit revalidates after its frame (%s)', (_, checks, deleted) => {
  test('the edit shows at once: the target’s lines as the full analysis has them, the old problems where their lines are now', () => {
    const before = atFirstProblem(start(checks));
    const row = selectedRow(before)!;
    const s = run(before, 'delete');
    expect(s.revalidating).toBe(true);
    expect(s.status).toBe(deleted);
    const full = fullAnalysis(s.history.present, s);
    expect(s.analysis.doc).toBe(s.history.present);
    // The very messages of the full analysis (kept per document), so its rows are the ones shown.
    expect(s.analysis.view.messages).toBe(full.view.messages);
    expect(everyRow(rowsOf(s)).some((r) => r.id === row.id)).toBe(false);
    // Every problem shown is one the last full analysis found, on the same line, at its position in the edited document.
    const keyAt = (pos: number) => s.history.present.lines[pos]!.key;
    const found = new Set(before.analysis.diagnostics.map((d) => `${d.rule} ${d.key} ${d.block}`));
    for (const d of s.analysis.diagnostics) {
      expect(keyAt(d.pos)).toBe(d.key);
      expect(found.has(`${d.rule} ${d.key} ${d.block}`)).toBe(true);
    }
    expect(s.analysis.diagnostics).toHaveLength(before.analysis.diagnostics.length - 1);
  });

  test('the state it ends in is the one a full analysis on the spot gives', () => {
    const before = atFirstProblem(start(checks));
    const s = revalidate(run(before, 'delete'));
    expect(s.revalidating).toBe(false);
    const full = fullAnalysis(s.history.present, s);
    expect(s.analysis.diagnostics).toStrictEqual(full.diagnostics);
    expect(s.analysis.counts).toStrictEqual(full.counts);
    expect(s.analysis.elsewhere).toBe(full.elsewhere);
    // And the same as an editor that analyses each edit before its frame.
    const eager = run(atFirstProblem(initialState(before.saved, before.checks, HEIGHT)), 'delete');
    expect(eager.revalidating).toBe(false);
    expect(s.analysis.diagnostics).toStrictEqual(eager.analysis.diagnostics);
    expect(everyRow(rowsOf(s))).toStrictEqual(everyRow(rowsOf(eager)));
    expect([s.cursor, s.top, s.status]).toEqual([eager.cursor, eager.top, eager.status]);
  });
});

describe('keys during revalidation', () => {
  test('a key during revalidation applies to the latest document; the analysis that comes is the latest document’s', () => {
    const first = run(atFirstProblem(start()), 'delete');
    const s = run(first, 'down', 'delete');
    expect(s.revalidating).toBe(true);
    expect(s.history.past).toHaveLength(2);
    expect(s.analysis.doc).toBe(s.history.present);
    const done = revalidate(s);
    expect(done.analysis.doc).toBe(done.history.present);
    expect(done.analysis.diagnostics).toStrictEqual(fullAnalysis(done.history.present, done).diagnostics);
    // Two deletions by hand from the loaded document give the same lines.
    const eager = run(atFirstProblem(initialState(first.saved, first.checks, HEIGHT)), 'delete', 'down', 'delete');
    expect(done.history.present.lines.map((l) => l.key)).toEqual(eager.history.present.lines.map((l) => l.key));
    expect(done.analysis.diagnostics).toStrictEqual(eager.analysis.diagnostics);
  });

  test('a stale analysis never replaces a newer one', () => {
    const first = run(atFirstProblem(start()), 'delete');
    // The first edit's analysis is done, but a second edit came before it was handed over.
    let stale: ReturnType<EditorMemo['advance']>;
    while (!(stale = first.memo.advance(first.history.present, first.checks)));
    const second = run(first, 'down', 'delete');
    const after = reduce(second, { type: 'revalidated', analysis: stale, checks: first.checks });
    expect(after).toBe(second);
    expect(after.revalidating).toBe(true);
    // Nor one for other checks than the present ones.
    const other = checksFor(first.saved, 'anthropic', EVERY_GENERATION);
    const elsewhere = first.memo.analysisOf(second.history.present, other);
    expect(reduce(second, { type: 'revalidated', analysis: elsewhere, checks: other })).toBe(second);
    // Nor, once revalidated, a late copy of an earlier analysis.
    const done = revalidate(second);
    expect(reduce(done, { type: 'revalidated', analysis: stale, checks: first.checks })).toBe(done);
  });

  test('undo back to a version analysed shows its full analysis at once; an analysis half done resumes where it stopped', () => {
    const loaded = start();
    const edited = run(atFirstProblem(loaded), 'delete');
    // A few steps, then undo: the document loaded was analysed, nothing is revalidated.
    for (let i = 0; i < 5; i++) expect(edited.memo.advance(edited.history.present, edited.checks)).toBeUndefined();
    const undone = run(edited, 'undo');
    expect(undone.revalidating).toBe(false);
    expect(undone.analysis).toBe(loaded.analysis);
    // Redo: the steps already taken are not taken again.
    const redone = run(undone, 'redo');
    expect(redone.revalidating).toBe(true);
    let steps = 0;
    while (!redone.memo.advance(redone.history.present, redone.checks)) steps++;
    expect(steps).toBeGreaterThan(0);
    // One analysis of the edited document was started, before the undo, and it is the one that finished.
    expect(analysisSteps.mock.calls.filter(([doc]) => doc === redone.history.present)).toHaveLength(1);
  });

  test('f during revalidation waits for the full analysis, then fixes a problem it found, as an editor that analysed first would', () => {
    const s = run(atFirstProblem(start()), 'delete', 'nextProblem');
    expect(s.revalidating).toBe(true);
    // The frame says at once what f waits for; nothing is applied, and keys pressed meanwhile queue behind it.
    const waiting = reduce(reduce(run(s, 'fix'), { type: 'key', press: { name: 'j' } }), { type: 'key', press: { name: 'k' } });
    expect(waiting.status).toBe('checking the last edit first: f follows');
    expect(waiting.history.present).toBe(s.history.present);
    expect([waiting.cursor, waiting.queued.map((k) => k.name)]).toEqual([s.cursor, ['j', 'k']]);
    const fixed = revalidate(waiting);
    expect(fixed.queued).toEqual([]);
    const eager = run(atFirstProblem(initialState(s.saved, s.checks, HEIGHT)), 'delete', 'nextProblem', 'fix', 'down', 'up');
    expect([fixed.cursor, fixed.top]).toEqual([eager.cursor, eager.top]);
    expect(fixed.status).toBe(eager.status);
    expect(fixed.history.present.lines.map((l) => l.key)).toEqual(eager.history.present.lines.map((l) => l.key));
    expect(revalidate(fixed).analysis.diagnostics).toStrictEqual(eager.analysis.diagnostics);
  });

  test('n during revalidation goes to a problem still shown; once revalidated it is the full analysis’s own', () => {
    const s = run(atFirstProblem(start()), 'delete', 'nextProblem');
    const shown = s.problem!;
    expect(s.analysis.diagnostics).toContain(shown);
    const done = revalidate(s);
    expect(done.problem).toBeDefined();
    expect(done.analysis.diagnostics).toContain(done.problem);
    expect([done.problem!.rule, done.problem!.key, done.problem!.block]).toEqual([shown.rule, shown.key, shown.block]);
    expect(problemAtCursor(done)).toBe(done.problem);
  });

  test('the fix is prepared only once the present document is revalidated', () => {
    const s = run(atFirstProblem(start()), 'delete', 'nextProblem');
    expect(finish(prepareEdit(s))).toBeUndefined();
    const done = revalidate(s);
    const edits = problemAtCursor(done)!.fixes[0]!.edits;
    const prepared = finish(prepareEdit(done))!;
    expect(serializeToBuffer(prepared).equals(serializeToBuffer(applyEdits(done.history.present, edits)))).toBe(true);
    // f takes the prepared document; its analysis, driven to the end ahead of f, is the one f shows.
    let analysis: ReturnType<EditorMemo['advance']>;
    while (!(analysis = done.memo.advance(prepared, done.checks)));
    const fixed = run(done, 'fix');
    expect(fixed.history.present).toBe(prepared);
    expect(fixed.revalidating).toBe(false);
    expect(fixed.analysis).toBe(analysis);
  });
});
