import { describe, expect, test } from 'vitest';
import { largestNamed } from '../../src/budget/contributors.js';
import { clientOf } from '../../src/conversation/clients.js';
import { renderApiMessages } from '../../src/conversation/apiView.js';
import { applyEdits } from '../../src/edit/apply.js';
import { fixAll } from '../../src/edit/fixAll.js';
import { analyze } from '../../src/rules/analyze.js';
import { docOf } from '../helpers/fixtures.js';
import { type Entry, blocksOf, entries, entry, entryAt, expectRepair, rows } from './helpers.js';

const MB = 1024 * 1024;

describe('lone-surrogate', () => {
  const before = { target: [clientOf('2.1.131')!] };

  test('half of an emoji at the end of a prompt (2.1.19) is replaced with U+FFFD', () => {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = 'Add a health endpoint \ud83d';
    const doc = docOf(lines);
    expect(rows(doc, before)).toEqual([
      { rule: 'lone-surrogate', severity: 'error', line: 2, turn: 1, apiError: 'The request body is not valid JSON: no low surrogate in string' },
    ]);
    const res = expectRepair(doc, { applied: ['lone-surrogate@2: replace each unpaired surrogate with U+FFFD'], changed: [2], removed: [], added: 0 }, before);
    expect(entryAt(res.doc, 1).message.content).toBe('Add a health endpoint \ufffd');
  });

  test('a lone low surrogate inside a tool result (2.1.19) is reported as the parser words it', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, '785a36a8'))[0]!.content += '\udc00';
    expect(rows(docOf(lines), before)).toEqual([
      { rule: 'lone-surrogate', severity: 'error', line: 7, turn: 3, apiError: 'The request body is not valid JSON: invalid high surrogate in string' },
    ]);
  });

  test('for 2.1.132+, which send U+FFFD in its place, a warning that names both sides', () => {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = 'Add a health endpoint \ud83d';
    const doc = docOf(lines);
    const [d, ...rest] = analyze(doc, { target: [clientOf('2.1.132')!] }).diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ rule: 'lone-surrogate', severity: 'warning', pos: 1 });
    expect(d!.message).toBe(
      'unpaired UTF-16 surrogate in message.content (Claude Code before 2.1.132 sends this and the API rejects it; 2.1.132+ replaces each unpaired UTF-16 surrogate with U+FFFD)',
    );
    const sent = renderApiMessages(doc, analyze(doc, { target: [clientOf('2.1.132')!] }).sent) as { content: { text: string }[] }[];
    expect(sent[0]!.content).toEqual([{ type: 'text', text: 'Add a health endpoint \ufffd' }]);
  });
});

/** The 2.1.330 image fixture: line 23 is the Read result holding a 40×20 PNG, in its content and in toolUseResult. */
const IMAGE_LINE = 23;
const png = (lines: Entry[]) => Buffer.from(blocksOf(entry(lines, '3bc009e6'))[0]!.content[0].source.data, 'base64');
function setImage(lines: Entry[], data: Buffer, copies = 1): void {
  const result = entry(lines, '3bc009e6');
  const image = blocksOf(result)[0]!.content[0];
  image.source.data = data.toString('base64');
  blocksOf(result)[0]!.content = Array.from({ length: copies }, () => structuredClone(image));
  result.toolUseResult.file.base64 = image.source.data;
}
const withWidth = (head: Buffer, width: number) => {
  const b = Buffer.from(head);
  b.writeUInt32BE(width, 16);
  return b;
};

