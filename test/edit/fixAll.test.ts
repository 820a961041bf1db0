import { describe, expect, test } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import { isDirty, push, redo, startHistory, undo } from '../../src/edit/history.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { blocksOf, entries, entry, entryAt, expectRepair } from '../rules/helpers.js';

describe('fixAll', () => {
  test.each(['compact', 'parallel', 'image', 'lean', 'localCommand', 'queue', 'old', 'oldLinear', 'fork'] as const)(
    '%s: a file with no errors comes back untouched',
    (name) => {
      const doc = realDoc(name);
      const res = fixAll(doc);
      expect(res.applied).toEqual([]);
      expect(res.doc).toBe(doc);
    },
  );

  test('two problems on one line are fixed in two rounds, and both are reported', () => {
    const lines = entries('lean');
    const result = blocksOf(entry(lines, 'b89f34a5'))[0]!;
    result.content = '';
    entry(lines, 'b89f34a5').toolUseResult = 'Error: \ud800';
    const res = expectRepair(docOf(lines), {
      // A line-level diagnostic sorts before a block-level one on the same line.
      applied: ['lone-surrogate@11: replace each unpaired surrogate with U+FFFD', 'error-result-empty@11: set its content to "[tool failed without output]"'],
      changed: [11],
      removed: [],
      added: 0,
    });
    expect(entryAt(res.doc, 10).toolUseResult).toBe('Error: \ufffd');
  });

  test('maxRounds bounds the work', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'b89f34a5'))[0]!.content = '';
    entry(lines, 'b89f34a5').toolUseResult = 'Error: \ud800';
    const res = fixAll(docOf(lines), { maxRounds: 1 });
    expect(res.applied.map((a) => a.rule)).toEqual(['lone-surrogate']);
    expect(res.analysis.counts.error).toBe(1);
  });
});

describe('history', () => {
  test('undo and redo walk a stack of documents; a new edit drops the redo branch', () => {
    const a = realDoc('lean');
    const b = docOf(entries('lean').slice(0, 8));
    const c = docOf(entries('lean').slice(0, 5));
    let h = push(startHistory(a), b);
    expect(isDirty(h)).toBe(true);
    h = undo(h);
    expect(h.present).toBe(a);
    expect(isDirty(h)).toBe(false);
    h = redo(h);
    expect(h.present).toBe(b);
    h = push(undo(h), c);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
    expect(undo(undo(h)).present).toBe(a);
    expect(serializeToBuffer(h.present).equals(serializeToBuffer(c))).toBe(true);
  });
});
