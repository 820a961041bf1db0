import { describe, expect, test } from 'vitest';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { blocksOf, dropLinked, entries, entryAt, errorRow, expectRepair, rows, swapWithNext } from './helpers.js';

/** The 2.1.330 web search: line 22 is the server_tool_use, line 23 its web_search_tool_result. */
const ORPHAN =
  'messages.1.content.1: unexpected `tool_use_id` found in `web_search_tool_result` blocks: srvtoolu_01NodeReleaseSearch. Each `web_search_tool_result` block must have a corresponding `server_tool_use` block before it.';

describe('server-tool-result-orphan', () => {
  test('a real web_search pair is fine', () => {
    expect(rows(realDoc('webSearch'))).toEqual([]);
  });

  test('the server_tool_use line lost (2.1.330): its result is removed, the answer kept', () => {
    const doc = docOf(dropLinked(entries('webSearch'), '1dc34c4d'));
    expect(rows(doc)).toEqual([errorRow('server-tool-result-orphan', 22, 2, ORPHAN)]);
    const res = expectRepair(doc, {
      applied: ['server-tool-result-orphan@22: remove the web_search_tool_result (its server_tool_use is gone)'],
      changed: [23],
      removed: [22],
      added: 0,
    });
    expect(res.analysis.view.messages[1]!.blocks.map((b) => b.info.type)).toEqual(['text', 'text']);
  });

  test('the result written before its server_tool_use: the pair is restored', () => {
    const lines = entries('webSearch');
    swapWithNext(lines, '1dc34c4d', '807c2507');
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([errorRow('server-tool-result-orphan', 22, 2, ORPHAN)]);
    const res = expectRepair(doc, {
      applied: ['server-tool-result-orphan@22: move the server_tool_use srvtoolu_01NodeReleaseSearch before its result'],
      changed: [22, 24],
      removed: [23],
      added: 0,
    });
    expect(blocksOf(entryAt(res.doc, 21)).map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result']);
  });
});
