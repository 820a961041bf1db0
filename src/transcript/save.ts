import {
  type Stats,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  linkSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Doc, type Eol, type Line, defaultEol, lineBytes } from './document.js';
import { rememberColumns, columnsOf } from './columns.js';
import { linesAt, stampOf } from './load.js';
import { FileSource } from './source.js';

/** The file on disk is not the one that was loaded, and merging is not safe. */
export class SaveConflictError extends Error {}

export interface SaveResult {
  readonly path: string;
  readonly backup?: string;
  /** Lines another writer appended after loading, kept at the end of the saved file. */
  readonly appendedLines: number;
  readonly bytes: number;
}

/** Where serialize put each line: its offset and length in the bytes written, and the end of line written after it. */
export interface Layout {
  readonly offsets: number[];
  readonly lengths: number[];
  readonly eols: Eol[];
}

const EOL_BYTES = { '': Buffer.alloc(0), '\n': Buffer.from('\n'), '\r\n': Buffer.from('\r\n') } as const;

/** How much of a stretch of untouched lines serialize reads at once. */
const PIECE = 1 << 20;

/**
 * The document's bytes, line by line (untouched lines verbatim from the source).
 * A line without an end of line (the file's torn or unterminated last line) that
 * an edit left with lines after it gets the file's end of line, so it is not
 * glued to the next one. `layout` hears where each line went.
 *
 * Untouched lines that follow each other in the source, ends of line included, are
 * read as one stretch, a piece at a time into one buffer: a chunk yielded is valid
 * until the next is asked for. (One buffer per line would allocate the whole file
 * again, 2 GB, and V8 collects as that grows.)
 */
export function* serialize(doc: Doc, layout?: Layout): Generator<Buffer> {
  const last = doc.lines.length - 1;
  const separator = defaultEol(doc);
  // Grown to the largest piece read (a small document's are small).
  let piece = Buffer.alloc(0);
  let from = 0;
  let to = 0;
  function* stretch(): Generator<Buffer> {
    for (let at = from; at < to; at += PIECE) {
      const n = Math.min(PIECE, to - at);
      if (piece.length < n) piece = Buffer.allocUnsafe(n);
      yield doc.source.read(at, n, piece);
    }
    from = to = 0;
  }
  let at = 0;
  for (const [i, line] of doc.lines.entries()) {
    const eol = line.eol || (i < last ? separator : '');
    const verbatim = line.text === undefined && line.bytes === undefined && eol === line.eol ? line.span : undefined;
    const bytes = verbatim ? undefined : lineBytes(doc, line);
    const length = verbatim ? verbatim.length : bytes!.length;
    if (layout) {
      layout.offsets.push(at);
      layout.lengths.push(length);
      layout.eols.push(eol);
    }
    at += length + eol.length;
    if (verbatim && verbatim.offset === to && to > from) {
      to += length + eol.length;
      continue;
    }
    yield* stretch();
    if (verbatim) {
      from = verbatim.offset;
      to = from + length + eol.length;
      continue;
    }
    yield bytes!;
    if (eol) yield EOL_BYTES[eol];
  }
  yield* stretch();
}

