import { checksFor } from '../../src/ui/memo.js';
import { finish } from '../../src/conversation/steps.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The benchmark's generator: copies of the real 2.1.39 session chained into one long conversation.
import { makeLarge } from '../../bench/make-large.mjs';
import { applyEdits } from '../../src/edit/apply.js';
import { analyze } from '../../src/rules/analyze.js';
import type { Doc } from '../../src/transcript/document.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { realDoc } from '../helpers/fixtures.js';
import { loadFile } from '../../src/transcript/load.js';
import type { Command } from '../../src/ui/keyTable.js';
import { type EditorState, initialState, isDirty, labelOf, prepareEdit, reduce, rowsOf, selectedRow } from '../../src/ui/state.js';

let doc: Doc;
const HEIGHT = 20;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ccmend-long-')), 'long.jsonl');
  await makeLarge(file, 20 * 1024 * 1024);
  doc = await loadFile(file);
});
afterAll(() => doc.source.close());

const run = (s: EditorState, ...commands: Command[]) => commands.reduce((st, command) => reduce(st, { type: 'command', command }), s);

describe('cursor and viewport on a long document (20 MB, ~10k lines)', () => {
  test('the tree has a row per turn and per block; the viewport starts at the top', () => {
    const s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    const blocks = s.analysis.view.messages.reduce((n, m) => n + m.blocks.length, 0);
    expect(s.analysis.view.messages.length).toBeGreaterThan(1000);
    expect(rowsOf(s)).toHaveLength(s.analysis.view.messages.length + blocks);
    expect([s.cursor, s.top]).toEqual([0, 0]);
  });

  test('moving down past the viewport scrolls it so the cursor stays on the last visible row', () => {
    let s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    for (let i = 0; i < HEIGHT + 5; i++) s = run(s, 'down');
    expect(s.cursor).toBe(HEIGHT + 5);
    expect(s.top).toBe(6);
    s = run(s, 'up', 'up');
    expect([s.cursor, s.top]).toEqual([HEIGHT + 3, 6]);
    for (let i = 0; i < 40; i++) s = run(s, 'up');
    expect([s.cursor, s.top]).toEqual([0, 0]);
  });

  test('pages move by the viewport height; g and G jump to the ends; the ends clamp', () => {
    let s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    s = run(s, 'pageDown', 'pageDown');
    expect([s.cursor, s.top]).toEqual([2 * HEIGHT, HEIGHT + 1]);
    s = run(s, 'pageUp');
    expect([s.cursor, s.top]).toEqual([HEIGHT, HEIGHT]);
    s = run(s, 'bottom');
    const last = rowsOf(s).length - 1;
    expect([s.cursor, s.top]).toEqual([last, last - HEIGHT + 1]);
    s = run(s, 'down', 'pageDown');
    expect(s.cursor).toBe(last);
    s = run(s, 'top', 'up', 'pageUp');
    expect([s.cursor, s.top]).toEqual([0, 0]);
  });

  test('collapsing from a block selects its turn and hides its blocks; expanding brings them back', () => {
    let s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    const target = rowsOf(s).findIndex((r) => r.kind === 'block' && s.analysis.view.messages[r.turn!]!.blocks.length > 1);
    for (let i = 0; i < target; i++) s = run(s, 'down');
    expect(selectedRow(s)!.kind).toBe('block');
    const turn = selectedRow(s)!.turn!;
    const blocks = s.analysis.view.messages[turn]!.blocks.length;
    const before = rowsOf(s).length;
    s = run(s, 'collapse');
    expect(selectedRow(s)).toMatchObject({ kind: 'turn', turn });
    expect(rowsOf(s)).toHaveLength(before - blocks);
    expect(labelOf(s, selectedRow(s)!).startsWith('▸')).toBe(true);
    s = run(s, 'expand');
    expect(rowsOf(s)).toHaveLength(before);
    expect(selectedRow(s)).toMatchObject({ kind: 'turn', turn });
  });

  test('the raw view lists every line and keeps the selected line selected', () => {
    let s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    s = run(s, 'pageDown', 'pageDown', 'pageDown');
    const pos = selectedRow(s)!.pos;
    s = run(s, 'toggleRaw');
    expect(rowsOf(s)).toHaveLength(doc.lines.length);
    expect(selectedRow(s)!.pos).toBe(pos);
    expect(s.cursor - s.top).toBeLessThan(HEIGHT);
    s = run(s, 'toggleRaw');
    expect(selectedRow(s)!.pos).toBe(pos);
  });

  test('n from the last row goes to the problems past it, then wraps to the first and scrolls to it; N goes back to the last', () => {
    const bottom = run(initialState(doc, checksFor(doc, 'anthropic'), HEIGHT), 'bottom');
    const problems = bottom.analysis.diagnostics.filter((d) => d.severity !== 'info');
    // The file ends on a stop hook's summary line, past the last message: releases before 2.1.19 lose the
    // conversation there (its parent is a progress line), a warning for 2.1.39.
    const past = problems.filter((d) => d.pos > selectedRow(bottom)!.pos);
    expect(past.map((d) => [d.rule, d.severity])).toEqual([['chain-progress-parent', 'warning']]);
    let s = run(bottom, 'nextProblem');
    expect(s.problem).toBe(past[0]);
    s = run(s, 'nextProblem');
    expect(s.problem).toBe(problems[0]);
    expect(s.status).toBe(`problem 1/${problems.length}: ${problems[0]!.rule} · f: ${problems[0]!.fixes[0]!.label}`);
    expect(selectedRow(s)!.pos).toBe(problems[0]!.pos);
    expect(s.cursor).toBeGreaterThanOrEqual(s.top);
    expect(s.cursor).toBeLessThan(s.top + HEIGHT);
    s = run(s, 'prevProblem');
    expect(s.problem).toBe(problems[problems.length - 1]);
  });

  test('a smaller terminal keeps the cursor visible', () => {
    let s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    s = run(s, 'pageDown');
    s = reduce(s, { type: 'resize', height: 5 });
    expect(s.cursor - s.top).toBe(4);
  });
});

