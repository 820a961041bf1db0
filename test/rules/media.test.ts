import { describe, expect, test } from 'vitest';
import { applyEdits } from '../../src/edit/apply.js';
import { fixAll } from '../../src/edit/fixAll.js';
import { analyze } from '../../src/rules/analyze.js';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { type Entry, blocksOf, entries, entry, entryAt, errorRow, expectRepair, rows } from './helpers.js';

/** The 2.1.330 image fixture: line 23 is the Read result holding a 40×20 PNG. */
const IMAGE_LINE = 23;
const resultOf = (e: Entry) => blocksOf(e)[0]!;
const readResult = (lines: Entry[]) => resultOf(entry(lines, '3bc009e6'));
const imageOf = (lines: Entry[]) => readResult(lines).content[0];
const IMAGE_AT = 'messages.2.content.0.tool_result.content.0.image.source.base64';

describe('image-empty', () => {
  test('a Read result whose image data is empty (2.1.330): replaced by a note', () => {
    const lines = entries('image');
    imageOf(lines).source.data = '';
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([errorRow('image-empty', IMAGE_LINE, 3, `${IMAGE_AT}: image cannot be empty`)]);
    const res = expectRepair(doc, { applied: ['image-empty@23: replace the image with a text note'], changed: [IMAGE_LINE], removed: [], added: 0 });
    expect(resultOf(entryAt(res.doc, IMAGE_LINE - 1)).content).toEqual([{ type: 'text', text: '[image removed by ccmend: image/png, 0.0 MB; it was empty]' }]);
  });
});

describe('image-media-type', () => {
  test('PNG bytes labelled image/jpeg (2.1.330): the label is corrected and the image kept', () => {
    const lines = entries('image');
    imageOf(lines).source.media_type = 'image/jpeg';
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([errorRow('image-media-type', IMAGE_LINE, 3, `${IMAGE_AT}.data: Image does not match the provided media type image/jpeg`)]);
    const res = expectRepair(doc, {
      applied: ['image-media-type@23: set its media_type to image/png, what its bytes are'],
      changed: [IMAGE_LINE],
      removed: [],
      added: 0,
    });
    expect(resultOf(entryAt(res.doc, IMAGE_LINE - 1)).content[0]).toEqual(imageOf(entries('image')));
  });

  test('an SVG from a tool (2.1.330): not a type the API takes, replaced by a note', () => {
    const lines = entries('image');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#c00"/></svg>';
    Object.assign(imageOf(lines).source, { media_type: 'image/svg+xml', data: Buffer.from(svg).toString('base64') });
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      errorRow('image-media-type', IMAGE_LINE, 3, `${IMAGE_AT}.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`),
    ]);
    const res = expectRepair(doc, { applied: ['image-media-type@23: replace the image with a text note'], changed: [IMAGE_LINE], removed: [], added: 0 });
    expect(resultOf(entryAt(res.doc, IMAGE_LINE - 1)).content).toEqual([
      { type: 'text', text: '[image removed by ccmend: image/svg+xml, 0.0 MB; the API takes only JPEG, PNG, GIF and WebP images]' },
    ]);
  });
});

/** The image fixture with its Read result holding `n` copies of the real PNG. */
function withImages(n: number): Entry[] {
  const lines = entries('image');
  const image = imageOf(lines);
  readResult(lines).content = Array.from({ length: n }, () => structuredClone(image));
  return lines;
}

describe('media-count', () => {
  test('exactly 100 images is within the limit', () => {
    expect(rows(docOf(withImages(100)))).toEqual([]);
  });

  test('101 images (2.1.330): an error whose fix, never automatic, replaces the oldest by a note', () => {
    const doc = docOf(withImages(101));
    expect(rows(doc)).toEqual([errorRow('media-count', IMAGE_LINE, 3, 'Too much media: 0 document pages + 101 images > 100')]);
    expect(fixAll(doc).applied).toEqual([]);
    const [d] = analyze(doc).diagnostics;
    expect(d!.fixes.map((f) => [f.label, f.safe])).toEqual([['replace the 1 oldest images/documents with a note', false]]);
    const fixed = applyEdits(doc, d!.fixes[0]!.edits);
    expect(rows(fixed)).toEqual([]);
    const content = resultOf(entryAt(fixed, IMAGE_LINE - 1)).content as Entry[];
    expect(content.map((b) => b.type)).toEqual(['text', ...Array(100).fill('image')]);
    expect(content[0]!.text).toBe('[image removed by ccmend: image/png, 0.0 MB, 40×20 px; one of the oldest of too many images]');
  });
});

/**
 * A PDF of `n` pages, each saying its number and then `body` (uncompressed,
 * with a correct cross-reference table).
 */
