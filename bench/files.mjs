// The benchmark's transcripts, generated once (see make-large.mjs) and kept in one folder, so the next
// run reuses them: a 2 GB file takes a minute or more to write. A file older than its generator or the
// fixture it copies is written again.
import { mkdirSync, renameSync, statSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE, makeLarge } from './make-large.mjs';

const MB = 2 ** 20;
const GENERATOR = fileURLToPath(new URL('./make-large.mjs', import.meta.url));

/** Where the files live: CCMEND_BENCH_DIR, or ccmend-bench in the OS temp dir. */
export const benchDir = () => process.env.CCMEND_BENCH_DIR ?? join(tmpdir(), 'ccmend-bench');

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

/**
 * The path of a transcript of about `mb` MB: `compacted` keeps each copy's compaction, otherwise the
 * whole file is one chain never compacted. Generated when missing or stale; `log` hears what happens.
 */
export async function benchFile({ mb, compacted }, log = () => {}) {
  const dir = benchDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${compacted ? 'compacted' : 'never-compacted'}-${mb}MB.jsonl`);
  if (mtime(file) > Math.max(mtime(GENERATOR), mtime(SOURCE))) return file;
  const fs = statfsSync(dir);
  const need = mb * MB * 1.05 + 2 ** 30;
  if (fs.bavail * fs.bsize < need) throw new Error(`${dir} has too little free space for a ${mb} MB file (set CCMEND_BENCH_DIR)`);
  log(`generating ${file} …`);
  const t = performance.now();
  // Written beside and renamed at the end, so an interrupted run never leaves a short file to reuse.
  const partial = `${file}.partial`;
  await makeLarge(partial, mb * MB, { keepCompactions: compacted });
  renameSync(partial, file);
  log(`generated in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return file;
}