describe('image-too-large', () => {
  test('a 4 MB image in a tool result (2.1.330): under 5 MB decoded, over 5 MB as base64, which is what the API counts', () => {
    const lines = entries('image');
    setImage(lines, Buffer.concat([png(lines), Buffer.alloc(4_000_000 - png(lines).length)]));
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      {
        rule: 'image-too-large',
        severity: 'error',
        line: IMAGE_LINE,
        turn: 3,
        apiError: 'messages.2.content.0.tool_result.content.0.image.source.base64: image exceeds 5 MB maximum: 5333336 bytes > 5242880 bytes',
      },
    ]);
    const res = expectRepair(doc, { applied: ['image-too-large@23: replace the image with a text note'], changed: [IMAGE_LINE], removed: [], added: 0 });
    expect(blocksOf(entryAt(res.doc, IMAGE_LINE - 1))[0]!.content).toEqual([{ type: 'text', text: '[image removed by ccmend: image/png, 3.8 MB, 40×20 px]' }]);
  });

  test('a pasted image in the prompt itself (2.1.330), one base64 quad over the limit', () => {
    const lines = entries('image');
    const prompt = entry(lines, '103bd783');
    const data = Buffer.concat([png(lines), Buffer.alloc(3_932_163 - png(lines).length)]).toString('base64');
    prompt.message.content = [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
      { type: 'text', text: prompt.message.content },
    ];
    // The prompt's nine attachment reminders go before it (fixtures/recordings: real-image330 by 2.1.332).
    expect(rows(docOf(lines))).toEqual([
      {
        rule: 'image-too-large',
        severity: 'error',
        line: 3,
        turn: 1,
        apiError: 'messages.0.content.9.image.source.base64: image exceeds 5 MB maximum: 5242884 bytes > 5242880 bytes',
      },
    ]);
  });

  test('an image just under the limit as base64 is fine', () => {
    const lines = entries('image');
    setImage(lines, Buffer.concat([png(lines), Buffer.alloc(3_932_160 - png(lines).length)]));
    expect(rows(docOf(lines))).toEqual([]);
  });
});

describe('image-dimensions', () => {
  test('a PNG 9000 px wide (2.1.330) is over the 8000 px limit', () => {
    const lines = entries('image');
    setImage(lines, withWidth(png(lines), 9000));
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      {
        rule: 'image-dimensions',
        severity: 'error',
        line: IMAGE_LINE,
        turn: 3,
        apiError:
          'messages.2.content.0.tool_result.content.0.image.source.base64.data: At least one of the image dimensions exceed max allowed size: 8000 pixels',
      },
    ]);
    const res = expectRepair(doc, { applied: ['image-dimensions@23: replace the image with a text note'], changed: [IMAGE_LINE], removed: [], added: 0 });
    expect(blocksOf(entryAt(res.doc, IMAGE_LINE - 1))[0]!.content).toEqual([
      { type: 'text', text: '[image removed by ccmend: image/png, 0.0 MB, 9000×20 px]' },
    ]);
  });

  test('21 images 2500 px wide: over the many-image limit; removing one is enough', () => {
    const lines = entries('image');
    setImage(lines, withWidth(png(lines), 2500), 21);
    const doc = docOf(lines);
    expect(rows(doc)).toEqual(
      Array.from({ length: 21 }, (_, k) => ({
        rule: 'image-dimensions',
        severity: 'error',
        line: IMAGE_LINE,
        turn: 3,
        apiError: `messages.2.content.0.tool_result.content.${k}.image.source.base64.data: At least one of the image dimensions exceed max allowed size for many-image requests: 2000 pixels`,
      })),
    );
    const res = expectRepair(doc, { applied: ['image-dimensions@23: replace the image with a text note'], changed: [IMAGE_LINE], removed: [], added: 0 });
    expect(blocksOf(entryAt(res.doc, IMAGE_LINE - 1))[0]!.content.map((b: Entry) => b.type)).toEqual(['text', ...Array(20).fill('image')]);
  });

  test('20 such images are within the limits', () => {
    const lines = entries('image');
    setImage(lines, withWidth(png(lines), 2500), 20);
    expect(rows(docOf(lines))).toEqual([]);
  });
});

