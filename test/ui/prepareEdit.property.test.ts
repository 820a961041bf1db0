import fc from 'fast-check';
import { checksFor } from '../../src/ui/memo.js';
import { describe, expect, test } from 'vitest';
import { applyEdits } from '../../src/edit/apply.js';
import { finish } from '../../src/conversation/steps.js';
import { analyze } from '../../src/rules/analyze.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import type { Doc } from '../../src/transcript/document.js';
import type { Command } from '../../src/ui/keyTable.js';
import { type EditorState, initialState, prepareEdit, problemAtCursor, reduce } from '../../src/ui/state.js';
import { bytesOf, caseOf, SMALL_FIXTURES } from '../hardening/damage.js';
import { EDITOR_COMMANDS } from '../helpers/editorCommands.js';
import { realDoc } from '../helpers/fixtures.js';

/*
 * An edit prepared ahead of its key is memoised work: whatever the user did
 * before (moves, edits, undo, redo, fixes of other problems, rewinds,
 * preparations never used), f must give exactly what the fix's edits make of
 * the document, and y at the rewind question what the rewind makes of it.
 */

// One step in five opens the rewind question: some dozens of rewinds are confirmed in a run.
const command = fc.oneof({ arbitrary: fc.constantFrom(...EDITOR_COMMANDS), weight: 4 }, { arbitrary: fc.constant<Command>('rewind'), weight: 1 });
// A preparation left half done (a key came) is resumed by whoever asks next, or stopped (a negative count: the editor's
// next state dropped it).
const prepare = fc.oneof(fc.constant<Preparation>('none'), fc.constant<Preparation>('all'), fc.integer({ min: -3, max: 3 }));
const step = fc.record({ command, prepare, confirm: fc.boolean() });
type Preparation = 'none' | 'all' | number;
type Step = { command: Command; prepare: Preparation; confirm: boolean };

/** Prepares the edit of the next key, to its end or for that many steps; the document when it ended. */
function prepared(s: EditorState, how: Preparation): Doc | undefined {
  if (how === 'none') return undefined;
  if (how === 'all') return finish(prepareEdit(s));
  const steps = prepareEdit(s);
  for (let i = 0; i < Math.abs(how); i++) {
    const step = steps.next();
    if (step.done) return step.value;
  }
  if (how < 0) steps.return(undefined);
  return undefined;
}

/** How many rewinds `answered` confirmed and checked. */
let rewinds = 0;

/** Answers the question a command opened: y at the rewind question when `confirm` (checked against the rewind made afresh), else escape. */
function answered(s: EditorState, { prepare, confirm }: Step): EditorState {
  if (s.overlay.kind !== 'rewind' || !confirm) return reduce(s, { type: 'key', press: { name: 'escape' } });
  const fresh = applyEdits(s.history.present, s.overlay.edits);
  const made = prepared(s, prepare);
  const after = reduce(s, { type: 'key', press: { name: 'y' } });
  if (made) expect(after.history.present).toBe(made);
  rewinds++;
  expect(serializeToBuffer(after.history.present).equals(serializeToBuffer(fresh))).toBe(true);
  return after;
}

/** Runs the steps, then n, then checks f there; false when there was no fix to check. */
function check(start: EditorState, steps: Step[]): boolean {
  let s = start;
  for (const st of [...steps, { command: 'nextProblem' as const, prepare: 'none' as const, confirm: false }]) {
    prepared(s, st.prepare);
    s = reduce(s, { type: 'command', command: st.command });
    if (s.overlay.kind !== 'none') s = answered(s, st);
  }
  const fix = problemAtCursor(s)?.fixes[0];
  if (!fix) return false;
  let fresh: Doc;
  try {
    fresh = applyEdits(s.history.present, fix.edits);
  } catch {
    return false; // f says why it cannot; nothing was prepared either
  }
  const made = finish(prepareEdit(s));
  const after = reduce(s, { type: 'command', command: 'fix' });
  expect(after.history.present).toBe(made);
  expect(serializeToBuffer(after.history.present).equals(serializeToBuffer(fresh))).toBe(true);
  expect(after.analysis.diagnostics).toStrictEqual(analyze(fresh, { target: s.checks.target.clients, budget: s.memo.budgetOptions(fresh) }).diagnostics);
  return true;
}

describe('prepared edits never change what f or y does', () => {
  test('random commands and preparations on the real 2.1.39 session', () => {
    rewinds = 0;
    const start = initialState(realDoc('long'), checksFor(realDoc('long'), 'anthropic'), 20);
    let checked = 0;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        if (check(start, steps)) checked++;
      }),
      { numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(20);
    expect(rewinds).toBeGreaterThan(0);
  });

  test('random commands and preparations on randomly damaged real sessions', () => {
    let checked = 0;
    fc.assert(
      fc.property(caseOf(SMALL_FIXTURES), fc.array(step, { maxLength: 10 }), (c, steps) => {
        if (check(initialState(docFromBuffer(bytesOf(c)), checksFor(docFromBuffer(bytesOf(c)), 'anthropic'), 20), steps)) checked++;
      }),
      { numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(15);
  });
});