function pdfOfPages(n: number, body = ''): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '', '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  const kids: string[] = [];
  for (let i = 0; i < n; i++) {
    const text = `BT /F1 24 Tf 72 720 Td (Page ${i + 1}) Tj${body && ` 0 -30 Td (${body}) Tj`} ET`;
    kids.push(`${objects.length + 1} 0 R`);
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${objects.length + 2} 0 R >>`);
    objects.push(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${n} >>`;
  let out = '%PDF-1.4\n';
  const offsets = objects.map((o, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  return Buffer.from(`${out}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1');
}

/** The 2.1.330 PDF fixture: line 25 is the Read result, a text line and the PDF's document block. */
const PDF_LINE = 25;
const pdfResult = (lines: Entry[]) => resultOf(entry(lines, 'dbfb4200'));
const PDF_AT = 'messages.2.content.0.tool_result.content.1.pdf.source.base64.data';

describe('document-invalid', () => {
  test('a real PDF read is fine, and so is the same session with the PDF regenerated at 100 pages', () => {
    expect(rows(realDoc('pdf'))).toEqual([]);
    const lines = entries('pdf');
    pdfResult(lines).content[1].source.data = pdfOfPages(100).toString('base64');
    // A hundred pages are what the API reads at most; each costs an image of the page (1,600 tokens) and its few
    // characters of text, 160,208 tokens in all: with the rest of the session within a 200k window, but over 90%.
    const [near] = analyze(docOf(lines)).diagnostics;
    expect([near!.rule, near!.severity, near!.pos + 1, near!.message]).toEqual([
      'prompt-too-long',
      'warning',
      PDF_LINE,
      'the request is ≈ 188,500 tokens (estimated: no usable API count in the file), 94% of the context window of claude-sonnet-4-5 (200,000 tokens), little room to work; the largest: line 25, Read `/tmp/ccmend-fixtures/acme-shop/spec.pdf` output, 67 characters and a PDF of 100 pages (≈ 160,200); line 8, attachment, 6,312 characters (≈ 1,900); line 7, attachment, 1,880 characters (≈ 567); cutting every old tool output, image and document still leaves ≈ 188,500',
    ]);
    expect(rows(docOf(lines))).toEqual([{ rule: 'prompt-too-long', severity: 'warning', line: PDF_LINE, turn: 3 }]);
  });

  test('a hundred pages of dense text overflow a 200k window', () => {
    const lines = entries('pdf');
    pdfResult(lines).content[1].source.data = pdfOfPages(100, 'lorem ipsum dolor sit amet '.repeat(100)).toString('base64');
    // Each page also shows 2,700 characters, about 810 tokens of text beside its image.
    // (The token reminder after the Read result goes into its content, as 2.1.330 sends it: fixtures/recordings,
    // real-image330.)
    expect(rows(docOf(lines))).toEqual([errorRow('prompt-too-long', PDF_LINE, 3, 'prompt is too long: 269490 tokens > 200000 maximum')]);
    expect(rows(docOf(lines), { budget: { settingsModel: 'sonnet[1m]' } })).toEqual([]);
  });

  test('a PDF cut short (2.1.330): not a valid PDF, replaced by a note', () => {
    const lines = entries('pdf');
    const source = pdfResult(lines).content[1].source;
    source.data = Buffer.from(source.data, 'base64').subarray(0, 400).toString('base64');
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([errorRow('document-invalid', PDF_LINE, 3, `${PDF_AT}: The PDF specified was not valid.`)]);
    const res = expectRepair(doc, { applied: ['document-invalid@25: replace the document with a text note'], changed: [PDF_LINE], removed: [], added: 0 });
    expect(resultOf(entryAt(res.doc, PDF_LINE - 1)).content).toEqual([
      pdfResult(entries('pdf')).content[0],
      { type: 'text', text: '[document removed by ccmend: application/pdf, 0.4 KB; not a valid PDF]' },
    ]);
  });

  test('a PDF of 101 pages: over what the API reads', () => {
    const lines = entries('pdf');
    pdfResult(lines).content[1].source.data = pdfOfPages(101).toString('base64');
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([
      errorRow('document-invalid', PDF_LINE, 3, 'A maximum of 100 PDF pages may be provided.'),
      errorRow('media-count', PDF_LINE, 3, 'Too much media: 101 document pages + 0 images > 100'),
      { rule: 'prompt-too-long', severity: 'warning', line: PDF_LINE, turn: 3 },
    ]);
    expectRepair(doc, { applied: ['document-invalid@25: replace the document with a text note'], changed: [PDF_LINE], removed: [], added: 0 });
  });
});
