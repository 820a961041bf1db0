import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { WRITTEN_DIR } from '../../scripts/record/cases.mjs';
import { RELEASES } from '../../scripts/record/releases.mjs';
import { hugeTaskOutput, readFixtureSettings, writeSession } from '../budget/cases.js';
import { run } from '../commands/run.js';
import { recordedCaseText, recording } from '../helpers/recordings.js';

/*
 * The session `ccmend fit` writes, resumed by real Claude Code clients (the
 * case fit-huge-output of scripts/record/cases.mjs, recorded with
 * `npm run record-clients -- --cases fit-huge-output`). The broken session is
 * the budget tests' (test/budget/cases.ts): the real 1.0.98 session with one
 * Task output three times the context window. `ccmend fit --out` is run on it
 * here as a user runs it, and must write the very bytes the clients were
 * given. When fit changes what it writes, update the case
 * (`npx vitest run -u test/recordings/fit.test.ts`) and record it again.
 */

const CASE = 'fit-huge-output';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

readFixtureSettings();

/** `ccmend fit <broken session> --out <file>`: the fitted session's bytes, and what fit printed. */
async function fitAsRecorded(): Promise<{ text: string; out: string }> {
  const broken = writeSession(hugeTaskOutput());
  const fitted = join(dirname(broken), 'fitted.jsonl');
  const r = await run('fit', broken, '--out', fitted);
  expect(r.code).toBe(0);
  return { text: readFileSync(fitted, 'utf8'), out: r.out };
}

describe('the fitted session, resumed by real clients', () => {
  test('ccmend fit --out writes, byte for byte, the session every client was given', async () => {
    const { text, out } = await fitAsRecorded();
    expect(out).toContain(
      '\n1 cut, largest tool outputs first, then images and documents, oldest first:\n  line 294, turn 11: Task `Implement state management` output, 1,800,000 characters: ≈ 612,000 tokens\nwrote ',
    );
    await expect(text).toMatchFileSnapshot(join(WRITTEN_DIR, `${CASE}.jsonl`));
    expect(recordedCaseText(CASE)).toBe(text);
    for (const version of RELEASES) expect(recording(version, CASE).transcriptSha256, version).toBe(sha256(text));
  });
});
