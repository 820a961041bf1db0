import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type History, type Version, isDirty, push, redo, startHistory, undo } from '../../src/edit/history.js';
import { spliced } from '../../src/edit/lineDiff.js';
import type { Doc, Line } from '../../src/transcript/document.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { OPS, type Step, applyStep, step, stepOf } from '../helpers/editSteps.js';
import { type RealName, realDoc } from '../helpers/fixtures.js';

/*
 * The history keeps the present document whole and every other version as the
 * splices that lead to it. Against the history it replaced (a stack of whole
 * documents, below), any sequence of edits, undos, redos and saves on real
 * sessions gives the same versions: the very same Line objects in the same
 * order (so the same bytes), the same labels, the same dirty state, and every
 * kept version rebuilt from its splices is the whole copy's too.
 */

const SEED = Number(process.env.CCMEND_FC_SEED ?? 20261122);
const SCALE = Number(process.env.CCMEND_FC_SCALE ?? 1);

/** The history before this one: every version a whole document. */
interface Whole {
  past: { doc: Doc; label?: string }[];
  present: { doc: Doc; label?: string };
  future: { doc: Doc; label?: string }[];
  saved: Doc;
}
const wholeStart = (doc: Doc): Whole => ({ past: [], present: { doc }, future: [], saved: doc });
const wholePush = (w: Whole, doc: Doc, label: string): Whole => ({ ...w, past: [...w.past, w.present], present: { doc, label }, future: [] });
const wholeUndo = (w: Whole): Whole =>
  w.past.length ? { ...w, past: w.past.slice(0, -1), present: w.past[w.past.length - 1]!, future: [w.present, ...w.future] } : w;
const wholeRedo = (w: Whole): Whole => (w.future.length ? { ...w, past: [...w.past, w.present], present: w.future[0]!, future: w.future.slice(1) } : w);

type Action = { kind: 'edit'; step: Step } | { kind: 'undo' } | { kind: 'redo' } | { kind: 'save' };
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: step.map((s) => ({ kind: 'edit' as const, step: s })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'undo' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'redo' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'save' as const }) },
);

const NAMES: RealName[] = ['long', 'compact', 'fork', 'old', 'queue', 'localCommand'];
const loaded = new Map(NAMES.map((n) => [n, realDoc(n)]));

/** Same lines (the same objects, in order) and the same rest of the document. */
function expectSameVersion(lines: readonly Line[], rest: Omit<Doc, 'lines'>, whole: Doc): void {
  expect(lines.length).toBe(whole.lines.length);
  expect(lines.every((l, i) => l === whole.lines[i])).toBe(true);
  expect(rest.nextKey).toBe(whole.nextKey);
  expect(rest.source).toBe(whole.source);
  expect(rest.path).toBe(whole.path);
}

/** Rebuilds each kept version from the present through the splices, as if nothing else kept its document. */
function expectKeptVersions(present: Doc, versions: readonly Version[], wholes: readonly { doc: Doc; label?: string }[]): void {
  let lines = present.lines;
  versions.forEach((v, i) => {
    lines = spliced(lines, v.splices);
    expectSameVersion(lines, v.rest, wholes[i]!.doc);
    expect(v.label).toBe(wholes[i]!.label);
  });
}

function expectSame(h: History, w: Whole): void {
  expectSameVersion(h.present.lines, h.present, w.present.doc);
  expect(serializeToBuffer(h.present).equals(serializeToBuffer(w.present.doc))).toBe(true);
  expect(h.label).toBe(w.present.label);
  expect(isDirty(h)).toBe(w.present.doc !== w.saved);
  expect(h.past.length).toBe(w.past.length);
  expect(h.future.length).toBe(w.future.length);
  expectKeptVersions(h.present, [...h.past].reverse(), [...w.past].reverse());
  expectKeptVersions(h.present, h.future, w.future);
}

interface Counts {
  edits: number;
  undos: number;
  redos: number;
  /** Undos back to the version saved. */
  cleanAgain: number;
}

