import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  BROKEN_CASES,
  caseSessionId,
  caseSubagentsDir,
  FIXED_FROM,
  FIXED_WITH_WARNINGS_FROM,
  fixedCaseName,
  WRITTEN_DIR,
} from '../../scripts/record/cases.mjs';
import { RELEASES } from '../../scripts/record/releases.mjs';
import { sha256 } from '../../scripts/record/store.mjs';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { readFixtureSettings } from '../budget/cases.js';
import { run } from '../commands/run.js';
import { caseNamed, caseSession, lineTexts, recordedCaseText, recordedFailure, recordedPairs, recording, resumedWalk } from '../helpers/recordings.js';

/*
 * The sessions `ccmend fix --client all --out` writes from the broken cases of
 * scripts/record/cases.mjs (the cases fixed-<case>), and those it writes with
 * --warnings where they differ (fixed-warnings-<case>, which the editor's F then
 * s saves too: test/ui/fixAllSave.test.tsx), resumed by real Claude Code clients
 * (`npm run record-clients -- --cases fixed-…`). Fix is run here as a user runs
 * it, on the broken case laid out as the recorder gives it to a client (the
 * session file under its id, its subagents beside it), and must write the very
 * bytes the clients were given; then every client must have resumed it with
 * every text of the original's user lines, and sent a request the strict
 * stand-in of the API (test/helpers/strictApi.ts) takes. When fix changes what it
 * writes, update the cases (`npx vitest run test/recordings/fixed.test.ts -u`)
 * and record them again.
 */

readFixtureSettings();

/** `ccmend fix <broken session> --client all [--warnings] --out <file>`: what it wrote (the session; whether its subagents as they were), and its exit code. */
async function fixAsAUser(caseName: string, warnings: boolean) {
  const broken = caseSession(caseName);
  const outDir = mkdtempSync(join(tmpdir(), 'ccmend-fixed-out-'));
  const sessionId = caseSessionId(caseNamed(caseName));
  const out = join(outDir, `${sessionId}.jsonl`);
  const r = await run('fix', broken, '--client', 'all', ...(warnings ? ['--warnings'] : []), '--out', out);
  const subagents = caseSubagentsDir(caseNamed(caseName));
  const subagentsAsGiven = subagents
    ? readdirSync(subagents).every((f) => {
        const written = join(outDir, sessionId, 'subagents', f);
        return !existsSync(written) || readFileSync(written, 'utf8') === readFileSync(join(subagents, f), 'utf8');
      })
    : true;
  return { code: r.code, out: r.out, text: readFileSync(out, 'utf8'), subagentsAsGiven };
}

/** Every written case of a fixed session: the broken case it is made from, and whether fix was given --warnings. */
const WRITTEN = [...FIXED_FROM.map((name) => ({ name, warnings: false })), ...FIXED_WITH_WARNINGS_FROM.map((name) => ({ name, warnings: true }))].map((w) => ({
  ...w,
  fixed: fixedCaseName(w.name, w),
}));

describe('the sessions fix writes, as real clients were given them', () => {
  test('the written cases are the broken cases fix --client all --out changes, and those --warnings changes otherwise; fix leaves none with an error', async () => {
    const changed: string[] = [];
    const otherWithWarnings: string[] = [];
    const subagentsFixedWithWarnings: string[] = [];
    for (const name of BROKEN_CASES) {
      const [plain, withWarnings] = [await fixAsAUser(name, false), await fixAsAUser(name, true)];
      expect([plain.code, withWarnings.code], name).toEqual([0, 0]);
      // The recorder gives a client the fixture's subagents: fix must have written them unchanged.
      expect(plain.subagentsAsGiven, name).toBe(true);
      if (!withWarnings.subagentsAsGiven) subagentsFixedWithWarnings.push(name);
      if (plain.text !== recordedCaseText(name)) changed.push(name);
      if (withWarnings.text !== plain.text) otherWithWarnings.push(name);
    }
    expect(changed).toEqual(FIXED_FROM);
    expect(otherWithWarnings).toEqual(FIXED_WITH_WARNINGS_FROM);
    // With --warnings fix mends the 2.1.39 session's subagent transcripts too. The recordings give clients
    // the fixture's: the request they keep is the main conversation, which the session's own file holds,
    // and the editor (whose F then s these bytes also are) saves only the session it shows.
    expect(subagentsFixedWithWarnings).toEqual(['gap-239']);
  });

  test.each(WRITTEN)('$fixed: fix writes, byte for byte, the session every client was given', async ({ name, warnings, fixed }) => {
    const { text } = await fixAsAUser(name, warnings);
    await expect(text).toMatchFileSnapshot(join(WRITTEN_DIR, `${fixed}.jsonl`));
    expect(recordedCaseText(fixed)).toBe(text);
    const sha = sha256(text);
    expect(
      recordedPairs()
        .filter((p) => p.caseName === fixed && p.recording.transcriptSha256 !== sha)
        .map((p) => p.version),
    ).toEqual([]);
  });
});

/**
 * What fix must not lose: every text of the user lines of the conversation the client resumes from the
 * broken session (its prompts, slash commands and their text, interruptions, text beside a tool result, the
 * compaction summary), but blank ones, which the API refuses.
 */
function userTexts(doc: Doc, version: string): string[] {
  return resumedWalk(doc, version).flatMap((p) => {
    const info = doc.lines[p]!.info;
    return info.type === 'user' && !info.isSidechain ? lineTexts(doc, p).filter((t) => t.trim() !== '') : [];
  });
}

/** Why the client fails on the session it was given, judged by the texts of the broken session's user lines; undefined when it does not. */
function failure(version: string, caseName: string, given: Doc, original: Doc): string | undefined {
  const { exitCode, signal } = recording(version, caseName);
  return exitCode === 0 ? recordedFailure(version, caseName, given, userTexts(original, version)) : `exit ${exitCode ?? signal}`;
}

describe('what the clients sent for the fixed sessions', () => {
  const docOfCase = (name: string) => docFromBuffer(Buffer.from(recordedCaseText(name)), `${name}.jsonl`);

  test.each(WRITTEN)('$fixed: every client resumed it with every prompt of the original, and broke no rule', ({ name, fixed }) => {
    const original = docOfCase(name);
    const given = docOfCase(fixed);
    const versions = recordedPairs()
      .filter((p) => p.caseName === fixed)
      .map((p) => p.version);
    expect(RELEASES.filter((v) => !versions.includes(v))).toEqual([]);
    const failing: Record<string, string> = {};
    for (const version of versions) {
      const why = failure(version, fixed, given, original);
      if (why) failing[version] = why;
    }
    expect(failing).toEqual({});
  });

  test('the same judge fails every broken case fix changes, for 701 of its 990 recorded pairs', () => {
    const failingPairs = FIXED_FROM.map((name) => {
      const original = docOfCase(name);
      return RELEASES.filter((version) => failure(version, name, original, original)).length;
    });
    expect(failingPairs.filter((n) => n === 0)).toEqual([]);
    expect(failingPairs.reduce((a, b) => a + b, 0)).toBe(701);
  });
});