describe('request-too-large', () => {
  test('24 MB of Read output, repeated in toolUseResult (2.1.19): the lines are 48 MB but the request is not', () => {
    const lines = entries('lean');
    const big = 'x'.repeat(24 * MB);
    blocksOf(entry(lines, '785a36a8'))[0]!.content = big;
    entry(lines, '785a36a8').toolUseResult = { type: 'text', file: { content: big } };
    // 24 MB of text is far over the context window, though: that is prompt-too-long's (see test/budget).
    expect(rows(docOf(lines)).map((r) => r.rule)).toEqual(['prompt-too-long']);
  });

  test('33 MB of tool output (2.1.19): an error whose lossy fix is offered, never applied by fix', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, '785a36a8'))[0]!.content = 'x'.repeat(33 * MB);
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'request-too-large', severity: 'error', line: 14, apiError: 'HTTP 413 request_too_large: Request exceeds the maximum allowed number of bytes' },
    ]);
    const analysis = analyze(doc);
    const [d] = analysis.diagnostics;
    // The three largest blocks by bytes, ranked on the view index's sizes as largestBlocks ranks every block.
    const largest =
      'line 7, Read `/home/demo/acme-shop/README.md` output, 34,603,008 characters (33.0 MB); line 12, Edit `/home/demo/acme-shop/src/health.js` call, 222 bytes of input (222 bytes); line 3, thinking, 93 characters (201 bytes)';
    expect(largestNamed(doc, analysis.sent, 3, 'bytes').names).toBe(largest);
    expect(d!.message).toBe(
      `the request would be over 33.0 MB; the API accepts at most 32 MB; the largest: ${largest} (Claude Code 2.1.80+ sends this and the API rejects it)`,
    );
    expect(d!.fixes).toEqual([
      {
        label: 'replace the 1 largest tool outputs/images with a note',
        safe: false,
        edits: [{ op: 'set', key: 6, path: ['message', 'content', 0, 'content'], value: '[output removed by ccmend to fit the request size limit]' }],
      },
    ]);
    expect(fixAll(doc).applied).toEqual([]);
    expect(rows(applyEdits(doc, d!.fixes[0]!.edits))).toEqual([]);
  });

  test('45 MB over four outputs (2.1.19): the biggest are stubbed first, of equal sizes the earlier', () => {
    const lines = entries('lean');
    // Lines 7, 8, 11 and 13 hold the four results: 9, 12, 12 and 12 MB; two 12 MB ones are enough.
    ['785a36a8', 'c8cd14ac', 'b89f34a5', 'd8f9c4c6'].forEach((uuid, i) => (blocksOf(entry(lines, uuid))[0]!.content = 'x'.repeat((i ? 12 : 9) * MB)));
    const [d] = analyze(docOf(lines)).diagnostics;
    const stub = (key: number) => ({
      op: 'set',
      key,
      path: ['message', 'content', 0, 'content'],
      value: '[output removed by ccmend to fit the request size limit]',
    });
    expect(d!.fixes).toEqual([{ label: 'replace the 2 largest tool outputs/images with a note', safe: false, edits: [stub(7), stub(10)] }]);
  });
});

test('33 MB in a Write input (2.1.19), which only measuring the request finds: an error with nothing to stub', () => {
  const lines = entries('lean');
  blocksOf(entry(lines, 'd1c67e04'))[0]!.input.content = 'x'.repeat(33 * MB);
  const doc = docOf(lines);
  expect(rows(doc)).toEqual([
    { rule: 'request-too-large', severity: 'error', line: 14, apiError: 'HTTP 413 request_too_large: Request exceeds the maximum allowed number of bytes' },
  ]);
  expect(analyze(doc).diagnostics[0]!.fixes).toEqual([]);
});

describe('too-many-messages', () => {
  // 100,001 messages analysed for every client generation, twice: more than the default time on a busy machine.
  test('100,001 alternating messages built from the 2.1.19 prompt and answer (the client answers the last prompt: 100,002 sent)', () => {
    const [prompt, answer] = [entry(entries('lean'), 'aa6ef44a'), entry(entries('lean'), 'df54582d')];
    let parent: string | null = null;
    const lines = Array.from({ length: 100_001 }, (_, i) => {
      const e = structuredClone(i % 2 ? answer : prompt);
      e.uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      e.parentUuid = parent;
      if (e.message.id) e.message.id = `msg_${i}`;
      parent = e.uuid;
      return e;
    });
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      { rule: 'too-many-messages', severity: 'error', line: 100_001, turn: 100_001, apiError: 'messages: too many messages: 100002 > 100000' },
    ]);
    expect(fixAll(doc).applied).toEqual([]);
  }, 120_000);
});
