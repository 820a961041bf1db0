import { deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { loadedOverheads, requestBudget } from '../../src/budget/budget.js';
import { blockTokens, documentTokens, estimateTextTokens, imageTokens, toolResultTokens } from '../../src/budget/estimate.js';
import { planFit } from '../../src/budget/fit.js';
import { describeBudget } from '../../src/budget/format.js';
import { contextWindow } from '../../src/budget/window.js';
import { applyEdits } from '../../src/edit/apply.js';
import { analyze } from '../../src/rules/analyze.js';
import { readLineInfo } from '../../src/transcript/document.js';
import { decodeLineInfos, encodeLineInfos } from '../../src/transcript/lineInfoWire.js';
import { type DocumentFacts, documentFacts } from '../../src/transcript/pdf.js';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { type Entry, entries } from '../rules/helpers.js';

describe('the context window', () => {
  test('200k, or 1M for the models that have it, when the settings ask for it, or when the API took more', () => {
    expect(contextWindow({ model: 'claude-sonnet-4-20250514' })).toEqual({ tokens: 200_000, model: 'claude-sonnet-4-20250514', reason: 'model' });
    expect(contextWindow({ model: 'claude-opus-4-6' })).toEqual({ tokens: 1_000_000, model: 'claude-opus-4-6', reason: 'model' });
    expect(contextWindow({ model: 'claude-opus-4-5-20251101' }).tokens).toBe(200_000);
    expect(contextWindow({ model: 'claude-haiku-4-5-20251001' }).tokens).toBe(200_000);
    expect(contextWindow({ model: 'claude-sonnet-5' }).tokens).toBe(1_000_000);
    expect(contextWindow({ model: 'claude-sonnet-4-5-20250929', settingsModel: 'sonnet[1m]' })).toEqual({
      tokens: 1_000_000,
      model: 'sonnet[1m]',
      reason: 'settings',
    });
    expect(contextWindow({ model: 'claude-sonnet-4-5-20250929', largestRecorded: 412_000 })).toMatchObject({ tokens: 1_000_000, reason: 'observed' });
    expect(contextWindow({})).toEqual({ tokens: 200_000, reason: 'default' });
  });
});

/** A valid PNG of the given size (one grey channel), to stand where a screenshot would. */
function png(width: number, height: number): string {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth; colour type 0 (grey), the rest 0
  const rows = Buffer.alloc((width + 1) * height);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]).toString('base64');
}

