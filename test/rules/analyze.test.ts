import { describe, expect, test } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import { analyze } from '../../src/rules/analyze.js';
import { RULES } from '../../src/rules/registry.js';
import { docOf } from '../helpers/fixtures.js';
import { dropLinked, entries, rows } from './helpers.js';

test('the registry holds one rule per shape of DESIGN §4, each tested in this folder', () => {
  expect(RULES.map((r) => r.id)).toEqual([
    'tool-result-missing',
    'tool-result-orphan',
    'tool-result-order',
    'tool-use-duplicate',
    'tool-result-duplicate',
    'tool-id-format',
    'tool-id-batch-entry',
    'tool-input-type',
    'error-result-empty',
    'server-tool-result-orphan',
    'tool-name',
    'tool-reference',
    'text-empty',
    'text-whitespace',
    'message-empty',
    'final-whitespace',
    'cache-control-empty',
    'thinking-order',
    'thinking-empty',
    'thinking-signature',
    'first-role',
    'role-alternation',
    'lone-surrogate',
    'image-too-large',
    'image-dimensions',
    'image-empty',
    'image-media-type',
    'document-invalid',
    'media-count',
    'request-too-large',
    'prompt-too-long',
    'too-many-messages',
    'parse-error',
    'chain-dangling',
    'chain-progress-parent',
    'chain-cycle',
    'uuid-duplicate',
  ]);
});

describe('before the newest compaction', () => {
  // The 2.1.330 /compact session without the Write result (line 36), which came before the boundary (line 77).
  const doc = () => docOf(dropLinked(entries('compact'), 'b147af61'));

  test('a problem is info, without a turn or a fix: it is never sent', () => {
    expect(rows(doc())).toEqual([
      {
        rule: 'tool-result-missing',
        severity: 'info',
        line: 33,
        apiError:
          'messages.3: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01WriteHealth. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
      },
    ]);
    const [d] = analyze(doc()).diagnostics;
    expect(d!.fixes).toEqual([]);
    expect(d!.message).toBe('tool_use toolu_01WriteHealth (Write) has no tool_result in the next message (before the last compaction, not sent)');
  });

  test('fix leaves it alone', () => {
    expect(fixAll(doc(), { warnings: true }).applied).toEqual([]);
  });
});
