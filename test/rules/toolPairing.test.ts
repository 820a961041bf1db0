import { describe, expect, test } from 'vitest';
import { asWritten, GENERATIONS, NEWEST } from '../../src/conversation/clients.js';
import { buildApiView, renderApiMessages } from '../../src/conversation/apiView.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { type AnalyzeOptions, analyze } from '../../src/rules/analyze.js';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { caseNamed, caseText } from '../../scripts/record/cases.mjs';
import { docOf, realBytes } from '../helpers/fixtures.js';
import { at, blocksOf, dropLinked, entries, type Entry, entry, entryAt, expectRepair, forClient, rows, textAt } from './helpers.js';

const MISSING = (m: number, ids: string) =>
  `messages.${m}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;

/** A copy of `e` under a new uuid (and the same everything else). */
const copyOf = (e: Entry, uuid: string, parentUuid: string): Entry => ({ ...structuredClone(e), uuid, parentUuid });

/** The original bytes of a fixture line (1-based), for checking that a repair restored it. */
const originalLine = (name: Parameters<typeof realBytes>[0], n: number) => realBytes(name).toString('utf8').split('\n')[n - 1];

describe('tool-result-missing', () => {
  test('one of two parallel results lost (2.1.330): reported at the tool_use, fixed by a "[tool result lost]" result', () => {
    // Line 26 holds toolu_01BBB's result; its child (an attachment) now hangs off the tool_use line.
    const doc = docOf(dropLinked(entries('parallel'), 'e132e620'));
    // Every client drops the unanswered call when it sends: the request goes through, the call is silently gone.
    expect(rows(doc)).toEqual([{ rule: 'tool-result-missing', severity: 'warning', line: 22, turn: 2, apiError: MISSING(1, 'toolu_01BBB') }]);
    // 2.1.19 sends only the chain: AAA's result (line 25) is on a side branch, so AAA's call goes too; it
    // sends no token reminder (line 28), so the response and the answer after it are two assistant messages
    // in a row (fixtures/recordings: parallel-result-missing by 2.1.19).
    expect(rows(doc, forClient('2.1.19'))).toEqual([
      { rule: 'tool-result-missing', severity: 'warning', line: 21, turn: 2, apiError: MISSING(1, 'toolu_01AAA') },
      { rule: 'tool-result-missing', severity: 'warning', line: 22, turn: 2, apiError: MISSING(1, 'toolu_01BBB') },
      { rule: 'role-alternation', severity: 'warning', line: 30, turn: 3, apiError: 'messages: roles must alternate between "user" and "assistant"' },
    ]);
    expect(analyze(doc, forClient('2.1.19')).diagnostics[0]!.fixes.map((f) => f.label)).toEqual(['put its tool_result (line 25) on the chain, after line 22']);
    expect(analyze(doc).diagnostics[0]!.message).toBe(
      'tool_use toolu_01BBB (Bash) has no tool_result in the next message (Claude Code drops a tool_use that has no tool_result in the next message)',
    );

    const res = expectRepair(
      doc,
      {
        applied: ['tool-result-missing@22: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB'],
        changed: [],
        removed: [],
        added: 1,
      },
      { warnings: true },
    );
    const inserted = entryAt(res.doc, 22);
    expect(inserted).toMatchObject({
      parentUuid: entry(entries('parallel'), '76c0eca2').uuid,
      isSidechain: false,
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01BBB', content: '[tool result lost]', is_error: true }] },
      sessionId: 'a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1',
      version: '2.1.330',
    });
    const messages = renderApiMessages(res.doc, res.analysis.view) as { role: string; content: Entry[] }[];
    expect(messages[2]!.content.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id)).toEqual(['toolu_01BBB', 'toolu_01AAA']);
  });

  test('a session that died mid-tool-call (2.1.19): the last message is a tool_use with nothing after it', () => {
    const doc = docOf(entries('lean').slice(0, 10));
    expect(rows(doc)).toEqual([{ rule: 'tool-result-missing', severity: 'warning', line: 10, turn: 4, apiError: MISSING(3, 'toolu_01WriteHealth') }]);
    expect(analyze(doc).diagnostics[0]!.message).toBe(
      'tool_use toolu_01WriteHealth (Write) has no tool_result in the next message (Claude Code before 2.1.269 drops a tool_use that has no tool_result in the next message; 2.1.269+ answers a tool_use left unanswered at the very end with an is_error result saying the call was interrupted)',
    );
    expectRepair(
      doc,
      {
        applied: ['tool-result-missing@10: insert a tool_result "[tool result lost]" (is_error) for toolu_01WriteHealth'],
        changed: [],
        removed: [],
        added: 1,
      },
      { warnings: true },
    );
  });

  test('a result that lost its tool_use_id is re-attached rather than replaced', () => {
    const lines = entries('lean');
    delete blocksOf(entry(lines, 'b89f34a5'))[0]!.tool_use_id;
    const doc = docOf(lines);
    // 2.1.19 sends the result without an id and is rejected; 2.1.21+ drop it (and the call with it).
    expect(rows(doc, forClient('2.1.19'))).toEqual([
      { rule: 'tool-result-missing', severity: 'warning', line: 5, turn: 2, apiError: MISSING(1, 'toolu_01ReadReadme') },
      { rule: 'tool-result-missing', severity: 'warning', line: 10, turn: 4, apiError: MISSING(3, 'toolu_01WriteHealth') },
      { rule: 'tool-result-orphan', severity: 'error', line: 11, turn: 5, apiError: 'messages.4.content.0.tool_result.tool_use_id: Field required' },
    ]);
    const res = expectRepair(
      doc,
      {
        applied: [
          'tool-result-missing@5: put its tool_result (line 7) on the chain, after line 6',
          'tool-result-missing@10: attach the tool_result without an id (line 11) to toolu_01WriteHealth',
        ],
        changed: [7, 8, 11],
        removed: [],
        added: 0,
      },
      { ...forClient('2.1.19'), warnings: true },
    );
    expect(blocksOf(entryAt(res.doc, 10))[0]!.tool_use_id).toBe('toolu_01WriteHealth');
  });
});

describe('tool-result-orphan', () => {
  test('a response split in two (its last line under another message.id) is still one turn to the API: no orphan, no lost result', () => {
    // 2.1.330 parallel calls, with the BBB tool_use line under a message id of its own and both results hanging off it.
    const lines = entries('parallel');
    const bbb = entry(lines, '76c0eca2');
    bbb.message.id = 'msg_split_by_a_lost_id';
    entry(lines, 'e8486ca7').parentUuid = bbb.uuid;
    const doc = docOf(lines);
    const view = buildApiView(doc, buildGraph(doc), asWritten(NEWEST));
    expect(view.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'assistant', 'user', 'assistant']);
    expect(rows(doc)).toEqual([
      { rule: 'role-alternation', severity: 'warning', line: 22, turn: 3, apiError: 'messages: roles must alternate between "user" and "assistant"' },
    ]);
    expect(rows(doc, { provider: 'bedrock' })).toEqual([
      { rule: 'role-alternation', severity: 'error', line: 22, turn: 3, apiError: 'messages: roles must alternate between "user" and "assistant"' },
    ]);
  });

  test('the tool_use line of a parallel call lost (2.1.330): its result is removed and the chain relinked', () => {
    const doc = docOf(dropLinked(entries('parallel'), '76c0eca2'));
    const orphan = (severity: 'error' | 'warning') => ({
      rule: 'tool-result-orphan',
      severity,
      line: 25,
      turn: 3,
      apiError:
        'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01BBB. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    });
    // 2.1.21+ remove the orphan when they send; 2.1.20 and older send it and are rejected.
    expect(rows(doc)).toEqual([orphan('warning')]);
    expect(analyze(doc).diagnostics[0]!.message).toBe(
      'tool_result for toolu_01BBB has no matching tool_use in the previous message (Claude Code before 2.1.21 sends this and the API rejects it; 2.1.21+ removes a tool_result whose tool_use is not in the previous message)',
    );
    expect(rows(doc, forClient('2.1.19'))).toEqual([
      { rule: 'tool-result-missing', severity: 'warning', line: 21, turn: 2, apiError: MISSING(1, 'toolu_01AAA') },
      orphan('error'),
    ]);
    const res = expectRepair(
      doc,
      {
        applied: ['tool-result-orphan@25: remove the orphan tool_result'],
        changed: [26],
        removed: [25],
        added: 0,
      },
      { warnings: true },
    );
    // The emptied result line is gone; the attachment after it now hangs off the AAA tool_use line.
    expect(entryAt(res.doc, 24).parentUuid).toBe(entry(entries('parallel'), '098eb2e4').uuid);
  });
});

describe('tool-result-order', () => {
  test('text before the tool_results of a user message (2.1.330): results moved to the front', () => {
    const lines = entries('parallel');
    blocksOf(entry(lines, 'e8486ca7')).unshift({ type: 'text', text: 'note' });
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([{ rule: 'tool-result-order', severity: 'warning', line: 26, turn: 3, apiError: MISSING(1, 'toolu_01AAA, toolu_01BBB') }]);
    expect(analyze(doc).diagnostics[0]!.message).toBe(
      'message 3 has text before its tool_result blocks (Claude Code 2.1.80+ moves the tool_result blocks of a user message before its other content)',
    );
    const res = expectRepair(
      doc,
      {
        applied: ['tool-result-order@26: move the tool_result blocks before the other content'],
        changed: [25, 27],
        removed: [26],
        added: 0,
      },
      { warnings: true },
    );
    expect(blocksOf(entryAt(res.doc, 24)).map((b) => b.tool_use_id ?? b.text)).toEqual(['toolu_01AAA', 'toolu_01BBB', 'note']);
  });
});

describe('tool-result-order, when the client puts the results first', () => {
  test("a skill's isMeta prompt written between a call and its result (2.1.19): only a warning, naming what the client does", () => {
    // The 1.0.98 slash command's isMeta line, as a skill writes one, between the Write call (line 10) and its result.
    const lines = entries('lean');
    const meta: Entry = { ...structuredClone(entry(entries('oldLinear'), 'd78d1de2')), uuid: 'mmmmmmmm-0000-4000-8000-000000000001' };
    const result = entry(lines, 'b89f34a5');
    meta.parentUuid = result.parentUuid;
    result.parentUuid = meta.uuid;
    lines.splice(at(lines, 'b89f34a5'), 0, meta);
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([{ rule: 'tool-result-order', severity: 'warning', line: 12, turn: 5, apiError: MISSING(3, 'toolu_01WriteHealth') }]);
    const [d] = analyze(doc).diagnostics;
    expect(d!.message).toBe(
      'message 5 has text before its tool_result blocks (Claude Code before 2.0.30, 2.1.31–2.1.79 sends this and the API rejects it; 2.0.30–2.1.30, 2.1.80+ moves the tool_result blocks of a user message before its other content)',
    );
    expect(rows(doc, forClient('1.0.98')).map((r) => `${r.severity} ${r.rule}@${r.line}`)).toContain('error tool-result-order@12');
    expectRepair(doc, { applied: [], changed: [], removed: [], added: 0 });
  });
});

describe('tool-use-duplicate', () => {
  test('a tool_use line written twice under a new uuid (2.1.19): the copy, with no result of its own, is removed', () => {
    const lines = entries('lean');
    const i = at(lines, 'd1c67e04');
    lines.splice(i + 1, 0, copyOf(lines[i]!, 'dddddddd-0000-4000-8000-000000000001', lines[i]!.uuid));
    // The result hangs under the copy, as in the recorded case tool-use-id-duplicate-line.
    entry(lines, 'b89f34a5').parentUuid = 'dddddddd-0000-4000-8000-000000000001';
    const doc = docOf(lines);
    // 2.1.76+ send the copy once, in its response, with its result; 2.1.75 sends both and is rejected
    // (fixtures/recordings: tool-use-id-duplicate-line).
    expect(rows(doc)).toEqual([
      { rule: 'tool-use-duplicate', severity: 'warning', line: 11, turn: 4, apiError: 'messages.3.content.2: `tool_use` ids must be unique' },
    ]);
    expect(rows(doc, forClient('2.1.75')).filter((r) => r.severity === 'error')).toEqual([
      { rule: 'tool-use-duplicate', severity: 'error', line: 11, turn: 4, apiError: 'messages.3.content.2: `tool_use` ids must be unique' },
    ]);
    expectRepair(
      doc,
      // The result that hung under the copy hangs under the call again.
      { applied: ['tool-use-duplicate@11: remove the later tool_use (it has no result of its own)'], changed: [12], removed: [11], added: 0 },
      forClient('2.1.75'),
    );
  });

  test('a tool call and its result replayed as a new turn (2.1.19): the later pair gets an id of its own, and keeps its work', () => {
    const lines = entries('lean');
    const use = entry(lines, 'd1c67e04');
    const result = entry(lines, 'b89f34a5');
    const replayUse = copyOf(use, 'dddddddd-0000-4000-8000-000000000002', result.uuid);
    replayUse.message.id = 'msg_replayed';
    const replayResult = copyOf(result, 'dddddddd-0000-4000-8000-000000000003', replayUse.uuid);
    entry(lines, '7e285a2a').parentUuid = replayResult.uuid;
    lines.splice(at(lines, 'b89f34a5') + 1, 0, replayUse, replayResult);
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'tool-use-duplicate', severity: 'warning', line: 12, turn: 6, apiError: 'messages.5.content.0: `tool_use` ids must be unique' },
    ]);
    expect(rows(doc, forClient('2.1.87')).filter((r) => r.severity === 'error')).toEqual([
      { rule: 'tool-use-duplicate', severity: 'error', line: 12, turn: 6, apiError: 'messages.5.content.0: `tool_use` ids must be unique' },
    ]);
    const res = expectRepair(
      doc,
      {
        applied: ["tool-use-duplicate@12: rename the later call's id to toolu_01WriteHealth-2, and its result's"],
        changed: [12, 13],
        removed: [],
        added: 0,
      },
      forClient('2.1.87'),
    );
    expect(blocksOf(entryAt(res.doc, 11))[0]!.id).toBe('toolu_01WriteHealth-2');
    expect(blocksOf(entryAt(res.doc, 12))[0]!.tool_use_id).toBe('toolu_01WriteHealth-2');
  });
});

describe('tool-result-duplicate', () => {
  test('a tool_result line written twice under a new uuid (2.1.19): the second is removed', () => {
    const lines = entries('lean');
    const i = at(lines, 'b89f34a5');
    lines.splice(i + 1, 0, copyOf(lines[i]!, 'dddddddd-0000-4000-8000-000000000004', lines[i]!.parentUuid));
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      {
        rule: 'tool-result-duplicate',
        severity: 'error',
        line: 12,
        turn: 5,
        apiError: 'messages.4: each tool_use must have a single result. Found multiple `tool_result` blocks with id: toolu_01WriteHealth',
      },
    ]);
    expectRepair(doc, { applied: ['tool-result-duplicate@12: keep the first result, remove this one'], changed: [], removed: [12], added: 0 });
  });
});

describe('tool-id-format', () => {
  test('an id from another provider ("functions.Write:0") is renamed in the tool_use and its result', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'd1c67e04'))[0]!.id = 'functions.Write:0';
    blocksOf(entry(lines, 'b89f34a5'))[0]!.tool_use_id = 'functions.Write:0';
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      {
        rule: 'tool-id-format',
        severity: 'error',
        line: 10,
        turn: 4,
        apiError: "messages.3.content.1.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'",
      },
    ]);
    const res = expectRepair(doc, {
      applied: ['tool-id-format@10: rename the id to functions_Write_0 in the tool_use and its result'],
      changed: [10, 11],
      removed: [],
      added: 0,
    });
    expect(blocksOf(entryAt(res.doc, 9))[0]!.id).toBe('functions_Write_0');
    expect(blocksOf(entryAt(res.doc, 10))[0]!.tool_use_id).toBe('functions_Write_0');
  });
});

/** The recorded case tool-result-id-batch-entry: the lean 2.1.19 session with its Edit call (line 12) and result named toolu_01WriteHealth_2. */
const batchEntryCase = () => docFromBuffer(Buffer.from(caseText(caseNamed('tool-result-id-batch-entry'))), 'tool-result-id-batch-entry.jsonl');

/** What a client sends as the Edit call's result (message 7). */
const editResultSent = (doc: Doc, options: AnalyzeOptions) => (renderApiMessages(doc, analyze(doc, options).sent) as { content: Entry[] }[])[6]!.content;

describe('tool-id-batch-entry', () => {
  const BATCH =
    'tool_result id toolu_01WriteHealth_2 reads as entry 2 of call toolu_01WriteHealth: Claude Code 2.1.236+ answers this call "[Tool result missing due to internal error]" and drops its result';
  const warning = { rule: 'tool-id-batch-entry', severity: 'warning', line: 13, turn: 7 };

  test('a valid pair named toolu_01WriteHealth_2 beside a call toolu_01WriteHealth (2.1.19): a warning for the clients that drop its result', () => {
    const doc = batchEntryCase();
    const [d, ...rest] = analyze(doc).diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ ...warning, message: BATCH, block: 0, apiError: undefined });
    expect(editResultSent(doc, {})).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_01WriteHealth_2', content: '[Tool result missing due to internal error]', is_error: true },
    ]);
    // Only the clients that take it for a batch entry are warned for; the others send it as written.
    for (const g of GENERATIONS) {
      const found = rows(doc, forClient(g.version)).filter((r) => r.rule === 'tool-id-batch-entry');
      expect([g.version, found]).toEqual([g.version, g.has('batch-entry-results') ? [warning] : []]);
    }
    expect(rows(doc, forClient('2.1.235'))).toEqual([]);
    expect(rows(doc, forClient('2.1.132'))).toEqual([]);
    expect(
      analyze(doc, { target: GENERATIONS })
        .diagnostics.filter((x) => x.rule === 'tool-id-batch-entry')
        .map((x) => [x.line, x.severity, x.message]),
    ).toEqual([[13, 'warning', BATCH]]);
  });

  test('fix --warnings renames the pair toolu_01WriteHealth-2: every client sends its real result, and finds what it finds in the session as written', () => {
    const doc = batchEntryCase();
    const res = expectRepair(
      doc,
      { applied: ["tool-id-batch-entry@13: rename the call's id to toolu_01WriteHealth-2, and its result's"], changed: [12, 13], removed: [], added: 0 },
      { warnings: true },
    );
    expect(blocksOf(entryAt(res.doc, 11))[0]!.id).toBe('toolu_01WriteHealth-2');
    expect(blocksOf(entryAt(res.doc, 12))[0]!.tool_use_id).toBe('toolu_01WriteHealth-2');
    expect(editResultSent(res.doc, {})).toEqual([
      {
        type: 'tool_result',
        tool_use_id: 'toolu_01WriteHealth-2',
        content: '<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>',
        is_error: true,
      },
    ]);
    const original = docOf(entries('lean'));
    for (const g of GENERATIONS) expect([g.version, rows(res.doc, forClient(g.version))]).toEqual([g.version, rows(original, forClient(g.version))]);
  });

  /** The lean session with its Edit call and result under `id`. */
  const editCallAs = (id: string) => {
    const lines = entries('lean');
    blocksOf(entry(lines, '7e285a2a'))[0]!.id = id;
    blocksOf(entry(lines, 'd8f9c4c6'))[0]!.tool_use_id = id;
    return lines;
  };

  test('a fresh id already in use is passed over', () => {
    const lines = editCallAs('toolu_01WriteHealth_2');
    blocksOf(entry(lines, 'ed05c3e4'))[0]!.id = 'toolu_01WriteHealth-2';
    blocksOf(entry(lines, '785a36a8'))[0]!.tool_use_id = 'toolu_01WriteHealth-2';
    const [d] = analyze(docOf(lines)).diagnostics;
    expect(d!.fixes.map((f) => f.label)).toEqual(["rename the call's id to toolu_01WriteHealth-3, and its result's"]);
  });

  test('an id ending in _<n> with no call by the rest of it is sent as written', () => {
    expect(rows(docOf(editCallAs('toolu_01EditHealth_2')))).toEqual([]);
  });
});

describe('tool-input-type', () => {
  test('an input written as a JSON string is parsed back into the object', () => {
    const lines = entries('lean');
    const use = blocksOf(entry(lines, 'd1c67e04'))[0]!;
    use.input = JSON.stringify(use.input);
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'tool-input-type', severity: 'error', line: 10, turn: 4, apiError: 'messages.3.content.1.tool_use.input: Input should be a valid dictionary' },
    ]);
    const res = expectRepair(doc, {
      applied: ['tool-input-type@10: parse the input if it is JSON text, else make it {}'],
      changed: [10],
      removed: [],
      added: 0,
    });
    expect(textAt(res.doc, 9)).toBe(originalLine('lean', 10));
  });

  test('an input that is not JSON becomes {}', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'd1c67e04'))[0]!.input = 'write health.js';
    const doc = docOf(lines);
    expect(rows(doc).map((r) => r.rule)).toEqual(['tool-input-type']);
    const res = expectRepair(doc, {
      applied: ['tool-input-type@10: parse the input if it is JSON text, else make it {}'],
      changed: [10],
      removed: [],
      added: 0,
    });
    expect(blocksOf(entryAt(res.doc, 9))[0]!.input).toEqual({});
  });
});

describe('error-result-empty', () => {
  test('an is_error result with empty content (2.1.19) gets placeholder text', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'b89f34a5'))[0]!.content = '';
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'error-result-empty', severity: 'error', line: 11, turn: 5, apiError: 'messages.4.content.0: content cannot be empty if `is_error` is true' },
    ]);
    const res = expectRepair(doc, {
      applied: ['error-result-empty@11: set its content to "[tool failed without output]"'],
      changed: [11],
      removed: [],
      added: 0,
    });
    expect(blocksOf(entryAt(res.doc, 10))[0]).toEqual({
      type: 'tool_result',
      content: '[tool failed without output]',
      is_error: true,
      tool_use_id: 'toolu_01WriteHealth',
    });
  });
});

test('the graph and view of a broken copy still index every line', () => {
  // Guard for the helpers above: dropLinked keeps the chain whole.
  const doc = docOf(dropLinked(entries('parallel'), 'e132e620'));
  const graph = buildGraph(doc);
  expect(graph.dangling).toEqual([]);
  expect(buildApiView(doc, graph, asWritten(NEWEST)).messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
});
