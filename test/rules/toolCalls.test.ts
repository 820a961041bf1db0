import { describe, expect, test } from 'vitest';
import { renderApiMessages } from '../../src/conversation/apiView.js';
import { clientOf } from '../../src/conversation/clients.js';
import { analyze } from '../../src/rules/analyze.js';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { at, blocksOf, entries, entry, entryAt, errorRow, expectRepair, rows } from './helpers.js';

/** The 2.1.19 Write call (line 10) named with its parameters flattened into the name. */
const LONG_NAME = `Write file_path="/home/demo/acme-shop/src/health.js" content="${'export const health = () => ({ ok: true });'.repeat(4)}"`;

describe('tool-name', () => {
  test('a name over 200 characters (2.1.19): renamed to the tool the call was, the input kept', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'd1c67e04'))[0]!.name = LONG_NAME;
    const doc = docOf(lines);
    expect(LONG_NAME.length).toBeGreaterThan(200);
    const before = { target: [clientOf('2.1.280')!] };
    expect(rows(doc, before)).toEqual([errorRow('tool-name', 10, 4, 'messages.3.content.1.tool_use.name: String should have at most 200 characters')]);
    const res = expectRepair(doc, { applied: ['tool-name@10: rename the call to Write (its input is kept)'], changed: [10], removed: [], added: 0 }, before);
    expect(blocksOf(entryAt(res.doc, 9))[0]).toEqual(blocksOf(entry(entries('lean'), 'd1c67e04'))[0]);
  });

  test('a name of name characters over 200 long, for 2.1.281+, which send it cut to 200: a warning that names both sides', () => {
    // As the recorded case tool-name-too-long has it: 212 characters the API's pattern takes.
    const long = `mcp__${'acme_shop_deploy_tools_'.repeat(9)}`;
    const lines = entries('lean');
    blocksOf(entry(lines, 'd1c67e04'))[0]!.name = long;
    const doc = docOf(lines);
    const [d, ...rest] = analyze(doc, { target: [clientOf('2.1.281')!] }).diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ rule: 'tool-name', severity: 'warning', pos: 9 });
    expect(d!.message).toBe(
      `tool_use name is ${long.length} characters long; the API takes at most 200 (Claude Code before 2.1.281 sends this and the API rejects it; 2.1.281+ cuts a tool_use name over 200 characters (the API limit) to its first 200)`,
    );
    const sent = renderApiMessages(doc, analyze(doc, { target: [clientOf('2.1.281')!] }).sent) as { content: { name?: string }[] }[];
    expect(sent[3]!.content[1]!.name).toBe(long.slice(0, 200));
  });

  test('a name with a space in it, and an empty one', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'd1c67e04'))[0]!.name = 'Write health.js';
    blocksOf(entry(lines, '7e285a2a'))[0]!.name = '';
    expect(rows(docOf(lines))).toEqual([
      errorRow('tool-name', 10, 4, "messages.3.content.1.tool_use.name: String should match pattern '^[a-zA-Z0-9_-]{1,200}$'"),
      errorRow('tool-name', 12, 6, 'messages.5.content.0.tool_use.name: String should have at least 1 character'),
    ]);
    const fixed = expectRepair(docOf(lines), {
      applied: ['tool-name@10: rename the call to Write (its input is kept)', 'tool-name@12: rename the call to unknown_tool (its input is kept)'],
      changed: [10, 12],
      removed: [],
      added: 0,
    });
    expect(blocksOf(entryAt(fixed.doc, 11))[0]!.input).toEqual(blocksOf(entry(entries('lean'), '7e285a2a'))[0]!.input);
  });
});

/** The 2.1.330 ToolSearch: line 22 is its result, a tool_reference to WebFetch; line 6 announced WebFetch. */
describe('tool-reference', () => {
  test('a real ToolSearch result is fine', () => {
    expect(rows(realDoc('toolSearch'))).toEqual([]);
  });

  test('a reference by a name over 64 characters (2.1.330): replaced by a note', () => {
    const lines = entries('toolSearch');
    const name = `mcp__acme-shop-internal-tools__${'lookup_'.repeat(6)}order`;
    blocksOf(entry(lines, '8398a685'))[0]!.content[0].tool_name = name;
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      errorRow('tool-reference', 22, 3, 'messages.2.content.0.tool_result.content.0.tool_reference.tool_name: String should have at most 64 characters'),
    ]);
    const res = expectRepair(doc, { applied: ['tool-reference@22: replace the tool reference with a text note'], changed: [22], removed: [], added: 0 });
    expect(blocksOf(entryAt(res.doc, 21))[0]!.content).toEqual([
      { type: 'text', text: `[tool reference removed by ccmend: ${name}; its name is over 64 characters]` },
    ]);
  });

  test('a reference to a tool a later announcement took away (its MCP server went): replaced by a note', () => {
    const lines = entries('toolSearch');
    // The client announces the change with a later attachment, as when an MCP server disconnects.
    const announcement = structuredClone(entry(lines, '7752194e'));
    const last = entry(lines, 'ea9b50f8');
    Object.assign(announcement, { uuid: 'eeeeeeee-0000-4000-8000-000000000001', parentUuid: last.uuid, timestamp: last.timestamp });
    Object.assign(announcement.attachment, { addedNames: [], addedLines: [], removedNames: ['WebFetch'] });
    announcement.rendered = [{ content: '<system-reminder>\nThe following deferred tools are no longer available: WebFetch\n</system-reminder>' }];
    lines.splice(at(lines, 'ea9b50f8') + 1, 0, announcement);
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([errorRow('tool-reference', 22, 3, "Tool reference 'WebFetch' not found in available tools")]);
    expectRepair(doc, { applied: ['tool-reference@22: replace the tool reference with a text note'], changed: [22], removed: [], added: 0 });
  });
});
