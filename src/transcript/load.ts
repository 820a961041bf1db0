import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Doc, type Eol, type FileStamp, type Line, readLineInfo } from './document.js';
import { type LineInfo, internIds, shareStrings } from './lineInfo.js';
import { decodeLineInfos, encodeLineInfos } from './lineInfoWire.js';
import { BufferSource, FileSource, SourceChangedError } from './source.js';

export type Progress = (bytesRead: number, total: number) => void;

const CHUNK = 1 << 20;
const TAIL = 4096;
const NL = 0x0a;
const CR = 0x0d;
const EOLS: Eol[] = ['', '\n', '\r\n'];

/** Consecutive lines of a file: where each is, its end of line and its summary (ids not interned). */
export interface Piece {
  readonly offsets: ArrayLike<number>;
  readonly lengths: ArrayLike<number>;
  /** Index into EOLS. */
  readonly eols: ArrayLike<number>;
  readonly infos: readonly LineInfo[];
}

/** The lines of one byte range of a file. */
export interface Part extends Piece {
  /** Bytes read: the offset just past the range's last byte. */
  readonly end: number;
}

type Lines = { offsets: number[]; lengths: number[]; eols: number[]; infos: LineInfo[] };
const noLines = (): Lines => ({ offsets: [], lengths: [], eols: [], infos: [] });

/**
 * Splits bytes into lines and summarises each, streaming: only one chunk (plus
 * a line that straddles chunks) is in memory at a time. Keeps offsets, not bytes.
 */
class LineSplitter {
  private carry: Buffer | null = null;
  private carryStart = 0;
  private part: Lines = noLines();
  private read: number;
  constructor(start: number) {
    this.read = start;
  }

  /** The whole lines split since the last take, taken out of the part. */
  take(): Piece {
    const taken = this.part;
    this.part = noLines();
    return taken;
  }

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
    this.read = chunkOffset + chunk.length;
  }

  /** The lines not taken yet, the last one included. */
  end(): Part {
    if (this.carry) this.emit(this.carry, 0, this.carry.length, this.carryStart, false);
    this.carry = null;
    return { ...this.take(), end: this.read };
  }

  /** `end` is the index of the newline (or the end of data when `hasNl` is false). */
  private emit(buf: Buffer, start: number, end: number, fileOffset: number, hasNl: boolean): void {
    let contentEnd = end;
    let eol = 0;
    if (hasNl) {
      eol = 1;
      if (contentEnd > start && buf[contentEnd - 1] === CR) {
        contentEnd -= 1;
        eol = 2;
      }
    }
    const length = contentEnd - start;
    const p = this.part;
    p.offsets.push(fileOffset);
    p.lengths.push(length);
    p.eols.push(eol);
    p.infos.push(readLineInfo(buf.toString('utf8', start, contentEnd), length));
  }
}

/** Reads `into.length` bytes (or fewer at the end of the file) at `offset`; returns how many. */
export type ReadAt = (into: Buffer, offset: number) => number;

/**
 * Splits and summarises the lines of bytes [start, end) of a file, reading to
 * its end when `end` is Infinity. `between` runs after each chunk with the bytes
 * done so far; when it returns a promise, the next chunk waits for it. It may
 * take the lines split so far (`take`): the part returned holds those not taken.
 */
export async function readPart(read: ReadAt, start: number, end: number, between?: (done: number, take: () => Piece) => void | Promise<void>): Promise<Part> {
  const splitter = new LineSplitter(start);
  const buf = Buffer.allocUnsafe(CHUNK);
  let offset = start;
  while (offset < end) {
    const n = read(end - offset < CHUNK ? buf.subarray(0, end - offset) : buf, offset);
    if (n === 0) break;
    splitter.push(buf.subarray(0, n), offset);
    offset += n;
    await between?.(offset - start, () => splitter.take());
  }
  return splitter.end();
}

/**
 * The lines of consecutive parts, keyed by position from `firstKey` on, with their ids interned in
 * file order and repeated strings shared.
 */
function linesOf(parts: readonly Part[], firstKey = 0): Line[] {
  const lines: Line[] = [];
  const seen = new Map<string, string>();
  let previous: LineInfo | undefined;
  for (const p of parts) {
    for (let i = 0; i < p.infos.length; i++) {
      const info = p.infos[i]!;
      internIds(info, previous);
      shareStrings(info, seen, previous);
      previous = info;
      lines.push({ key: firstKey + lines.length, span: { offset: p.offsets[i]!, length: p.lengths[i]! }, eol: EOLS[p.eols[i]!]!, info });
    }
  }
  return lines;
}

