import { describe, expect, test } from 'vitest';
import { loadedOverheads, requestBudget } from '../../src/budget/budget.js';
import { blockTokens } from '../../src/budget/estimate.js';
import { KEEP_LAST_MESSAGES, planFit } from '../../src/budget/fit.js';
import { describeBudget } from '../../src/budget/format.js';
import { renderApiMessages } from '../../src/conversation/apiView.js';
import { applyEdits } from '../../src/edit/apply.js';
import { analyze } from '../../src/rules/analyze.js';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { docOf } from '../helpers/fixtures.js';
import { violations } from '../helpers/strictApi.js';
import { at, entries, entryAt, lineChanges } from '../rules/helpers.js';
import { TASK_OUTPUT, hugeLastOutput, hugeTaskOutput, withHugeOutput } from './cases.js';

const hugeMidway = () => docOf(hugeTaskOutput());

/** A document as a fresh load of its saved bytes reads it. */
const reloaded = (doc: Doc) => docFromBuffer(serializeToBuffer(doc), doc.path);

describe('a request three times the context window', () => {
  const doc = hugeMidway();
  const { view } = analyze(doc);
  const budget = requestBudget(doc, view);

  test('is measured from the last count that saw the conversation as it is', () => {
    // Counts recorded after line 294 were of a request without the huge output: no longer trusted.
    expect(budget.window).toEqual({ tokens: 200_000, model: 'claude-sonnet-4-20250514', reason: 'model' });
    expect(budget.anchor).toMatchObject({ pos: 225, count: 18_575 });
    expect(budget.total).toBeGreaterThan(3 * 200_000);
    expect(describeBudget(budget)).toBe('≈ 633,900 tokens (API count 18,575 at line 226, plus an estimate for 13 lines from there)');
  });

  test('fit cuts the one huge output, and the result fits with room to work', () => {
    const plan = planFit(doc, view, { target: 160_000 });
    expect(plan.fits).toBe(true);
    expect(plan.cuts).toHaveLength(1);
    const [cut] = plan.cuts;
    expect(cut).toMatchObject({ kind: 'tool output', pos: 293, block: 0, message: 10, tokens: blockTokens(view.messages[10]!.blocks[0]!.info) });
    expect(cut!.stub).toBe('[ccmend cut this to fit the context window: Task `Implement state management` output, 1,800,000 characters, ≈ 612,000 tokens]');
    expect(cut!.edit).toEqual({ op: 'set', key: 293, path: ['message', 'content', 0, 'content'], value: cut!.stub });

    const fitted = applyEdits(
      doc,
      plan.cuts.map((c) => c.edit),
    );
    // Only the cut line changed; everything else is byte for byte what it was.
    expect(lineChanges(doc, fitted)).toEqual({ changed: [294], removed: [], added: 0 });
    const line = entryAt(fitted, 293);
    const original = entryAt(doc, 293);
    original.message.content[0].content = cut!.stub;
    expect(line).toEqual(original);

    // In the session that cut it, and after saving and loading again, the request fits the target.
    const after = analyze(fitted);
    const inSession = requestBudget(fitted, after.view, { loaded: loadedOverheads(doc, view) });
    expect(inSession.total).toBe(plan.after);
    expect(inSession.total).toBeLessThanOrEqual(160_000);
    const fresh = reloaded(fitted);
    const freshBudget = requestBudget(fresh, analyze(fresh).view);
    expect(freshBudget.total).toBeLessThanOrEqual(160_000);
    // Reloaded, every count describes the conversation again: the newest anchors the total.
    expect(freshBudget.anchor).toMatchObject({ pos: 437, count: 21_552 });
    expect(analyze(fresh).counts).toEqual({ error: 0, warning: 0, info: 0 });
    expect(violations(renderApiMessages(fresh, analyze(fresh).view) as Record<string, unknown>[])).toEqual([]);
  });

  test('fit takes the largest outputs first: the fewest cuts', () => {
    // Task outputs of about 100k (line 37), 300k (line 294) and 200k tokens (line 430): the two largest bring it
    // under 160k; the oldest first would take all three.
    const lines = withHugeOutput(withHugeOutput(withHugeOutput(entries('old'), '418df566', 295_000), TASK_OUTPUT, 880_000), '8d240c5f', 590_000);
    const big = docOf(lines);
    const plan = planFit(big, analyze(big).view, { target: 160_000 });
    expect(plan.fits).toBe(true);
    expect(plan.cuts.map((c) => c.pos + 1)).toEqual([294, 430]);
    expect(plan.after).toBeLessThanOrEqual(160_000);
  });

  test('never cuts in the last messages: an output there is cut only when asked to keep fewer', () => {
    // The same output, now the last tool result of the session (turn 17 of 18).
    const { lines, last } = hugeLastOutput();
    const late = docOf(lines);
    const v = analyze(late).view;
    const kept = planFit(late, v, { target: 160_000 });
    expect(kept.fits).toBe(false);
    expect(kept.cuts.every((c) => c.message < v.messages.length - KEEP_LAST_MESSAGES)).toBe(true);
    expect(kept.after).toBeGreaterThan(600_000);
    const allowed = planFit(late, v, { target: 160_000, keepLast: 1 });
    expect(allowed.fits).toBe(true);
    expect(allowed.cuts.map((c) => c.pos)).toEqual([at(lines, last.uuid)]);
  });
});
