// A worker thread of a parallel load (see loadFile in transcript/load.ts): reads
// and summarises one part of the file through the main thread's descriptor,
// handing its lines over piece by piece as it goes.
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type WorkerMessage, readPart, wirePiece } from './transcript/load.js';

const { fd, start, end } = workerData as { fd: number; start: number; end: number };
const port = parentPort!;
/**
 * A piece every 2 MiB read: each is encoded while its summaries are young, and
 * what is left once this part is read is one small piece (the main thread
 * decodes them once the part is whole, see partInWorker).
 */
const EVERY = 2 << 20;
let posted = 0;

const rest = await readPart(
  (into, offset) => readSync(fd, into, 0, into.length, offset),
  start,
  end,
  (done, take) => {
    if (done - posted < EVERY) return;
    posted = done;
    port.postMessage({ ...wirePiece(take()), done } satisfies WorkerMessage);
  },
);
port.postMessage({ ...wirePiece(rest), end: rest.end } satisfies WorkerMessage);
