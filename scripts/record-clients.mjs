// npm run record-clients -- [--versions 2.1.19,2.1.332] [--cases a,b] [--force] [--jobs 2] [--timeout 120] [--raw DIR]
//
// Resumes every case (scripts/record/cases.mjs) with real Claude Code releases against a loopback
// recording server and stores the `messages` of each main request under fixtures/recordings/. A
// (version, case) already recorded from the same case bytes is skipped unless --force. --raw DIR also
// writes every request body of each run to DIR/<version>/<case>.json (not committed; for study).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CASES, caseNamed, caseText } from './record/cases.mjs';
import { cacheDir, installClient, mainRequest, resumeCase } from './record/clients.mjs';
import { RELEASES } from './record/releases.mjs';
import { REPLY_TEXT } from './record/server.mjs';
import { pruneMessages, readIndex, sha256, storeMessages, writeIndex } from './record/store.mjs';

function usage() {
  return 'usage: npm run record-clients -- [--versions V,V] [--cases NAME,NAME] [--force] [--jobs N] [--timeout SECONDS] [--raw DIR]';
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        versions: { type: 'string' },
        cases: { type: 'string' },
        force: { type: 'boolean', default: false },
        jobs: { type: 'string', default: '2' },
        timeout: { type: 'string', default: '120' },
        raw: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(usage());
      process.exit(0);
    }
    const list = (/** @type {string | undefined} */ s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined;
    const jobs = Number(values.jobs);
    const timeout = Number(values.timeout);
    if (!Number.isInteger(jobs) || jobs < 1 || !(timeout > 0)) throw new Error('--jobs must be a positive integer and --timeout a positive number of seconds');
    return {
      versions: list(values.versions) ?? RELEASES,
      cases: (list(values.cases) ?? CASES.map((c) => c.name)).map(caseNamed),
      force: values.force,
      jobs,
      timeoutMs: timeout * 1000,
      raw: values.raw,
    };
  } catch (error) {
    console.error(`record-clients: ${error instanceof Error ? error.message : error}\n${usage()}`);
    process.exit(2);
  }
}

async function main() {
  const opts = options();
  const index = readIndex();
  const caseOrder = CASES.map((c) => c.name);
  console.log(`clients cached in ${cacheDir()}`);
  for (const version of opts.versions) {
    process.stdout.write(`installing ${version}… `);
    await installClient(version);
    console.log('ok');
  }
  const shaOf = new Map(opts.cases.map((c) => [c.name, sha256(caseText(c))]));
  const work = opts.versions.flatMap((version) =>
    opts.cases.filter((c) => opts.force || index[version]?.[c.name]?.transcriptSha256 !== shaOf.get(c.name)).map((c) => ({ version, c })),
  );
  console.log(`${work.length} recording(s) to make, ${opts.jobs} at a time`);
  let done = 0;
  const worker = async () => {
    for (let item = work.shift(); item; item = work.shift()) {
      const { version, c } = item;
      const result = await resumeCase(version, c, { timeoutMs: opts.timeoutMs });
      const main = mainRequest(result.requests);
      const body = /** @type {any} */ (main?.body);
      /** @type {import('./record/store.mjs').Recording} */
      const recording = {
        transcriptSha256: sha256(result.text),
        model: result.model,
        exitCode: result.exitCode,
        ...(result.signal ? { signal: result.signal } : {}),
        sent: main !== undefined,
        messagesSha: body ? storeMessages(body.messages) : null,
        ...(body && body.model !== result.model ? { requestModel: body.model } : {}),
        ...(body?.thinking !== undefined ? { thinking: body.thinking } : {}),
        ...(result.stdout && result.stdout !== REPLY_TEXT ? { stdout: result.stdout } : {}),
        ...(result.stderr ? { stderr: result.stderr } : {}),
        requests: result.requests.length,
      };
      index[version] ??= {};
      index[version][c.name] = recording;
      writeIndex(index, caseOrder);
      if (opts.raw) {
        mkdirSync(join(opts.raw, version), { recursive: true });
        writeFileSync(join(opts.raw, version, `${c.name}.json`), JSON.stringify(result.requests));
      }
      done += 1;
      const what = body ? `sent ${body.messages.length} messages` : 'sent no main request';
      console.log(`[${done}] ${version} ${c.name}: exit ${recording.exitCode ?? recording.signal}, ${what}, ${recording.requests} request(s)`);
    }
  };
  await Promise.all(Array.from({ length: opts.jobs }, worker));
  const pruned = pruneMessages(index);
  if (pruned) console.log(`removed ${pruned} stored messages no recording uses`);
}

await main();
