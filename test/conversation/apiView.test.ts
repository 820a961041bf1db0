import { describe, expect, test } from 'vitest';
import { asWritten, NEWEST } from '../../src/conversation/clients.js';
import { type ApiView, buildApiView, renderApiMessages } from '../../src/conversation/apiView.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { analyze } from '../../src/rules/analyze.js';
import { type Doc, entryOf } from '../../src/transcript/document.js';
import { valueAt } from '../../src/transcript/jsonPath.js';
import { type RealName, realDoc } from '../helpers/fixtures.js';
import type { Entry } from '../rules/helpers.js';

/** The lines the newest client sends, as written (its send-time patches are the per-client tests' concern). */
const viewOf = (doc: Doc): ApiView => buildApiView(doc, buildGraph(doc), asWritten(NEWEST));
/** Each message as [role, 1-based lines]. */
const shape = (view: ApiView) => view.messages.map((m) => [m.role, m.lines.map((p) => p + 1)]);
const render = (doc: Doc, view = viewOf(doc)) => renderApiMessages(doc, view) as { role: string; content: Entry[] }[];

describe('parallel tool calls (2.1.330)', () => {
  const doc = realDoc('parallel');
  const view = viewOf(doc);

  test('both results, each on its own side branch, are paired with their tool_uses', () => {
    expect(shape(view)).toEqual([
      ['user', [3, 4, 5, 6, 7, 8, 9, 12, 13]],
      ['assistant', [19, 20, 21, 22]],
      ['user', [25, 26, 28]],
      ['assistant', [31]],
    ]);
    const messages = render(doc, view);
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should list files and print date in parallel.', signature: 'c2lnbmF0dXJl' },
        { type: 'text', text: 'Let me look around.' },
        { type: 'tool_use', id: 'toolu_01AAA', name: 'Bash', input: { command: 'echo alpha', description: 'print alpha' } },
        { type: 'tool_use', id: 'toolu_01BBB', name: 'Bash', input: { command: 'echo beta', description: 'print beta' } },
      ],
    });
    expect(messages[2]).toEqual({
      role: 'user',
      content: [
        { tool_use_id: 'toolu_01AAA', type: 'tool_result', content: 'alpha', is_error: false },
        { tool_use_id: 'toolu_01BBB', type: 'tool_result', content: 'beta', is_error: false },
        { type: 'text', text: '<system-reminder>\n<total_tokens>14999987 tokens left</total_tokens>\n</system-reminder>' },
      ],
    });
    expect(messages[3]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Both commands ran: alpha and beta.' }] });
  });

  test('the prompt is sent as a text block, then the rendered attachments', () => {
    const [first] = render(doc, view);
    expect(first!.content.length).toBe(9);
    expect(first!.content[0]).toEqual({ type: 'text', text: 'run two commands' });
    expect(first!.content.slice(1).every((b) => b.type === 'text' && b.text.startsWith('<system-reminder>\n'))).toBe(true);
  });

  test('every block points back to its line and block index, and messageOf maps each line to its message', () => {
    const messages = render(doc, view);
    view.messages.forEach((m, i) => {
      m.blocks.forEach((vb, j) => {
        const v = valueAt(entryOf(doc, doc.lines[vb.pos]!), vb.info.path);
        expect(typeof v === 'string' ? { type: 'text', text: v } : v).toEqual(messages[i]!.content[j]);
        expect(doc.lines[vb.pos]!.info.blocks[vb.index]).toBe(vb.info);
      });
      for (const p of m.lines) expect(view.messageOf.get(p)).toBe(i);
    });
    expect(view.messageOf.size).toBe(view.messages.reduce((n, m) => n + m.lines.length, 0));
  });
});

describe('1.0.98', () => {
  test('old: inline sidechains are left out; the three parallel Task results merge into one user message', () => {
    const doc = realDoc('old');
    const view = viewOf(doc);
    expect(view.messages.length).toBe(18);
    expect(view.messages.flatMap((m) => m.lines).filter((p) => doc.lines[p]!.info.isSidechain)).toEqual([]);
    expect(shape(view).slice(3, 7)).toEqual([
      ['assistant', [9, 10]],
      ['user', [11]],
      ['assistant', [12, 13, 14, 15]],
      ['user', [37, 124, 223]],
    ]);
    const messages = render(doc, view);
    const uses = messages[5]!.content.filter((b) => b.type === 'tool_use').map((b) => b.id);
    const results = messages[6]!.content.map((b) => b.tool_use_id);
    expect(uses).toEqual(['toolu_014i9ThHMNShCHocf9xMKasf', 'toolu_01EbxY94wRUAGyMLj5wh699C', 'toolu_01LS6tcVd796SbQKmZqeVnWY']);
    expect(results).toEqual(['toolu_01LS6tcVd796SbQKmZqeVnWY', 'toolu_014i9ThHMNShCHocf9xMKasf', 'toolu_01EbxY94wRUAGyMLj5wh699C']);
  });

  test('oldLinear: five linear parallel calls become one assistant message and one user message', () => {
    const doc = realDoc('oldLinear');
    const view = viewOf(doc);
    expect(shape(view)).toEqual([
      ['user', [1, 2]],
      ['assistant', [3, 4]],
      ['user', [5]],
      ['assistant', [6, 7, 8, 9, 10]],
      ['user', [11, 12, 13, 14, 15]],
      ['assistant', [16, 17, 18]],
      ['user', [19, 20, 21]],
      ['assistant', [22]],
      ['user', [23]],
      ['assistant', [24, 25]],
      ['user', [26]],
      ['assistant', [27]],
      ['user', [28]],
      ['assistant', [29]],
    ]);
    const messages = render(doc, view);
    expect(new Set(messages[4]!.content.map((b) => b.tool_use_id))).toEqual(new Set(messages[3]!.content.map((b) => b.id)));
    // The isMeta slash-command expansion is sent with the command line it belongs to.
    expect(messages[0]!.content.map((b) => b.type)).toEqual(['text', 'text']);
  });
});