/** Runs `actions` on both histories from `doc`, calling `check` after each one that did something. */
function replay(doc: Doc, actions: readonly Action[], counts: Counts, check: (h: History, w: Whole) => void): { h: History; w: Whole } {
  let h = startHistory(doc);
  let w = wholeStart(doc);
  actions.forEach((a, i) => {
    if (a.kind === 'undo') {
      if (w.past.length) counts.undos++;
      if (w.past.length === 1) counts.cleanAgain++;
      h = undo(h);
      w = wholeUndo(w);
    } else if (a.kind === 'redo') {
      if (w.future.length) counts.redos++;
      h = redo(h);
      w = wholeRedo(w);
    } else if (a.kind === 'save') {
      // The editor's history starts again at the document saved (see the 'saved' action).
      h = startHistory(h.present);
      w = wholeStart(w.present.doc);
    } else {
      const next = applyStep(h.present, a.step, i);
      if (!next) return;
      counts.edits++;
      h = push(h, next, `edit ${i}`);
      w = wholePush(w, next, `edit ${i}`);
    }
    check(h, w);
  });
  return { h, w };
}

/** Line references the history holds besides its present document's lines: what it costs beyond one document. */
function retainedLines(h: History): number {
  let count = 0;
  const seen = new Set<object>([h.present.lines]);
  const walk = (v: unknown): void => {
    // Buffers are the file's bytes, shared by every version; a WeakRef holds nothing.
    if (!v || typeof v !== 'object' || ArrayBuffer.isView(v)) return;
    if ('key' in v && 'info' in v && 'eol' in v) {
      count++;
      return;
    }
    if (seen.has(v)) return;
    seen.add(v);
    for (const x of Object.values(v)) walk(x);
  };
  walk(h);
  return count;
}

/** The lines of either version not in the other. */
function changedBetween(a: readonly Line[], b: readonly Line[]): number {
  const inA = new Set(a);
  const inB = new Set(b);
  return a.filter((l) => !inB.has(l)).length + b.filter((l) => !inA.has(l)).length;
}

describe('the history of splices against the history of whole documents', () => {
  test('edits, undos, redos and saves on real sessions give the same versions, labels and dirty state', () => {
    const counts: Counts = { edits: 0, undos: 0, redos: 0, cleanAgain: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...NAMES), fc.array(action, { minLength: 5, maxLength: 30 }), (name, actions) => {
        replay(loaded.get(name)!, actions, counts, expectSame);
      }),
      { numRuns: Math.ceil(200 * SCALE), seed: SEED },
    );
    // The runs go back and forth over real edits, back to the version saved and forth again.
    expect(counts.edits).toBeGreaterThan(800);
    expect(counts.undos).toBeGreaterThan(300);
    expect(counts.redos).toBeGreaterThan(50);
    expect(counts.cleanAgain).toBeGreaterThan(50);
  });

  test('what the history keeps besides the present is the lines the edits changed, no more', () => {
    // A swap moves a line out of order, which the splices count as removed and inserted: every other edit keeps lines in order.
    const inOrder = stepOf(OPS.filter((op) => op !== 'swap-lines')).map((s) => ({ kind: 'edit' as const, step: s }));
    const actions = fc.array(fc.oneof({ weight: 3, arbitrary: inOrder }, fc.constant({ kind: 'undo' as const }), fc.constant({ kind: 'redo' as const })), {
      minLength: 10,
      maxLength: 40,
    });
    const counts: Counts = { edits: 0, undos: 0, redos: 0, cleanAgain: 0 };
    let kept = 0;
    let whole = 0;
    fc.assert(
      fc.property(fc.constantFrom(...NAMES), actions, (name, list) => {
        const { h, w } = replay(loaded.get(name)!, list, counts, () => {});
        const versions = [...w.past, w.present, ...w.future].map((v) => v.doc.lines);
        let changed = 0;
        for (let i = 1; i < versions.length; i++) changed += changedBetween(versions[i - 1]!, versions[i]!);
        expect(retainedLines(h)).toBe(changed);
        kept += changed;
        whole += versions.length * w.present.doc.lines.length;
      }),
      { numRuns: Math.ceil(100 * SCALE), seed: SEED },
    );
    expect(counts.edits).toBeGreaterThan(500);
    // Whole copies keep every line of every version (a rewind or a fix changes many lines at once, most edits one or two).
    expect(kept * 20).toBeLessThan(whole);
  });
});