describe('an edit worked out ahead of its key (while the user reads the problem or the question)', () => {
  test('f then takes the prepared document, and ends as a fix worked out on the spot', () => {
    const at = run(initialState(doc, checksFor(doc, 'anthropic'), HEIGHT), 'nextProblem');
    const fix = at.problem!.fixes[0]!;
    const prepared = finish(prepareEdit(at));
    expect(prepared).toBeDefined();
    const fixed = run(at, 'fix');
    expect(fixed.history.present).toBe(prepared);
    const fresh = applyEdits(at.history.present, fix.edits);
    expect(serializeToBuffer(fixed.history.present).equals(serializeToBuffer(fresh))).toBe(true);
    // As the editor analyses every version: the request's size measured against the counts as loaded.
    expect(fixed.analysis.diagnostics).toStrictEqual(analyze(fresh, { target: at.checks.target.clients, budget: at.memo.budgetOptions(fresh) }).diagnostics);
    expect(fixed.status).toBe(`fixed ${at.problem!.rule}: ${fix.label} · u undoes`);
  });

  test('off any problem, the fix of the problem n goes to is prepared', () => {
    const s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    const clean = rowsOf(s).findIndex((r) => !s.analysis.diagnostics.some((d) => d.pos === r.pos && d.severity !== 'info'));
    expect(clean).toBeGreaterThanOrEqual(0);
    const at = { ...s, cursor: clean };
    const prepared = finish(prepareEdit(at));
    expect(prepared).toBeDefined();
    expect(run(at, 'nextProblem', 'fix').history.present).toBe(prepared);
  });

  test('the rewind the question asks about is prepared while it is open: y takes it, n leaves the document as it was', () => {
    const s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    const turn = rowsOf(s).findIndex((r) => r.kind === 'turn' && r.turn === 3);
    const asked = run({ ...s, cursor: turn }, 'rewind');
    expect(asked.overlay.kind).toBe('rewind');
    const prepared = finish(prepareEdit(asked));
    expect(prepared).toBeDefined();
    expect(prepared!.lines.length).toBeLessThan(doc.lines.length);
    const rewound = run(asked, 'yes');
    expect(rewound.history.present).toBe(prepared);
    expect(rewound.status).toBe('rewound: dropped everything after turn #4 · u undoes');
    const fresh = applyEdits(doc, asked.overlay.kind === 'rewind' ? asked.overlay.edits : []);
    expect(serializeToBuffer(rewound.history.present).equals(serializeToBuffer(fresh))).toBe(true);
    expect(run(asked, 'no').history.present).toBe(doc);
  });

  test('nothing is prepared where f would do nothing: an overlay open, a save running, a session with no problems', () => {
    const s = initialState(doc, checksFor(doc, 'anthropic'), HEIGHT);
    expect(finish(prepareEdit({ ...run(s, 'nextProblem'), overlay: { kind: 'help', top: 0 } }))).toBeUndefined();
    expect(finish(prepareEdit({ ...run(s, 'nextProblem'), effect: { kind: 'save' } }))).toBeUndefined();
    const clean = realDoc('compact');
    const c = initialState(clean, checksFor(clean, 'anthropic'), HEIGHT);
    expect(c.analysis.counts).toMatchObject({ error: 0, warning: 0 });
    expect(finish(prepareEdit(c))).toBeUndefined();
  });
});

describe('undo and redo', () => {
  test('say what they undo and redo, go back to versions whose analysis is at hand, and tell unsaved changes', () => {
    const loaded = realDoc('long');
    const start = initialState(loaded, checksFor(loaded, 'anthropic'), HEIGHT);
    const fixed = run(start, 'nextProblem', 'fix');
    const made = fixed.history.label!;
    expect(made).toMatch(/^fixed /);
    expect(isDirty(fixed)).toBe(true);

    // Straight after the edit: the version before it and its analysis, as they were.
    const undone = run(fixed, 'undo');
    expect(undone.status).toBe(`undid: ${made}`);
    expect(undone.history.present).toBe(loaded);
    expect(undone.analysis).toBe(start.analysis);
    expect(isDirty(undone)).toBe(false);
    const redone = run(undone, 'redo');
    expect(redone.status).toBe(`redid: ${made}`);
    expect(redone.history.present).toBe(fixed.history.present);
    expect(redone.analysis).toBe(fixed.analysis);
    expect(isDirty(redone)).toBe(true);

    // A save is the new baseline, and the history starts again from it: nothing to redo after saving an undo.
    const saved = (s: EditorState) => reduce(s, { type: 'saved', doc: s.history.present, status: 'saved' });
    const savedUndone = saved(undone);
    expect(isDirty(savedUndone)).toBe(false);
    expect(run(savedUndone, 'redo').status).toBe('nothing to redo');
    const savedRedone = saved(redone);
    expect(isDirty(savedRedone)).toBe(false);
    expect(run(savedRedone, 'undo').status).toBe('nothing to undo');
    // An edit after the save is unsaved; undoing it is back to the version saved.
    const again = run(savedRedone, 'delete');
    expect(isDirty(again)).toBe(true);
    expect(isDirty(run(again, 'undo'))).toBe(false);
    expect(isDirty(run(again, 'undo', 'redo'))).toBe(true);
  });
});
