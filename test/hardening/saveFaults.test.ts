import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { realBytes } from '../helpers/fixtures.js';
import { tempDir } from '../cli/helpers.js';
import { runMain } from './inProcess.js';

/*
 * Failures of the file system during a save, injected under save.ts: a disk
 * that fills up while the temp file or the backup is written, a read-only file
 * system, and Claude Code appending while the temp file is being written. The
 * transcript must come out as it was (or with the appended lines), with no
 * backup or temp file left behind, and the user gets one line.
 */

type Fault = {
  writeTemp?: NodeJS.ErrnoException & { afterBytes?: number };
  /** The backup as a second name of the file fails (a file system without hard links, or a read-only one). */
  link?: NodeJS.ErrnoException;
  copy?: NodeJS.ErrnoException;
  beforeRename?: () => void;
};
const faults = vi.hoisted(() => ({ now: {} as Fault, tempFds: new Set<number>(), written: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const mocked = {
    ...real,
    openSync: (path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      const fd = real.openSync(path, flags ?? 'r', mode);
      if (flags === 'wx') faults.tempFds.add(fd);
      return fd;
    },
    writeSync: (fd: number, buf: NodeJS.ArrayBufferView, ...rest: unknown[]) => {
      const f = faults.now.writeTemp;
      if (f && faults.tempFds.has(fd)) {
        // Part of the data fits, then the disk is full.
        if (faults.written >= (f.afterBytes ?? 0)) throw f;
        const room = (f.afterBytes ?? 0) - faults.written;
        const offset = (rest[0] as number | undefined) ?? 0;
        const length = Math.min((rest[1] as number | undefined) ?? buf.byteLength - offset, room);
        faults.written += length;
        return real.writeSync(fd, buf, offset, length);
      }
      return (real.writeSync as (...a: unknown[]) => number)(fd, buf, ...rest);
    },
    linkSync: (existing: fs.PathLike, name: fs.PathLike) => {
      if (faults.now.link) throw faults.now.link;
      return real.linkSync(existing, name);
    },
    copyFileSync: (src: fs.PathLike, dest: fs.PathLike, mode?: number) => {
      if (faults.now.copy) {
        real.writeFileSync(dest, 'partial backup');
        throw faults.now.copy;
      }
      return real.copyFileSync(src, dest, mode);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      faults.now.beforeRename?.();
      return real.renameSync(from, to);
    },
  };
  return { ...mocked, default: mocked };
});

const errno = (code: string, extra: object = {}) => Object.assign(new Error(`${code}: injected`), { code, ...extra }) as NodeJS.ErrnoException;

const ORIGINAL = realBytes('long');
const FIXED = serializeToBuffer(fixAll(docFromBuffer(ORIGINAL)).doc);

const run = runMain;

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir('ccmend-faults-');
  file = join(dir, 's.jsonl');
  fs.writeFileSync(file, ORIGINAL);
});
afterEach(() => {
  faults.now = {};
  faults.tempFds.clear();
  faults.written = 0;
  fs.rmSync(dir, { recursive: true, force: true });
});

const untouched = () => {
  expect(fs.readFileSync(file).equals(ORIGINAL)).toBe(true);
  expect(fs.readdirSync(dir)).toEqual(['s.jsonl']);
};