/** The lines of `buf`, which sits at `offset` of its file, keyed from `firstKey` on: what a load makes of those bytes. */
export function linesAt(buf: Buffer, offset: number, firstKey: number): Line[] {
  const splitter = new LineSplitter(offset);
  splitter.push(buf, offset);
  return linesOf([splitter.end()], firstKey);
}

/**
 * The stamp of a document holding the first `size` bytes of the file `source` reads. If a writer
 * appended after them, an unknown mtime makes save check for an append.
 */
export function stampOf(source: FileSource, size: number): FileStamp {
  const tail = source.read(Math.max(0, size - TAIL), Math.min(TAIL, size));
  const after = source.stat();
  return { size, mtimeMs: after.size === size ? after.mtimeMs : -1, ino: after.ino, tail };
}

export function docFromBuffer(buf: Buffer, path?: string): Doc {
  const splitter = new LineSplitter(0);
  splitter.push(buf, 0);
  const lines = linesOf([splitter.end()]);
  return { path, source: new BufferSource(buf), lines, nextKey: lines.length };
}

/** How big files are read on several threads; see loadInParallel. */
export interface Parallel {
  /** The built worker script (dist/loadWorker.js). */
  readonly script: URL;
  /** Parts a file is cut into: the main thread reads the last, a worker each of the others. */
  readonly parts: number;
  /** Smaller files are read on the main thread alone: a worker costs ~0.1 s to start. */
  readonly minBytes: number;
}

/** The executable's setting (bin.ts); from source, where there is no built worker, loads stay on one thread. */
let parallel: Parallel | undefined;

export function loadInParallel(p: Parallel | undefined): void {
  parallel = p;
}

/** Read a file of 32 MiB or more on up to four threads. */
export const defaultParallel = (script: URL): Parallel => ({ script, parts: Math.min(availableParallelism(), 4), minBytes: 32 << 20 });

/** Lines as a worker posts them: their places, and their summaries as encodeLineInfos text. */
export interface WirePiece {
  readonly offsets: ArrayLike<number>;
  readonly lengths: ArrayLike<number>;
  readonly eols: ArrayLike<number>;
  readonly wire: string;
}

/**
 * What a worker posts: its lines piece by piece as it reads them, with the bytes it is done with;
 * then the rest of its part, with the offset it ended at. Encoded a few thousand lines at a
 * time, the summaries die young on the worker's heap instead of all filling it until the end.
 */
export type WorkerMessage = (WirePiece & { readonly done: number }) | (WirePiece & { readonly end: number });

/** Lines put on the wire: typed arrays, which a message copies as one block each. */
export function wirePiece(p: Piece): WirePiece {
  return { offsets: Float64Array.from(p.offsets), lengths: Float64Array.from(p.lengths), eols: Uint8Array.from(p.eols), wire: encodeLineInfos(p.infos) };
}

/** The pieces of a part as one part. */
function joined(pieces: readonly WirePiece[], end: number): Part {
  const all = noLines();
  for (const w of pieces) {
    const infos = decodeLineInfos(w.wire);
    for (let i = 0; i < infos.length; i++) {
      all.offsets.push(w.offsets[i]!);
      all.lengths.push(w.lengths[i]!);
      all.eols.push(w.eols[i]!);
      all.infos.push(infos[i]!);
    }
  }
  return { ...all, end };
}

/** The first line start at or after `at`, or -1 when no newline follows it. */
function lineStartFrom(read: ReadAt, at: number): number {
  const window = Buffer.allocUnsafe(1 << 16);
  for (let offset = at; ; offset += window.length) {
    const n = read(window, offset);
    if (n === 0) return -1;
    const nl = window.subarray(0, n).indexOf(NL);
    if (nl !== -1) return offset + nl + 1;
  }
}

/**
 * The main thread's part is this much bigger than a worker's: a worker first
 * starts (~0.1 s) and encodes its summaries, the main thread then decodes them.
 * Measured on 200 MB with two cores: both finish together near this ratio.
 */
const MAIN_WEIGHT = 1.2;

