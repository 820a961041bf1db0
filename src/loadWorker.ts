// A worker thread of a parallel load (see loadFile in transcript/load.ts): reads
// and summarises one part of the file through the main thread's descriptor.
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeLineInfos } from './transcript/lineInfoWire.js';
import { type WorkerMessage, readPart } from './transcript/load.js';

const { fd, start, end } = workerData as { fd: number; start: number; end: number };
const port = parentPort!;
/** Progress every 8 MiB is plenty for a bar redrawn every 100 ms. */
const EVERY = 8 << 20;
let reported = 0;

const part = await readPart(
  (into, offset) => readSync(fd, into, 0, into.length, offset),
  start,
  end,
  (done) => {
    if (done - reported < EVERY) return;
    reported = done;
    port.postMessage({ done } satisfies WorkerMessage);
  },
);
const message: WorkerMessage = {
  offsets: Float64Array.from(part.offsets),
  lengths: Float64Array.from(part.lengths),
  eols: Uint8Array.from(part.eols),
  wire: encodeLineInfos(part.infos),
  end: part.end,
};
port.postMessage(message);
