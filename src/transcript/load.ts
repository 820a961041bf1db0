import { type Doc, type Eol, type Line, summarize } from './document.js';
import { BufferSource, FileSource } from './source.js';

export type Progress = (bytesRead: number, total: number) => void;

const CHUNK = 1 << 20;
const TAIL = 4096;
const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits bytes into lines and summarises each, streaming: only one chunk (plus
 * a line that straddles chunks) is in memory at a time. Keeps offsets, not bytes.
 */
class LineSplitter {
  readonly lines: Line[] = [];
  private carry: Buffer | null = null;
  private carryStart = 0;

  push(chunk: Buffer, chunkOffset: number): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      if (nl === -1) break;
      if (this.carry) {
        const full = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
        this.emit(full, 0, full.length - 1, this.carryStart, true);
        this.carry = null;
      } else {
        this.emit(chunk, start, nl, chunkOffset + start, true);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.carry) this.carry = Buffer.concat([this.carry, rest]);
      else {
        this.carry = Buffer.from(rest);
        this.carryStart = chunkOffset + start;
      }
    }
  }

  end(): Line[] {
    if (this.carry) this.emit(this.carry, 0, this.carry.length, this.carryStart, false);
    this.carry = null;
    return this.lines;
  }

  /** `end` is the index of the newline (or the end of data when `hasNl` is false). */
  private emit(buf: Buffer, start: number, end: number, fileOffset: number, hasNl: boolean): void {
    let contentEnd = end;
    let eol: Eol = '';
    if (hasNl) {
      eol = '\n';
      if (contentEnd > start && buf[contentEnd - 1] === CR) {
        contentEnd -= 1;
        eol = '\r\n';
      }
    }
    const length = contentEnd - start;
    const { info } = summarize(buf.toString('utf8', start, contentEnd), length);
    this.lines.push({ key: this.lines.length, span: { offset: fileOffset, length }, eol, info });
  }
}

export function docFromBuffer(buf: Buffer, path?: string): Doc {
  const splitter = new LineSplitter();
  splitter.push(buf, 0);
  const lines = splitter.end();
  return { path, source: new BufferSource(buf), lines, nextKey: lines.length };
}

/**
 * Loads a transcript from disk. The returned document keeps the file open (see
 * FileSource) so untouched lines can be copied back verbatim on save.
 */
export async function loadFile(path: string, onProgress?: Progress): Promise<Doc> {
  const source = new FileSource(path);
  try {
    const { ino } = source.stat();
    const splitter = new LineSplitter();
    const buf = Buffer.allocUnsafe(CHUNK);
    let offset = 0;
    for (;;) {
      const n = source.readChunk(buf, offset);
      if (n === 0) break;
      splitter.push(buf.subarray(0, n), offset);
      offset += n;
      onProgress?.(offset, source.size);
      // Yield so a UI can paint progress between chunks.
      if (onProgress) await new Promise((r) => setImmediate(r));
    }
    const lines = splitter.end();
    const tail = source.read(Math.max(0, offset - TAIL), Math.min(TAIL, offset));
    // If a writer appended after our last read, an unknown mtime makes save check for an append.
    const after = source.stat();
    const mtimeMs = after.size === offset ? after.mtimeMs : -1;
    return { path, source, lines, nextKey: lines.length, stamp: { size: offset, mtimeMs, ino, tail } };
  } catch (e) {
    source.close();
    throw e;
  }
}