/** Where the parts begin: 0 and a line start at each worker's share of the file. */
function partStarts(read: ReadAt, size: number, parts: number): number[] {
  const starts = [0];
  const share = size / (parts - 1 + MAIN_WEIGHT);
  for (let k = 1; k < parts; k++) {
    const s = lineStartFrom(read, Math.max(starts[k - 1]!, Math.floor(share * k)));
    if (s === -1 || s >= size) break;
    starts.push(s);
  }
  return starts;
}

/**
 * A part read by a worker thread (`script`, see loadWorker.ts) through our file descriptor; rejects
 * if the worker fails. Its pieces are decoded once the part is whole, one after the other: decoded
 * as they come, between the main thread's own chunks, the summaries of the two parts would lie
 * interleaved on the heap, and every pass over the document after the load would be slower.
 */
export function partInWorker(script: URL, fd: number, start: number, end: number, onDone: (done: number) => void): Promise<Part> {
  return new Promise((resolve, reject) => {
    // A small young generation: the worker's peak memory drops by a third (a 200 MB load peaks at
    // 1.3× the file instead of 1.45×), and it is no slower, as nearly all it allocates dies young anyway.
    const worker = new Worker(script, { workerData: { fd, start, end }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    const pieces: WirePiece[] = [];
    worker.on('message', (m: WorkerMessage) => {
      pieces.push(m);
      if ('done' in m) return onDone(m.done);
      onDone(m.end - start);
      resolve(joined(pieces, m.end));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`load worker exited with code ${code}`)));
  });
}

/**
 * Loads a transcript from disk. The returned document keeps the file open (see
 * FileSource) so untouched lines can be copied back verbatim on save.
 *
 * A big file is cut at line starts into parts read at once on several threads
 * (JSON.parse is most of a load and each thread has its own). Workers hand
 * their summaries back as compact text; the main thread reads the last part
 * itself, to the end of the file as it is then, like a single-threaded load.
 */
export async function loadFile(path: string, onProgress?: Progress): Promise<Doc> {
  const source = new FileSource(path);
  let workers: Promise<Part>[] = [];
  try {
    const { size } = source.stat();
    const read: ReadAt = (into, offset) => source.readChunk(into, offset);
    const starts = parallel && size >= parallel.minBytes && parallel.parts > 1 ? partStarts(read, size, parallel.parts) : [0];
    const done = starts.map(() => 0);
    const report = () =>
      onProgress?.(
        done.reduce((a, b) => a + b, 0),
        size,
      );
    workers = starts.slice(0, -1).map((start, k) => {
      const end = starts[k + 1]!;
      const progress = (n: number) => {
        done[k] = n;
        report();
      };
      // A worker that cannot run (or dies) leaves its part to the main thread: slower, never wrong.
      return partInWorker(parallel!.script, source.descriptor(), start, end, progress).catch(() => readPart(read, start, end, progress));
    });
    const last = starts.length - 1;
    const mine = await readPart(read, starts[last]!, Infinity, async (n) => {
      done[last] = n;
      if (!onProgress) return;
      report();
      // Yield so a UI can paint progress between chunks.
      await new Promise((r) => setImmediate(r));
    });
    const parts = [...(await Promise.all(workers)), mine];
    for (let k = 0; k < last; k++) {
      if (parts[k]!.end !== starts[k + 1]) throw new SourceChangedError(`${path} shrank while it was being read; try again`);
    }
    const lines = linesOf(parts);
    const stamp = stampOf(source, mine.end);
    return { path, source, lines, nextKey: lines.length, stamp };
  } catch (e) {
    // Workers read through this descriptor: it is closed only once they are done.
    await Promise.allSettled(workers);
    source.close();
    throw e;
  }
}

/** A load that started before anyone listened to its progress. */
export interface StartedLoad {
  readonly path: string;
  readonly doc: Promise<Doc>;
  /** Hears progress from now on, the last report so far at once. */
  listen(onProgress: Progress): void;
}

/**
 * Starts loading `path` at once. The editor calls this before importing its
 * own modules (~0.2 s), so the worker threads are parsing meanwhile.
 */
export function startLoading(path: string): StartedLoad {
  let listener: Progress | undefined;
  let last: [number, number] | undefined;
  const doc = loadFile(path, (read, total) => {
    last = [read, total];
    listener?.(read, total);
  });
  // Whoever awaits the document hears of a failure; until then it is not an unhandled rejection.
  doc.catch(() => {});
  return {
    path,
    doc,
    listen(onProgress) {
      listener = onProgress;
      if (last) onProgress(...last);
    },
  };
}