describe('a save that fails leaves the transcript as it was and nothing behind', () => {
  test('disk full while writing the new file (after 1 MiB of it)', async () => {
    faults.now = { writeTemp: errno('ENOSPC', { afterBytes: 1 << 20 }) };
    expect(await run(['fix', file])).toEqual({ code: 2, out: [], err: [`ccmend: not saved: ${file}: no space left on the device`] });
    expect(faults.written).toBe(1 << 20);
    untouched();
  });

  test('disk full while copying the backup (on a file system without hard links)', async () => {
    faults.now = { link: errno('EPERM'), copy: errno('ENOSPC') };
    expect(await run(['fix', file])).toEqual({ code: 2, out: [], err: [`ccmend: not saved: ${file}: no space left on the device`] });
    untouched();
  });

  test('quota exceeded while writing the new file', async () => {
    faults.now = { writeTemp: errno('EDQUOT') };
    expect(await run(['fix', file])).toEqual({ code: 2, out: [], err: [`ccmend: not saved: ${file}: disk quota exceeded`] });
    untouched();
  });

  test('read-only file system', async () => {
    faults.now = { link: errno('EROFS'), copy: errno('EROFS') };
    expect(await run(['fix', file])).toEqual({ code: 2, out: [], err: [`ccmend: not saved: ${file}: the file system is read-only`] });
    untouched();
  });

  test('disk full writing --out: no partial output file is left', async () => {
    faults.now = { writeTemp: errno('ENOSPC', { afterBytes: 4096 }) };
    const out = join(dir, 'fixed.jsonl');
    expect(await run(['fix', file, '--out', out])).toEqual({ code: 2, out: [], err: [`ccmend: not saved: ${out}: no space left on the device`] });
    untouched();
  });
});

describe('the backup', () => {
  test('is the old file under a second name: what was on disk, kept without a copy', async () => {
    const before = fs.statSync(file);
    expect((await run(['fix', file])).code).toBe(0);
    const [backup] = fs.readdirSync(dir).filter((n) => n.endsWith('.bak'));
    const kept = fs.statSync(join(dir, backup!));
    expect([kept.ino, kept.mode, kept.size]).toEqual([before.ino, before.mode, ORIGINAL.length]);
    expect(fs.readFileSync(join(dir, backup!)).equals(ORIGINAL)).toBe(true);
    expect(fs.statSync(file).ino).not.toBe(before.ino);
    expect(fs.readFileSync(file).equals(FIXED)).toBe(true);
  });

  test('is a copy where the file system has no hard links', async () => {
    faults.now = { link: errno('EPERM') };
    const before = fs.statSync(file);
    expect((await run(['fix', file])).code).toBe(0);
    const [backup] = fs.readdirSync(dir).filter((n) => n.endsWith('.bak'));
    expect(fs.statSync(join(dir, backup!)).ino).not.toBe(before.ino);
    expect(fs.readFileSync(join(dir, backup!)).equals(ORIGINAL)).toBe(true);
    expect(fs.readFileSync(file).equals(FIXED)).toBe(true);
  });
});

describe('Claude Code appends while the new file is being written', () => {
  const late = Buffer.from(
    '{"type":"last-prompt","lastPrompt":"still here","sessionId":"4d5611e5-241a-462a-8d15-5122611a9569"}\n{"type":"custom-title","customTitle":"late"}\n',
  );

  test('the lines that reached the old file after the check are carried over to the new one, and stay in the backup', async () => {
    faults.now = { beforeRename: () => fs.appendFileSync(file, late) };
    const r = await run(['fix', file]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept 2 line(s) another program appended while ccmend ran; run `ccmend check` again');
    expect(fs.readFileSync(file).equals(Buffer.concat([FIXED, late]))).toBe(true);
    const [backup] = fs.readdirSync(dir).filter((n) => n.endsWith('.bak'));
    // The backup is the old file as the new one replaced it: the late lines reached it too.
    expect(fs.readFileSync(join(dir, backup!)).equals(Buffer.concat([ORIGINAL, late]))).toBe(true);
  });

  test('a backup copied (no hard links) holds the file as it was before the late lines', async () => {
    faults.now = { link: errno('EPERM'), beforeRename: () => fs.appendFileSync(file, late) };
    expect((await run(['fix', file])).code).toBe(0);
    expect(fs.readFileSync(file).equals(Buffer.concat([FIXED, late]))).toBe(true);
    const [backup] = fs.readdirSync(dir).filter((n) => n.endsWith('.bak'));
    expect(fs.readFileSync(join(dir, backup!)).equals(ORIGINAL)).toBe(true);
  });
});
