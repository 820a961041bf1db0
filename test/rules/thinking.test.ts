import { describe, expect, test } from 'vitest';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { blocksOf, entries, entry, type Entry, entryAt, expectRepair, rows, swapWithNext } from './helpers.js';

/** The 2.1.330 parallel fixture: line 19 is the response's thinking, line 20 its text. */
const parallel = () => entries('parallel');
const thinkingOf = (lines: Entry[]) => blocksOf(entry(lines, '9f86cf6b'))[0]!;

describe('thinking-order', () => {
  test('the thinking line written after the text line (2.1.330): the thinking moves back to the front', () => {
    const lines = parallel();
    const text = entry(lines, '4b7eae47');
    swapWithNext(lines, '9f86cf6b', '098eb2e4');
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      {
        rule: 'thinking-order',
        severity: 'error',
        line: 20,
        turn: 2,
        apiError:
          'messages.1.content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found text.',
      },
    ]);
    const res = expectRepair(doc, {
      applied: ['thinking-order@20: move the thinking block(s) to the start of the response'],
      changed: [19, 21],
      removed: [20],
      added: 0,
    });
    expect(blocksOf(entryAt(res.doc, 18)).map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(entryAt(res.doc, 19).parentUuid).toBe(text.uuid);
  });
});

describe('thinking-empty', () => {
  test('an empty thinking block with no signature (2.1.330) is removed', () => {
    const lines = parallel();
    thinkingOf(lines).thinking = '';
    delete thinkingOf(lines).signature;
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'thinking-empty', severity: 'error', line: 19, turn: 2, apiError: 'messages.1.content.0.thinking: each thinking block must contain thinking' },
    ]);
    expectRepair(doc, { applied: ['thinking-empty@19: remove the thinking block'], changed: [20], removed: [19], added: 0 });
  });

  test('an empty but signed thinking block is what display "omitted" returns: not a problem', () => {
    const lines = parallel();
    thinkingOf(lines).thinking = '';
    expect(rows(docOf(lines))).toEqual([]);
  });
});

describe('thinking-signature', () => {
  test('a thinking block whose signature field is gone (2.1.330)', () => {
    const lines = parallel();
    delete thinkingOf(lines).signature;
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'thinking-signature', severity: 'error', line: 19, turn: 2, apiError: 'messages.1.content.0.thinking.signature: Field required' },
    ]);
    expectRepair(doc, {
      applied: ['thinking-signature@19: remove the thinking block (its text is not resent anyway)'],
      changed: [20],
      removed: [19],
      added: 0,
    });
  });

  test('an empty signature string (2.1.330)', () => {
    const lines = parallel();
    thinkingOf(lines).signature = '';
    expect(rows(docOf(lines))).toEqual([
      { rule: 'thinking-signature', severity: 'error', line: 19, turn: 2, apiError: 'messages.1.content.0: Invalid `signature` in `thinking` block' },
    ]);
  });

  test('the redacted signatures of the real 2.1.39 session: exactly its six errors, all fixed', () => {
    const doc = realDoc('long');
    const errors = rows(doc).filter((r) => r.severity === 'error');
    expect(errors).toEqual(
      // Three of these responses open with a "\n\n" text line (760, 1248, 1376) that Claude Code drops
      // when sending, so the thinking is still content.0 to the API.
      [
        [761, 2],
        [810, 12],
        [1249, 104],
        [1254, 106],
        [1264, 108],
        [1377, 130],
      ].map(([line, turn]) => ({
        rule: 'thinking-signature',
        severity: 'error',
        line,
        turn,
        apiError: `messages.${turn! - 1}.content.0: Invalid \`signature\` in \`thinking\` block`,
      })),
    );
    expectRepair(doc, {
      applied: errors.map((e) => `thinking-signature@${e.line}: remove the thinking block (its text is not resent anyway)`),
      changed: [762, 811, 1250, 1255, 1265, 1378],
      removed: [761, 810, 1249, 1254, 1264, 1377],
      added: 0,
    });
  });
});
