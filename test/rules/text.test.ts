import { describe, expect, test } from 'vitest';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { blocksOf, entries, entry, entryAt, errorRow, expectRepair, forClient, rows, textAt } from './helpers.js';

describe('text-empty', () => {
  test('an empty prompt beside attachments (2.1.330): the line goes, the message lives on', () => {
    const lines = entries('parallel');
    entry(lines, '2e5e0adf').message.content = '';
    const doc = docOf(lines);
    const empty = { rule: 'text-empty', line: 3, turn: 1, apiError: 'messages.0.content.0: text content blocks must be non-empty' };
    // 2.1.32+ drop the empty block when they send; 2.1.31 sends it and is rejected.
    expect(rows(doc)).toEqual([{ ...empty, severity: 'warning' }]);
    // 2.1.31 sends the skill listing before the prompt (fixtures/recordings: real-parallel330 by 2.1.31).
    expect(rows(doc, forClient('2.1.31')).filter((r) => r.severity === 'error')).toEqual([
      { ...empty, severity: 'error', apiError: 'messages.0.content.1: text content blocks must be non-empty' },
    ]);
    const res = expectRepair(doc, { applied: ['text-empty@3: remove the block'], changed: [4], removed: [3], added: 0 }, forClient('2.1.31'));
    // The first attachment is now the root of the conversation.
    expect(entryAt(res.doc, 2).parentUuid).toBe(null);
  });

  test('an empty text line inside a split response (2.1.19) is only a warning: Claude Code drops it', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, '30631387'))[0]!.text = '';
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'text-empty', severity: 'warning', line: 4, turn: 2, apiError: 'messages.1.content.1: text content blocks must be non-empty' },
    ]);
    expectRepair(doc, { applied: [], changed: [], removed: [], added: 0 });
    expectRepair(doc, { applied: ['text-empty@4: remove the block'], changed: [5], removed: [4], added: 0 }, { warnings: true });
  });
});

describe('text-whitespace', () => {
  test("a whitespace-only prompt that is its message's only content (2.1.19) becomes a stub", () => {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = ' \n\t';
    const doc = docOf(lines);
    const whitespace = { rule: 'text-whitespace', line: 2, turn: 1, apiError: 'messages.0.content.0: text content blocks must contain non-whitespace text' };
    const firstRole = { rule: 'first-role', line: 3, turn: 1, apiError: 'messages: first message must use the "user" role' };
    // 2.1.19 sends it and is rejected; 2.1.32+ drop it, and then the request opens with the response.
    expect(rows(doc, forClient('2.1.19')).filter((r) => r.rule !== 'tool-result-missing')).toEqual([
      { ...whitespace, severity: 'error' },
      { ...firstRole, severity: 'warning' },
    ]);
    expect(rows(doc)).toEqual([
      { ...whitespace, severity: 'warning' },
      { ...firstRole, severity: 'error' },
    ]);
    const res = expectRepair(doc, { applied: ['text-whitespace@2: replace it with "[empty]"'], changed: [2], removed: [], added: 0 }, forClient('2.1.19'));
    expect(entryAt(res.doc, 1).message).toEqual({ role: 'user', content: '[empty]' });
    // The stub is text every client sends.
    expect(rows(res.doc)).toEqual([]);
  });

  test('the real "\\n\\n" line opening an Opus response (2.1.38) is a warning, and --warnings removes it', () => {
    const doc = realDoc('localCommand');
    // 2.1.32+ drop it; before that it is sent, and it stands before the response's thinking too. Releases
    // before 2.1.19 cut the chain at the progress line the Glob call hangs under: they open on that call.
    expect(rows(doc)).toEqual([
      {
        rule: 'text-whitespace',
        severity: 'warning',
        line: 5,
        turn: 2,
        apiError: 'messages.1.content.0: text content blocks must contain non-whitespace text',
      },
      {
        rule: 'thinking-order',
        severity: 'warning',
        line: 6,
        turn: 2,
        apiError:
          'messages.1.content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found text.',
      },
      { rule: 'chain-progress-parent', severity: 'warning', line: 10 },
      { rule: 'first-role', severity: 'warning', line: 10, turn: 1, apiError: 'messages: first message must use the "user" role' },
    ]);
    expectRepair(
      doc,
      {
        applied: [
          'chain-progress-parent@10: relink to 194d33b0-6cf7-4c54-8200-07dfd3fb88cf, the line above the progress lines (where newer clients hang it)',
          'text-whitespace@5: remove the block',
        ],
        changed: [6, 10],
        removed: [5],
        added: 0,
      },
      { warnings: true },
    );
  });
});

