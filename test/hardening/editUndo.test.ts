import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EditError, applyEdits } from '../../src/edit/apply.js';
import { type History, push, redo, startHistory, undo } from '../../src/edit/history.js';
import { analyze } from '../../src/rules/analyze.js';
import { columnsOf } from '../../src/transcript/columns.js';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { editsFor, step } from '../helpers/editSteps.js';
import { SMALL_FIXTURES, bytesOf, caseOf } from './damage.js';

/*
 * Random sequences of the edits an editor key maps to (every Edit op, plus
 * "apply a fix" of a random diagnostic), each pushed on the undo history as
 * the editor does, then undone one by one: every state comes back byte for
 * byte, and the loaded document is never mutated (it is deep-frozen here, so
 * a write to it throws). The per-line columns each result carries are checked
 * against columns read afresh from its lines.
 */

const SEED = Number(process.env.CCMEND_FC_SEED ?? 20261122);
const SCALE = Number(process.env.CCMEND_FC_SCALE ?? 1);

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v) && !Buffer.isBuffer(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

describe('random edits, then undo of all of them', () => {
  test('restore the loaded document byte for byte; every state in between comes back too', () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(caseOf(SMALL_FIXTURES), fc.array(step, { minLength: 1, maxLength: 12 }), (c, steps) => {
        const original = bytesOf(c);
        const doc = docFromBuffer(original);
        deepFreeze(doc.lines);
        let h: History = startHistory(doc);
        const states: Buffer[] = [original];
        steps.forEach((s, i) => {
          const edits = editsFor(h.present, s, i);
          if (!edits.length) return;
          let next: Doc;
          try {
            next = applyEdits(h.present, edits);
          } catch (e) {
            // The editor shows an EditError as "cannot: …"; anything else would crash it.
            if (!(e instanceof EditError)) throw e;
            refused++;
            return;
          }
          applied++;
          // The columns an edit carries over from its document are those of its lines, read afresh.
          expect(columnsOf(next.lines)).toEqual(columnsOf([...next.lines]));
          const a = analyze(next);
          expect(a.diagnostics.every((d) => d.pos >= 0 && d.pos < next.lines.length)).toBe(true);
          h = push(h, next);
          states.push(serializeToBuffer(next));
        });
        expect(h.past.length).toBe(states.length - 1);
        for (let i = states.length - 1; i >= 0; i--) {
          expect(serializeToBuffer(h.present).equals(states[i]!)).toBe(true);
          h = undo(h);
        }
        expect(h.present).toBe(doc);
        expect(serializeToBuffer(h.present).equals(original)).toBe(true);
        for (let i = 1; i < states.length; i++) {
          h = redo(h);
          expect(serializeToBuffer(h.present).equals(states[i]!)).toBe(true);
        }
      }),
      { numRuns: Math.ceil(150 * SCALE), seed: SEED },
    );
    // The runs exercise real edits, not only refusals.
    expect(applied).toBeGreaterThan(refused);
  });
});
