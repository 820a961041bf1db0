import { describe, expect, test } from 'vitest';
import { docOf } from '../helpers/fixtures.js';
import { dropLinked, entries, entry, entryAt, expectRepair, rows } from './helpers.js';

const FIRST_ROLE = 'messages: first message must use the "user" role';
const ALTERNATE = 'messages: roles must alternate between "user" and "assistant"';

describe('first-role', () => {
  // The 2.1.19 session without its prompt: it opens with the assistant's response.
  const doc = () => docOf(dropLinked(entries('lean'), 'aa6ef44a'));

  test('an error for the Anthropic API too, fixed the same way', () => {
    expect(rows(doc())).toEqual([{ rule: 'first-role', severity: 'error', line: 2, turn: 1, apiError: FIRST_ROLE }]);
    expectRepair(doc(), { applied: ['first-role@2: insert a user message "[conversation resumed]" before it'], changed: [2], removed: [], added: 1 });
  });

  test('an error for Bedrock: a "[conversation resumed]" prompt is inserted and adopts the response', () => {
    expect(rows(doc(), { provider: 'bedrock' })).toEqual([{ rule: 'first-role', severity: 'error', line: 2, turn: 1, apiError: FIRST_ROLE }]);
    const res = expectRepair(
      doc(),
      { applied: ['first-role@2: insert a user message "[conversation resumed]" before it'], changed: [2], removed: [], added: 1 },
      { provider: 'bedrock' },
    );
    const [prompt, response] = [entryAt(res.doc, 1), entryAt(res.doc, 2)];
    expect(prompt).toMatchObject({
      parentUuid: null,
      type: 'user',
      message: { role: 'user', content: '[conversation resumed]' },
      sessionId: 'd0ea885a-0f80-4843-82bb-f06c71bdbf28',
    });
    expect(response.parentUuid).toBe(prompt.uuid);
  });

  test('an error for Vertex too, also when the assistant is the very first line of the file (1.0.98)', () => {
    const lines = dropLinked(entries('oldLinear'), 'e2ab9812', 'd78d1de2');
    expect(rows(docOf(lines), { provider: 'vertex' })).toEqual([{ rule: 'first-role', severity: 'error', line: 1, turn: 1, apiError: FIRST_ROLE }]);
    const res = expectRepair(
      docOf(lines),
      { applied: ['first-role@1: insert a user message "[conversation resumed]" before it'], changed: [1], removed: [], added: 1 },
      { provider: 'vertex' },
    );
    expect(entryAt(res.doc, 0).message).toEqual({ role: 'user', content: '[conversation resumed]' });
  });
});

describe('role-alternation', () => {
  // The fork fixture without the prompt between its last two answers. 2.1.160+ send the messages its compaction
  // kept (listed in preservedMessages) after the summary (fixtures/recordings: fork-s2-uuid-session), so the two
  // answers are turns 4 and 5.
  const doc = () => docOf(dropLinked(entries('fork'), 'p1u'));

  test('a warning for the Anthropic API, which merges consecutive turns', () => {
    expect(rows(doc())).toEqual([{ rule: 'role-alternation', severity: 'warning', line: 11, turn: 5, apiError: ALTERNATE }]);
  });

  test('an error for Bedrock: the second response joins the first', () => {
    expect(rows(doc(), { provider: 'bedrock' })).toEqual([{ rule: 'role-alternation', severity: 'error', line: 11, turn: 5, apiError: ALTERNATE }]);
    const res = expectRepair(
      doc(),
      { applied: ['role-alternation@11: merge it into the previous response'], changed: [11], removed: [], added: 0 },
      { provider: 'bedrock' },
    );
    expect(entryAt(res.doc, 10).message.id).toBe(entry(entries('fork'), 'b2a2').message.id);
    expect(res.analysis.view.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});