/** A PDF of `pages` empty pages, its objects uncompressed as most small PDFs are. */
function pdf(pages: number): string {
  const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(' ');
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    `2 0 obj << /Type /Pages /Kids [${kids}] /Count ${pages} >> endobj`,
    ...Array.from({ length: pages }, (_, i) => `${i + 3} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj`),
  ];
  return Buffer.from(`%PDF-1.4\n${objects.join('\n')}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1').toString('base64');
}

describe('the estimate of a block', () => {
  test('text, tool results and tool calls by their size; images by their pixels; documents by their pages', () => {
    expect(estimateTextTokens('Please run the tests.')).toBe(7);
    expect(toolResultTokens('x'.repeat(1000))).toBe(343);
    expect(imageTokens({ width: 1000, height: 500 })).toBe(667);
    // Scaled to 1.2 megapixels: every large screenshot costs the same.
    expect(imageTokens({ width: 3024, height: 1964 })).toBe(1600);
    expect(imageTokens({})).toBe(1600);

    const prompt = entries('old')[1]!;
    const line = {
      ...prompt,
      message: {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png(1440, 900) } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf(3) } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'a plain text attachment' } },
        ],
      },
    };
    const text = JSON.stringify(line);
    const info = readLineInfo(text, Buffer.byteLength(text));
    const [image, doc, plain] = info.blocks;
    expect(image!.images[0]).toMatchObject({ mediaType: 'image/png', width: 1440, height: 900 });
    expect(blockTokens(image!)).toBe(1600 + 3);
    expect(doc!.documents).toEqual([
      { mediaType: 'application/pdf', bytes: doc!.documents![0]!.bytes, validPdf: true, pages: 3, textChars: 0, path: ['message', 'content', 1] },
    ]);
    expect(doc!.preview).toBe('application/pdf');
    // Three blank pages: an image of each page at the vision limit, no text.
    expect(blockTokens(doc!)).toBe(3 * 1600 + 3);
    expect(plain!.documents).toEqual([{ mediaType: 'text/plain', bytes: 23, path: ['message', 'content', 2] }]);
    expect(blockTokens(plain!)).toBe(7 + 3);
    // The document facts cross between threads with the rest of the line's summary.
    expect(decodeLineInfos(encodeLineInfos([info]))[0]!.blocks[1]).toEqual(doc);
  });
});

describe('a PDF by its pages and the text they show', () => {
  /** A one-page PDF whose content stream shows `shown` (as text operators), compressed or not. */
  function pdfShowing(shown: string, filter: 'none' | 'flate' | 'lzw'): DocumentFacts {
    const content = Buffer.from(shown, 'latin1');
    const data = filter === 'flate' ? deflateSync(content) : content;
    const dict = filter === 'none' ? '' : filter === 'flate' ? ' /Filter /FlateDecode' : ' /Filter [/LZWDecode]';
    const head = `%PDF-1.4\n1 0 obj << /Type /Page /MediaBox [0 0 612 792] /Contents 2 0 R >> endobj\n2 0 obj << /Length ${data.length}${dict} >>\nstream\n`;
    const bytes = Buffer.concat([Buffer.from(head, 'latin1'), data, Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1')]);
    return documentFacts({ type: 'base64', media_type: 'application/pdf', data: bytes.toString('base64') }, undefined)!;
  }
  const page = 'BT /F1 12 Tf 72 720 Td (Total \\(net\\): 12) Tj 0 -14 Td [(Ker) -20 (ning)] TJ <48656C6C6F> Tj ET';

  test('the characters of its text operators, plain or Flate-compressed, beside an image of each page', () => {
    // "Total (net): 12" is 15 characters (an escape is one), "Kerning" 7, the hex string "Hello" 5.
    expect(pdfShowing(page, 'none')).toMatchObject({ pages: 1, textChars: 27 });
    expect(pdfShowing(page, 'flate')).toMatchObject({ pages: 1, textChars: 27 });
    expect(documentTokens({ ...pdfShowing(page, 'flate'), path: [] })).toBe(1600 + 9);
    // Drawing operators outside a text object show nothing.
    expect(pdfShowing('0 0 612 792 re f', 'none').textChars).toBe(0);
  });

  test('a stream it cannot read counts as a page of dense text', () => {
    const unread = pdfShowing(page, 'lzw');
    expect(unread.textChars).toBeUndefined();
    expect(documentTokens({ ...unread, path: [] })).toBe(1600 + 750);
  });
});

describe('the total of a real session', () => {
  const doc = realDoc('long');
  const { view } = analyze(doc);

  test('is the newest count plus an estimate of what follows it', () => {
    const b = requestBudget(doc, view);
    expect(b.anchor).toMatchObject({ pos: 1506, count: 106_060 });
    expect(b.afterLines).toBe(1);
    expect(b.total).toBe(106_060 + b.after);
    expect(describeBudget(b)).toBe('≈ 106,100 tokens (API count 106,060 at line 1,507, plus an estimate for 1 line from there)');
  });

  test('an edit before the count changes the total by what it changed, in the session and after a fresh load', () => {
    // The 28,026-character tool output on line 805 (turn 11) stubbed.
    const cut = planFit(doc, view, { target: 97_000 });
    expect(cut.cuts.map((c) => c.pos + 1)).toEqual([805]);
    const edited = applyEdits(
      doc,
      cut.cuts.map((c) => c.edit),
    );
    const after = analyze(edited).view;
    const saved = cut.cuts[0]!.tokens - cut.cuts[0]!.stubTokens;

    const inSession = requestBudget(edited, after, { loaded: loadedOverheads(doc, view) });
    expect(inSession.anchor).toMatchObject({ pos: 1506, count: 106_060 });
    expect(inSession.total).toBe(requestBudget(doc, view).total - saved);
    expect(inSession.editedBefore).toBe(-saved);
    expect(describeBudget(inSession)).toBe(
      '≈ 96,700 tokens (API count 106,060 at line 1,507, 9,500 fewer for edits before it, plus an estimate for 1 line from there)',
    );

    // A fresh load has no record of the cut: the counts after it include the output, so it falls back to the one before.
    const fresh = requestBudget(edited, after);
    expect(fresh.anchor).toMatchObject({ pos: 800, count: 40_742 });
    expect(Math.abs(fresh.total - inSession.total) / inSession.total).toBeLessThan(0.1);
  });

  test('images and documents go after every tool output, oldest first', () => {
    const lines = entries('old');
    const prompt = lines.find((e) => e.type === 'user' && typeof e.message?.content === 'string') as Entry;
    const key = lines.indexOf(prompt);
    prompt.message.content = [
      { type: 'text', text: prompt.message.content },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png(1600, 1000) } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf(4) } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png(800, 600) } },
    ];
    const withMedia = docOf(lines);
    const v = analyze(withMedia).view;
    const all = planFit(withMedia, v, { target: 1 });
    const kinds = all.cuts.map((c) => c.kind);
    const firstMedia = kinds.indexOf('image');
    expect(kinds.slice(0, firstMedia).every((k) => k === 'tool output')).toBe(true);
    expect(all.cuts.slice(firstMedia).map((c) => [c.kind, c.pos, c.block])).toEqual([
      ['image', key, 1],
      ['document', key, 2],
      ['image', key, 3],
    ]);
    expect(all.cuts[firstMedia]!.stub).toBe('[ccmend cut this to fit the context window: image/png, 1600×1000 px, 2 KB, ≈ 1,600 tokens]');
    expect(all.cuts[firstMedia]!.edit).toEqual({ op: 'set', key, path: ['message', 'content', 1], value: { type: 'text', text: all.cuts[firstMedia]!.stub } });
    // The prompt's own words are never cut.
    expect(all.cuts.some((c) => c.pos === key && c.block === 0)).toBe(false);
  });
});
