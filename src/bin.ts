#!/usr/bin/env node
import { main, reportFailure } from './cli.js';
import { defaultParallel, loadInParallel } from './transcript/load.js';

// A closed pipe (`ccmend check … | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// React's development build is several times slower per frame; the editor is a production app.
// (The bundle, scripts/bundle.mjs, also fixes NODE_ENV at build time; the editor and ink load after this line.)
process.env.NODE_ENV ??= 'production';

// Big transcripts are read on several threads; the worker is built beside this file (tsc and the bundle alike).
loadInParallel(defaultParallel(new URL('./loadWorker.js', import.meta.url)));

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportFailure(e, argv.includes('--debug'));
  },
);