describe('compaction', () => {
  test('compact (2.1.330): only what follows the boundary is sent, opening with the summary and the segment it kept', () => {
    const doc = realDoc('compact');
    const view = viewOf(doc);
    // The lines as 2.1.330 chooses them (fixtures/recordings: real-compact330): the summary, then the
    // segment the compaction kept (line 69), then what follows; sending, it moves the attachments before the
    // user lines in front of them.
    expect(shape(view)).toEqual([
      ['user', [78]],
      ['assistant', [69]],
      ['user', [79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 94, 95, 96, 97, 98]],
      ['assistant', [106]],
    ]);
    expect(doc.lines[77]!.info.isCompactSummary).toBe(true);
    expect(render(doc, view)[0]!.content[0]!.text.startsWith('This session is being continued from a previous conversation')).toBe(true);
  });

  test('fork (s2.jsonl): after the boundary, the summary, the messages it kept (as its boundary lists them) and what followed it', () => {
    const doc = realDoc('fork');
    // As 2.1.160+ send it (fixtures/recordings: fork-s2-uuid-session): the kept messages' parentUuids do not lead
    // from the segment's tail to its head, so only their list names them.
    expect(render(doc)).toEqual([
      { role: 'user', content: [{ type: 'text', text: expect.stringMatching(/^This session is being continued/) }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Second answer' }] },
      { role: 'user', content: [{ type: 'text', text: 'Keep going' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Kept going' }] },
      { role: 'user', content: [{ type: 'text', text: 'After compaction' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Final answer' }] },
    ]);
  });
});

describe('what is not sent', () => {
  test('localCommand (2.1.38): local_command lines, last in the file, are sent as user text; progress lines are not', () => {
    const doc = realDoc('localCommand');
    const view = viewOf(doc);
    expect(shape(view)).toEqual([
      ['user', [4]],
      ['assistant', [5, 6, 7, 8, 10]],
      ['user', [11, 12, 13, 14, 15]],
    ]);
    expect(render(doc, view)[2]!.content.slice(3)).toEqual([
      {
        type: 'text',
        text: '<command-name>/model</command-name>\n            <command-message>model</command-message>\n            <command-args></command-args>',
      },
      { type: 'text', text: '<local-command-stdout>Kept model as \u001b[1mDefault (recommended)\u001b[22m</local-command-stdout>' },
    ]);
  });

  test('queue (2.1.38): a response whose tool result was written between its two tool_use lines is still one message', () => {
    const doc = realDoc('queue');
    expect(shape(viewOf(doc)).slice(7)).toEqual([
      ['assistant', [34, 37]],
      ['user', [36, 38, 39]],
    ]);
  });
});

describe('real sessions that resume cleanly have no errors', () => {
  const warnings = (name: RealName) =>
    analyze(realDoc(name))
      .diagnostics.filter((d) => d.severity !== 'info')
      .map((d) => `${d.severity} ${d.rule}@${d.line}`);

  test.each(['compact', 'parallel', 'image', 'lean', 'old', 'oldLinear', 'fork'] as const)('%s: nothing at all', (name) => {
    expect(warnings(name)).toEqual([]);
  });

  test('localCommand and queue: only the whitespace line opening an Opus response, which Claude Code 2.1.32+ drops (older ones send it, before the thinking); localCommand: releases before 2.1.19 cut it at a progress line, opening on an answer', () => {
    expect(warnings('localCommand')).toEqual([
      'warning text-whitespace@5',
      'warning thinking-order@6',
      'warning chain-progress-parent@10',
      'warning first-role@10',
    ]);
    expect(warnings('queue')).toEqual(['warning text-whitespace@27', 'warning thinking-order@28']);
  });

  test('long: exactly its redacted thinking signatures, besides those whitespace lines, and the progress line releases before 2.1.19 stop at', () => {
    expect(warnings('long')).toEqual([
      'warning text-whitespace@760',
      'warning thinking-order@761',
      'error thinking-signature@761',
      'error thinking-signature@810',
      'warning text-whitespace@1248',
      'warning thinking-order@1249',
      'error thinking-signature@1249',
      'error thinking-signature@1254',
      'error thinking-signature@1264',
      'warning text-whitespace@1376',
      'warning thinking-order@1377',
      'error thinking-signature@1377',
      'warning chain-progress-parent@1512',
    ]);
  });
});