describe('message-empty', () => {
  test('a prompt with an empty content array (2.1.19): the line is removed and its child relinked', () => {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = [];
    const doc = docOf(lines);
    expect(rows(doc, forClient('2.1.19')).filter((r) => r.severity === 'error')).toEqual([
      {
        rule: 'message-empty',
        severity: 'error',
        line: 2,
        turn: 1,
        apiError: 'messages.0: all messages must have non-empty content except for the optional final assistant message',
      },
    ]);
    // With the empty prompt gone what is left opens with the response, which the API refuses too: a prompt stands in.
    const res = expectRepair(
      doc,
      {
        applied: ['message-empty@2: remove the empty line(s)', 'first-role@2: insert a user message "[conversation resumed]" before it'],
        changed: [3],
        removed: [2],
        added: 1,
      },
      forClient('2.1.19'),
    );
    expect(entryAt(res.doc, 1).message).toEqual({ role: 'user', content: '[conversation resumed]' });
  });

  test('an empty final assistant message is allowed', () => {
    const lines = entries('lean');
    entry(lines, 'df54582d').message.content = [];
    expect(rows(docOf(lines))).toEqual([]);
  });
});

describe('cache-control-empty', () => {
  test('a screenshot pasted with no text as the next prompt (2.1.19): its empty text block goes, the image stays', () => {
    const lines = entries('lean');
    const answer = entry(lines, 'df54582d');
    const image = structuredClone(blocksOf(entry(entries('image'), '3bc009e6'))[0]!.content[0]);
    lines.push({
      ...structuredClone(entry(lines, 'aa6ef44a')),
      uuid: 'pppppppp-0000-4000-8000-000000000001',
      parentUuid: answer.uuid,
      timestamp: answer.timestamp,
      message: { role: 'user', content: [image, { type: 'text', text: '' }] },
    });
    const doc = docOf(lines);
    expect(rows(doc).filter((r) => r.rule === 'cache-control-empty')).toEqual([
      { ...errorRow('cache-control-empty', 15, 9, 'messages.8.content.1.text: cache_control cannot be set for empty text blocks'), severity: 'warning' },
    ]);
    const res = expectRepair(doc, { applied: ['cache-control-empty@15: remove the block'], changed: [15], removed: [], added: 0 }, { warnings: true });
    expect(entryAt(res.doc, 14).message.content).toEqual([image]);
  });

  test('the same empty text anywhere but at the end is text-empty', () => {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = [
      { type: 'text', text: '' },
      { type: 'text', text: 'Add a health endpoint' },
    ];
    expect(rows(docOf(lines)).map((r) => r.rule)).toEqual(['text-empty']);
  });
});

describe('final-whitespace', () => {
  test('the last assistant text ends in a newline (2.1.19): a warning, trimmed with --warnings', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'df54582d'))[0]!.text += '\n\n';
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'final-whitespace', severity: 'warning', line: 14, turn: 8, apiError: 'final assistant content cannot end with trailing whitespace' },
    ]);
    const res = expectRepair(doc, { applied: ['final-whitespace@14: trim the trailing whitespace'], changed: [14], removed: [], added: 0 }, { warnings: true });
    expect(textAt(res.doc, 13)).toBe(JSON.stringify(entries('lean')[13]));
  });
});
