import { readFileSync, mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyze } from '../../src/rules/analyze.js';
import { loadFile } from '../../src/transcript/load.js';
import { saveInPlace, saveTo, serializeToBuffer } from '../../src/transcript/save.js';
import { PROJECTS, allTranscripts, realBytes } from '../helpers/fixtures.js';

describe('load + save without edits is byte-identical', () => {
  for (const file of allTranscripts()) {
    test(relative(PROJECTS, file), async () => {
      const doc = await loadFile(file);
      try {
        expect(doc.lines.every((l) => l.info.kind === 'entry')).toBe(true);
        expect(serializeToBuffer(doc).equals(readFileSync(file))).toBe(true);
        analyze(doc); // never throws on real data
      } finally {
        doc.source.close();
      }
    });
  }

  test('CRLF endings, invalid UTF-8, a torn last line and no final newline survive', async () => {
    const lines = realBytes('parallel').toString('utf8').split('\n').filter(Boolean);
    const bytes = Buffer.concat([
      Buffer.from(`${lines.slice(0, 5).join('\r\n')}\r\n`),
      Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d, 0x0a]), // {"x":"<invalid utf-8>"}
      Buffer.from(`${lines.slice(5).join('\n')}\n`),
      Buffer.from(lines[20]!.slice(0, 150)), // torn, no newline
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'ccmend-rt-'));
    const file = join(dir, 's.jsonl');
    writeFileSync(file, bytes);
    const doc = await loadFile(file);
    expect(doc.lines[0]!.eol).toBe('\r\n');
    expect(doc.lines[5]!.info.kind).toBe('entry');
    expect(doc.lines.at(-1)!.info.kind).toBe('invalid');
    expect(doc.lines.at(-1)!.eol).toBe('');
    expect(serializeToBuffer(doc).equals(bytes)).toBe(true);
    const out = join(dir, 'out.jsonl');
    saveTo(doc, out);
    expect(readFileSync(out).equals(bytes)).toBe(true);
    const res = saveInPlace(doc, new Date('2026-11-22T18:30:00Z'));
    expect(res.backup).toBe(`${file}.ccmend-20261122T183000Z.bak`);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readFileSync(res.backup!).equals(bytes)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['out.jsonl', 's.jsonl', 's.jsonl.ccmend-20261122T183000Z.bak']);
    doc.source.close();
  });
});
