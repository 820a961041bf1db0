import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Where a document's original bytes live. Lines keep only offsets into it, so a
 * 200 MB transcript is not held twice (once as bytes, once as parsed objects).
 */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes at `offset`: in `into` (at least that long) when given, whose bytes are then overwritten. */
  read(offset: number, length: number, into?: Buffer): Buffer;
  close(): void;
}

export class BufferSource implements ByteSource {
  constructor(private readonly buf: Buffer) {}
  get size(): number {
    return this.buf.length;
  }
  read(offset: number, length: number): Buffer {
    return this.buf.subarray(offset, offset + length);
  }
  close(): void {}
}

/**
 * Reads from an fd held open since loading. On POSIX the fd keeps the loaded
 * inode readable even if the path is deleted or replaced, so untouched lines can
 * still be written back byte for byte.
 */
/** The loaded file lost bytes while ccmend had it open: another program truncated or rewrote it in place. */
export class SourceChangedError extends Error {}

export class FileSource implements ByteSource {
  private fd: number | null;
  /** `name`: the file as messages call it (a save opens the file it wrote before renaming it into place). */
  constructor(
    path: string,
    private readonly name = path,
  ) {
    // Non-blocking, so a FIFO with no writer is refused below instead of hanging the open.
    this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(this.fd);
    if (st.isDirectory()) {
      closeSync(this.fd);
      throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    }
    if (!st.isFile()) {
      // A FIFO cannot be read at offsets; /dev/zero or /dev/urandom would never end.
      closeSync(this.fd);
      const kind = st.isFIFO() ? 'a FIFO (pipe)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : 'a block device';
      throw Object.assign(new Error(`${kind}, not a regular file`), { code: 'ENOTREG' });
    }
  }
  get size(): number {
    return this.stat().size;
  }
  /** The open descriptor, for a worker thread of this process to read from (it must not close it). */
  descriptor(): number {
    if (this.fd === null) throw new Error('transcript source already closed');
    return this.fd;
  }
  /** Reads up to `into.length` bytes at `offset`; 0 at the end of the file. */
  readChunk(into: Buffer, offset: number): number {
    if (this.fd === null) throw new Error('transcript source already closed');
    return readSync(this.fd, into, 0, into.length, offset);
  }
  stat(): { size: number; mtimeMs: number; ino: number } {
    if (this.fd === null) throw new Error('transcript source already closed');
    const st = fstatSync(this.fd);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  }
  read(offset: number, length: number, into?: Buffer): Buffer {
    if (this.fd === null) throw new Error('transcript source already closed');
    const out = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new SourceChangedError(`${this.name} was truncated by another program while ccmend had it open; nothing was saved`);
      done += n;
    }
    return out;
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
