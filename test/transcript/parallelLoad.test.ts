import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyze } from '../../src/rules/analyze.js';
import type { Doc } from '../../src/transcript/document.js';
import { loadFile, loadInParallel, partInWorker, readPart } from '../../src/transcript/load.js';
import { ROOT, tempDir } from '../cli/helpers.js';
import { bytesOf, caseOf, damaged, SMALL_FIXTURES } from '../hardening/damage.js';
import { realBytes, realLines } from '../helpers/fixtures.js';

/*
 * A big file is read by worker threads and the main thread at once. Whatever
 * the cut, the document must be the one a single thread reads: same lines,
 * offsets, ends of line and summaries, and the same diagnostics.
 * The worker runs from source, bundled here as scripts/bundle.mjs bundles it.
 */

const dir = tempDir('ccmend-parallel-');
const script = pathToFileURL(join(dir, 'loadWorker.mjs'));

beforeAll(async () => {
  await build({
    entryPoints: [join(ROOT, 'src', 'loadWorker.ts')],
    outfile: script.pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
});
afterAll(() => loadInParallel(undefined));

async function loadWith(path: string, parts: number | undefined, workerScript = script): Promise<Doc> {
  loadInParallel(parts === undefined ? undefined : { script: workerScript, parts, minBytes: 0 });
  try {
    return await loadFile(path);
  } finally {
    loadInParallel(undefined);
  }
}

async function expectSameLoad(bytes: Buffer, parts: number, workerScript = script) {
  const path = join(dir, `t${parts}.jsonl`);
  writeFileSync(path, bytes);
  const alone = await loadWith(path, undefined);
  const together = await loadWith(path, parts, workerScript);
  try {
    expect(together.lines).toStrictEqual(alone.lines);
    expect(together.stamp).toStrictEqual(alone.stamp);
    expect(analyze(together).diagnostics).toStrictEqual(analyze(alone).diagnostics);
  } finally {
    alone.source.close();
    together.source.close();
  }
}

describe('loading on several threads', () => {
  test('a worker summarises its part exactly as the main thread would', async () => {
    const path = join(dir, 'long.jsonl');
    writeFileSync(path, realBytes('long'));
    const fd = openSync(path, 'r');
    try {
      const read = (into: Buffer, offset: number) => readSync(fd, into, 0, into.length, offset);
      // A part cut at line starts in the middle of the real 2.1.39 session.
      const whole = await readPart(read, 0, Infinity);
      const [start, end] = [whole.offsets[400]!, whole.offsets[1100]!];
      const got = await partInWorker(script, fd, start, end, () => {});
      const mine = await readPart(read, start, end);
      expect(mine.infos).toHaveLength(700);
      expect(got.infos).toStrictEqual(mine.infos);
      expect(Array.from(got.offsets)).toEqual(Array.from(mine.offsets));
      expect(Array.from(got.lengths)).toEqual(Array.from(mine.lengths));
      expect(Array.from(got.eols)).toEqual(Array.from(mine.eols));
      expect(got.end).toBe(end);
    } finally {
      closeSync(fd);
    }
  });

  test.each([2, 3, 4])('real sessions cut in %i parts load as on one thread', async (parts) => {
    for (const name of ['long', 'compact', 'old', 'queue'] as const) await expectSameLoad(realBytes(name), parts);
  });

  test('a part a worker hands over in several pieces (one every 2 MiB read) loads as on one thread', async () => {
    const long = realBytes('long');
    // 9.5 MB: each worker's part is two pieces or more, with CRLF and a damaged line among them.
    await expectSameLoad(Buffer.concat([long, damaged(long, [{ kind: 'crlf-all' }]), damaged(long, [{ kind: 'truncate', at: 700, cut: 0.5 }])]), 2);
  });

  test('CRLF ends of line, a last line with no newline, and damaged lines at the cuts', async () => {
    const long = realBytes('long');
    await expectSameLoad(damaged(long, [{ kind: 'crlf-all' }]), 3);
    await expectSameLoad(long.subarray(0, long.length - 1), 2);
    await expectSameLoad(
      damaged(long, [
        { kind: 'truncate', at: 756, cut: 0.5 },
        { kind: 'junk', at: 757, bytes: [0x20, 0x0d] },
        { kind: 'invalid-utf8', at: 100, bytes: [0xff, 0xfe] },
      ]),
      2,
    );
    // Every cut inside one last line of 4 MB with no newline after it: no line starts there, one part.
    const [user] = realLines('long').filter((l) => l.type === 'user');
    const huge = Buffer.from(JSON.stringify({ ...user, message: { role: 'user', content: 'x'.repeat(4 << 20) } }));
    await expectSameLoad(Buffer.concat([long.subarray(0, long.lastIndexOf('\n', 20_000) + 1), huge]), 3);
  });

  test('randomly damaged real sessions load as on one thread', async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(SMALL_FIXTURES), fc.integer({ min: 2, max: 4 }), async (c, parts) => expectSameLoad(bytesOf(c), parts)),
      { numRuns: 25 },
    );
  }, 120_000);

  test('a worker that cannot start leaves its part to the main thread', async () => {
    await expectSameLoad(realBytes('long'), 3, pathToFileURL(join(dir, 'missing.mjs')));
  });

  test("the workers' parts are what the document is made of: a part that ends short means the file shrank", async () => {
    // A worker that reads nothing: as if the file lost bytes before the worker got to them.
    const short = pathToFileURL(join(dir, 'short.mjs'));
    writeFileSync(
      short.pathname,
      "import { parentPort, workerData } from 'node:worker_threads';\nparentPort.postMessage({ offsets: [], lengths: [], eols: [], wire: '[[],[]]', end: workerData.start });\n",
    );
    const path = join(dir, 'short.jsonl');
    writeFileSync(path, realBytes('long'));
    await expect(loadWith(path, 2, short)).rejects.toThrow(`${path} shrank while it was being read; try again`);
  });

  test('when the main thread fails, the descriptor stays open until the workers are done with it', async () => {
    // A slow worker: it reads its part only after the main thread has failed, then says whether the read worked.
    const slow = pathToFileURL(join(dir, 'slow.mjs'));
    const said = join(dir, 'slow-worker-read.txt');
    writeFileSync(
      slow.pathname,
      [
        "import { readSync, writeFileSync } from 'node:fs';",
        "import { parentPort, workerData } from 'node:worker_threads';",
        'await new Promise((r) => setTimeout(r, 300));',
        'let outcome = "read";',
        'try { readSync(workerData.fd, Buffer.alloc(workerData.end - workerData.start), 0, workerData.end - workerData.start, workerData.start); } catch (e) { outcome = e.code; }',
        `writeFileSync(${JSON.stringify(said)}, outcome);`,
        "parentPort.postMessage({ offsets: [], lengths: [], eols: [], wire: '[[],[]]', end: workerData.end });",
      ].join('\n'),
    );
    const path = join(dir, 'fails.jsonl');
    writeFileSync(path, realBytes('long'));
    loadInParallel({ script: slow, parts: 2, minBytes: 0 });
    // The main thread's first progress report fails (the worker's come later and go through).
    let failed = false;
    const progress = () => {
      if (failed) return;
      failed = true;
      throw new Error('the progress display failed');
    };
    try {
      await expect(loadFile(path, progress)).rejects.toThrow('the progress display failed');
    } finally {
      loadInParallel(undefined);
    }
    expect(readFileSync(said, 'utf8')).toBe('read');
  });

  test('progress counts the bytes of every part and ends at the total', async () => {
    const path = join(dir, 'progress.jsonl');
    writeFileSync(path, realBytes('long'));
    loadInParallel({ script, parts: 2, minBytes: 0 });
    const seen: number[] = [];
    try {
      (await loadFile(path, (read, total) => seen.push(read, total))).source.close();
    } finally {
      loadInParallel(undefined);
    }
    const size = statSync(path).size;
    expect(seen.at(-2)).toBe(size);
    expect(seen.at(-1)).toBe(size);
  });
});
