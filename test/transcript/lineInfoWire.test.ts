import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readLineInfo } from '../../src/transcript/document.js';
import type { LineInfo } from '../../src/transcript/lineInfo.js';
import { decodeLineInfos, encodeLineInfos } from '../../src/transcript/lineInfoWire.js';
import { allTranscripts, realLines } from '../helpers/fixtures.js';
import { bytesOf, caseOf, SMALL_FIXTURES, splitRaw } from '../hardening/damage.js';

/** Every key path of a value in the order its objects hold their keys: equal only when shapes are. */
function keyOrder(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keyOrder(x, `${at}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [`${at}.${k}`, ...keyOrder(x, `${at}.${k}`)]);
}

function summaries(texts: readonly string[]): LineInfo[] {
  return texts.map((t) => readLineInfo(t, Buffer.byteLength(t)));
}

function expectRoundTrip(infos: LineInfo[]) {
  const back = decodeLineInfos(encodeLineInfos(infos));
  expect(back).toStrictEqual(infos);
  expect(back.map((i) => keyOrder(i))).toEqual(infos.map((i) => keyOrder(i)));
}

describe('line summaries on the wire between threads', () => {
  test('every line of every real transcript comes back equal, keys in the same order', () => {
    const texts = allTranscripts().flatMap((f) => readFileSync(f, 'utf8').split('\n'));
    const infos = summaries(texts);
    expect(infos.length).toBeGreaterThan(2000);
    // The fixtures hold entries with and without message ids and roles, blocks of each kind, images, documents and
    // tool references in tool results, and attachments announcing deferred tools.
    expect(new Set(infos.flatMap((i) => i.blocks.map((b) => b.type)))).toEqual(
      new Set(['text', 'thinking', 'tool_use', 'tool_result', 'server_tool_use', 'web_search_tool_result']),
    );
    expect(infos.some((i) => i.blocks.some((b) => b.images.length))).toBe(true);
    expect(infos.some((i) => i.blocks.some((b) => b.documents?.length))).toBe(true);
    expect(infos.some((i) => i.blocks.some((b) => b.toolRefs?.length))).toBe(true);
    expect(infos.some((i) => i.blocks.some((b) => b.type === 'web_search_tool_result' && b.toolUseId))).toBe(true);
    expect(infos.some((i) => i.deferredTools?.added.length)).toBe(true);
    expect(infos.some((i) => i.agentId)).toBe(true);
    expectRoundTrip(infos);
  });

  test('unreadable, torn and blank lines, lone surrogates and odd field types survive', () => {
    const [first, second] = realLines('lean').filter((l) => l.type === 'user');
    // The PNG a real Read returned, as a block of its own and at an unusual path.
    const read = realLines('image').find((l) => JSON.stringify(l).includes('"type":"image"'))!;
    const result = (read.message as { content: { content: unknown[] }[] }).content[0]!;
    const image = result.content.find((b) => (b as { type: string }).type === 'image');
    const text = JSON.stringify(first);
    const texts = [
      '',
      '   ',
      text.slice(0, 120), // torn: uuid may be cut off
      text.slice(0, text.length - 10),
      '[1,2]',
      JSON.stringify({ ...first, parentUuid: null, isMeta: true, message: { role: 'user', content: 'lone \ud800 here' } }),
      JSON.stringify({
        ...second,
        uuid: 42,
        sessionId: false,
        message: { content: [{ type: 'text', text: '\udc00' }, 7, { type: 'tool_use', id: 9, input: [] }] },
      }),
      JSON.stringify({
        ...first,
        message: { role: 'user', content: [image, { type: 'thinking', thinking: 'x', signature: '!' }, { type: 'redacted_thinking', data: 'x' }] },
      }),
      JSON.stringify({ type: 'attachment', rendered: [{ content: 'a' }, { content: '' }] }),
      JSON.stringify({ type: 'system', subtype: 'local_command', content: '  ', logicalParentUuid: null }),
    ];
    expectRoundTrip(summaries(texts));
  });

  test('randomly damaged real transcripts come back equal', () => {
    fc.assert(
      fc.property(caseOf(SMALL_FIXTURES), (c) => {
        const texts = splitRaw(bytesOf(c)).lines.map((b) => b.toString('utf8'));
        expectRoundTrip(summaries(texts));
      }),
      { numRuns: 150 },
    );
  });
});