export function serializeToBuffer(doc: Doc): Buffer {
  // Each chunk copied as it comes: serialize reuses its buffer.
  const chunks: Buffer[] = [];
  for (const c of serialize(doc)) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** `<file>.ccmend-20261122T183000Z.bak`, never overwriting an earlier backup. */
export function backupPath(path: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  let candidate = `${path}.ccmend-${stamp}.bak`;
  for (let n = 1; existsSync(candidate); n++) candidate = `${path}.ccmend-${stamp}-${n}.bak`;
  return candidate;
}

/**
 * Keeps the file as it is on disk under the name `backup`: a second name for the same file where
 * the filesystem allows one (the save then writes a new file and renames it over the first name,
 * so the old one is left whole under this one, and a 2 GB transcript's backup costs no copy);
 * else a copy. Never over an existing file.
 */
function keepBackup(target: string, backup: string): void {
  try {
    linkSync(target, backup);
  } catch {
    copyFileSync(target, backup, constants.COPYFILE_EXCL);
  }
}

function readRange(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/**
 * What another writer did to the file since it was loaded: nothing, a pure
 * append (Claude Code still running: the bytes to keep), or anything else.
 */
function changesSinceLoad(doc: Doc, path: string): Buffer {
  const stamp = doc.stamp;
  if (!stamp) return Buffer.alloc(0);
  let now: ReturnType<typeof statSync>;
  try {
    now = statSync(path);
  } catch {
    throw new SaveConflictError(`${path} was deleted or moved since it was opened; not saved (use --out to write elsewhere)`);
  }
  if (now.ino !== stamp.ino) throw new SaveConflictError(`${path} was replaced by another program since it was opened; not saved`);
  if (now.size === stamp.size && now.mtimeMs === stamp.mtimeMs) return Buffer.alloc(0);
  // A pure append leaves the loaded bytes alone (checked on their tail) and starts after a complete line.
  const tail = stamp.tail;
  const grew = now.size > stamp.size && readRange(path, stamp.size - tail.length, tail.length).equals(tail);
  if (!grew || (stamp.size > 0 && tail[tail.length - 1] !== 0x0a)) {
    throw new SaveConflictError(`${path} changed on disk since it was opened (not just appended to); not saved`);
  }
  return readRange(path, stamp.size, now.size - stamp.size);
}

/**
 * Writes `chunks` to `fd`, small ones gathered into one 1 MiB buffer (each chunk is copied before the
 * next is asked for: serialize reuses its buffer); returns the number of bytes.
 */
function writeAll(fd: number, chunks: Iterable<Buffer>): number {
  const batch = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  let bytes = 0;
  const write = (buf: Buffer, length: number) => {
    let done = 0;
    while (done < length) done += writeSync(fd, buf, done, length - done);
    bytes += length;
  };
  for (const c of chunks) {
    if (used + c.length > batch.length) {
      write(batch, used);
      used = 0;
    }
    if (c.length >= batch.length) write(c, c.length);
    else used += c.copy(batch, used);
  }
  write(batch, used);
  return bytes;
}

const removeQuietly = (path: string) => rmSync(path, { force: true });

interface WriteOptions {
  readonly mode: number;
  /** Keep the replaced file's owner (when running as root on another user's file). */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /**
   * Open the file written for reading before it is renamed into place, its messages naming it
   * thus: the source of the document as saved is then the file this save wrote, whatever is
   * renamed over the path next.
   */
  readonly reopenAs?: string;
}

interface Written {
  readonly bytes: number;
  /** The file written, open for reading (with `reopenAs`). */
  readonly source?: FileSource;
}

/** Temp file next to `target`, fsync, rename over it: readers see the old file or the new one, never half of one. */
function writeAtomically(target: string, chunks: Iterable<Buffer>, opts: WriteOptions): Written {
  const tmp = join(dirname(target), `.${basename(target)}.ccmend-${process.pid}-${Date.now()}.tmp`);
  const fd = openSync(tmp, 'wx', opts.mode);
  let bytes: number;
  let source: FileSource | undefined;
  try {
    bytes = writeAll(fd, chunks);
    fsyncSync(fd);
    fchmodSync(fd, opts.mode);
    if (opts.owner && process.getuid?.() === 0) fchownSync(fd, opts.owner.uid, opts.owner.gid);
    closeSync(fd);
    if (opts.reopenAs !== undefined) source = new FileSource(tmp, opts.reopenAs);
  } catch (e) {
    closeSync(fd);
    removeQuietly(tmp);
    throw e;
  }
  try {
    renameSync(tmp, target);
  } catch (e) {
    source?.close();
    removeQuietly(tmp);
    throw e;
  }
  try {
    const dfd = openSync(dirname(target), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // Some filesystems cannot fsync a directory; the rename itself is still atomic.
  }
  return { bytes, source };
}

/** Straight into an existing FIFO or device (`--out /dev/stdout`): there is nothing to rename over. */
function writeDirect(target: string, chunks: Iterable<Buffer>): number {
  const fd = openSync(target, 'w');
  try {
    return writeAll(fd, chunks);
  } finally {
    closeSync(fd);
  }
}

function* followedBy(doc: Doc, tail: Buffer, layout?: Layout): Generator<Buffer> {
  yield* serialize(doc, layout);
  if (tail.length) yield tail;
}

/**
 * Bytes a writer appended to the loaded file after `merged` bytes, read through
 * the descriptor held since loading: after the rename that is the old file, so
 * a line Claude Code appended while ccmend was writing is found there.
 */
function lateAppend(doc: Doc, merged: number): Buffer {
  const size = doc.source.size;
  return size > merged ? doc.source.read(merged, size - merged) : Buffer.alloc(0);
}

/** A save that goes on with the document it wrote. */
export interface Kept {
  readonly result: SaveResult;
  /**
   * The document as saved: the same lines under the same keys, each reading its bytes from the
   * file written, then the lines other writers appended (saved after them); the stamp of that file.
   * Undefined when the file is not just what this save wrote (another writer came in between): load it then.
   */
  readonly doc?: Doc;
}

const emptyLayout = (): Layout => ({ offsets: [], lengths: [], eols: [] });

/**
 * The document `doc` became once saved as `layout` says, reading from `source` (the file written),
 * with the lines of `extra` (bytes other writers appended, saved after the document's) after its
 * own. A line whose bytes kept their place is the same object; one edited now reads from the file.
 * Undefined, and `source` closed, when the file does not hold what was written.
 */
function keptDoc(doc: Doc, path: string, source: FileSource, layout: Layout, extra: Buffer, exact: boolean): Doc | undefined {
  const n = doc.lines.length;
  const own = n ? layout.offsets[n - 1]! + layout.lengths[n - 1]! + layout.eols[n - 1]!.length : 0;
  const size = own + extra.length;
  const now = source.size;
  // Bytes after a last line without an end of line would join it: a load reads them as one line.
  if ((extra.length && n && !layout.eols[n - 1]) || now < size || (exact && now !== size)) {
    source.close();
    return undefined;
  }
  const lines = new Array<Line>(n);
  for (let i = 0; i < n; i++) {
    const l = doc.lines[i]!;
    const offset = layout.offsets[i]!;
    const eol = layout.eols[i]!;
    const stays = l.text === undefined && l.bytes === undefined && l.span!.offset === offset && l.eol === eol;
    lines[i] = stays ? l : { key: l.key, span: { offset, length: layout.lengths[i]! }, eol, info: l.info };
  }
  const more = extra.length ? linesAt(extra, own, doc.nextKey) : [];
  for (const l of more) lines.push(l);
  // Same keys and summaries, so the same columns.
  if (!more.length) rememberColumns(lines, columnsOf(doc.lines));
  return { path, source, lines, nextKey: doc.nextKey + more.length, stamp: stampOf(source, size) };
}

/** saveInPlace, keeping the document as saved when `keep` (see Kept). */
function writeInPlace(doc: Doc, now: Date, keep: boolean): Kept {
  const path = doc.path;
  if (!path) throw new Error('document has no file to save to');
  const appended = changesSinceLoad(doc, path);
  const target = realpathSync(path);
  const st = statSync(target);
  const backup = backupPath(target, now);
  try {
    keepBackup(target, backup);
  } catch (e) {
    removeQuietly(backup);
    throw e;
  }
  const layout = keep ? emptyLayout() : undefined;
  let written: Written;
  try {
    const opts = { mode: st.mode & 0o7777, owner: { uid: st.uid, gid: st.gid }, reopenAs: keep ? path : undefined };
    written = writeAtomically(target, followedBy(doc, appended, layout), opts);
  } catch (e) {
    // The file itself was not replaced: the backup of it is not needed.
    removeQuietly(backup);
    throw e;
  }
  let bytes = written.bytes;
  let appendedLines = countLines(appended);
  let late: Buffer = Buffer.alloc(0);
  if (doc.stamp) {
    late = lateAppend(doc, doc.stamp.size + appended.length);
    if (late.length) {
      const fd = openSync(target, 'a');
      try {
        bytes += writeAll(fd, [late]);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      appendedLines += countLines(late);
    }
  }
  const result = { path, backup, appendedLines, bytes };
  const source = written.source;
  // Late lines go where the file then ended: after a writer that came in between, they are not where the document would put them.
  return { result, doc: source && keptDoc(doc, path, source, layout!, Buffer.concat([appended, late]), late.length > 0) };
}

/**
 * Saves over the loaded file: refuses if another program changed it (other than
 * appending: appended lines are kept at the end), keeps a backup of what was on
 * disk, and replaces it atomically. A symlink is followed, not replaced.
 */
export function saveInPlace(doc: Doc, now = new Date()): SaveResult {
  return writeInPlace(doc, now, false).result;
}

/** saveInPlace, going on with the document as saved (see Kept): what the editor does. */
export function saveInPlaceKept(doc: Doc, now = new Date()): Kept {
  return writeInPlace(doc, now, true);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** saveTo, keeping the document as saved when `keep` (see Kept); nothing is kept of a FIFO or device. */
function writeTo(doc: Doc, out: string, keep: boolean): Kept {
  const st = statOrUndefined(out);
  const loaded = doc.path === undefined ? undefined : statOrUndefined(doc.path);
  if (st && loaded && st.ino === loaded.ino && st.dev === loaded.dev) return writeInPlace(doc, new Date(), keep);
  if (st && !st.isFile() && !st.isDirectory()) return { result: { path: out, appendedLines: 0, bytes: writeDirect(out, serialize(doc)) } };
  const target = st ? realpathSync(out) : out;
  const layout = keep ? emptyLayout() : undefined;
  const written = writeAtomically(target, serialize(doc, layout), { mode: st ? st.mode & 0o7777 : 0o644, reopenAs: keep ? out : undefined });
  const result = { path: out, appendedLines: 0, bytes: written.bytes };
  return { result, doc: written.source && keptDoc(doc, out, written.source, layout!, Buffer.alloc(0), false) };
}

/**
 * Writes the document to another file (atomically); the loaded file is not
 * touched. `out` naming the loaded file itself is a save in place (with its
 * backup and append check); a FIFO or device is written to directly.
 */
export function saveTo(doc: Doc, out: string): SaveResult {
  return writeTo(doc, out, false).result;
}

/** saveTo, going on with the document as saved (see Kept). */
export function saveToKept(doc: Doc, out: string): Kept {
  return writeTo(doc, out, true);
}

/** Lines in `buf`, a last one without its newline (still being written) included. */
function countLines(buf: Buffer): number {
  let n = buf.length && buf[buf.length - 1] !== 0x0a ? 1 : 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}
