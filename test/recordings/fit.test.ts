import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { WRITTEN_DIR } from '../../scripts/record/cases.mjs';
import { RELEASES } from '../../scripts/record/releases.mjs';
import { digestString, encodeLongStrings, isDigest } from '../../scripts/record/store.mjs';
import { requestBudget } from '../../src/budget/budget.js';
import { TARGET_SHARE } from '../../src/budget/verdict.js';
import { CALIBRATION, blockTokens } from '../../src/budget/estimate.js';
import { analyze } from '../../src/rules/analyze.js';
import { blockInfoOf } from '../../src/transcript/lineInfo.js';
import { hugeTaskOutput, readFixtureSettings, writeSession } from '../budget/cases.js';
import { run } from '../commands/run.js';
import { docOf } from '../helpers/fixtures.js';
import { normaliseRecorded, PROBE, recordedCaseText, recordedMessages, recording } from '../helpers/recordings.js';

/*
 * The session `ccmend fit` writes, resumed by real Claude Code clients (the
 * case fit-huge-output of scripts/record/cases.mjs, recorded with
 * `npm run record-clients -- --cases fit-huge-output`). The broken session is
 * the budget tests' (test/budget/cases.ts): the real 1.0.98 session with one
 * Task output three times the context window. `ccmend fit --out` is run on it
 * here as a user runs it, and must write the very bytes the clients were
 * given. When fit changes what it writes, update the case
 * (`npx vitest run test/recordings/fit.test.ts -u`) and record it again.
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
    // And it checks clean.
    expect((await run('check', join(WRITTEN_DIR, `${CASE}.jsonl`))).code).toBe(0);
  });
});

interface Message {
  role: string;
  content: string | Block[];
}
type Block = Record<string, unknown>;

const blocksOf = (m: Message): Block[] => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content);

/** Every string in a value, keys aside. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Every digest in a recorded value. */
function digests(value: unknown): { $sha256: string; length: number }[] {
  if (isDigest(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(digests);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(digests);
  return [];
}

/**
 * A recorded value with its long strings given back, from the strings of the transcript the
 * client was given; a long string the client made itself (a reminder in the probe's message) is
 * not in the transcript, so it stands in as a string of its length, which the estimator (that
 * counts text by its characters) prices the same. `made` collects those.
 */
function decoded(value: unknown, known: ReadonlyMap<string, string>, made: string[]): unknown {
  if (isDigest(value)) {
    const text = known.get(value.$sha256);
    if (text !== undefined) return text;
    made.push(value.$sha256);
    return ' '.repeat(value.length);
  }
  if (Array.isArray(value)) return value.map((v) => decoded(v, known, made));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decoded(v, known, made)]));
  return value;
}

/** The project's estimate of the messages of a request: each block as ccmend measures a line's block, and each message's framing. */
function estimateMessages(messages: readonly Message[]): number {
  let n = 0;
  for (const m of messages) {
    n += CALIBRATION.message;
    for (const [j, b] of blocksOf(m).entries()) n += blockTokens(blockInfoOf(b, ['content', j]));
  }
  return n;
}

/** The broken session's user prompts on its main chain (its lines with neither a tool result nor a sidechain flag): their line numbers and texts. */
function prompts(lines: readonly Record<string, any>[]): { line: number; texts: string[] }[] {
  return lines.flatMap((e, i) => {
    if (e.type !== 'user' || e.isSidechain) return [];
    const blocks = blocksOf(e.message);
    if (blocks.some((b) => b.type === 'tool_result')) return [];
    return [{ line: i + 1, texts: blocks.map((b) => b.text as string) }];
  });
}

describe('what the clients sent for the fitted session', () => {
  const broken = hugeTaskOutput();
  // Read in the tests, so that a case file being rewritten (-u) is not parsed while the tests are collected.
  const fittedLines = () =>
    recordedCaseText(CASE)
      .split('\n')
      .flatMap((l) => (l ? [JSON.parse(l)] : []));
  const sentBy = (version: string) => recordedMessages(version, CASE) as Message[];

  test('every release of the matrix resumed it: exit 0, and a request whose last message is the probe', () => {
    for (const version of RELEASES) {
      expect(recording(version, CASE), version).toMatchObject({ exitCode: 0, sent: true, model: 'claude-sonnet-4-20250514' });
      const messages = sentBy(version);
      expect(messages.length, version).toBe(19);
      expect(messages.at(-1)!.role, version).toBe('user');
      expect(blocksOf(messages.at(-1)!).at(-1), version).toMatchObject({ type: 'text', text: PROBE });
    }
  });

  test('the request holds every user prompt of the original', () => {
    const asked = prompts(broken);
    // The /orchestrator command, the command's text (isMeta), and the last request.
    expect(asked.map((p) => p.line)).toEqual([2, 3, 434]);
    expect(asked[2]!.texts).toEqual(['Thanks! Please update CLAUDE.md for current changes']);
    for (const version of RELEASES) {
      const sent = sentBy(version)
        .filter((m) => m.role === 'user')
        .flatMap(blocksOf)
        .filter((b) => b.type === 'text')
        .map((b) => JSON.stringify(b.text));
      // From 2.1.78 a user entry joined with the next one ends in a newline (the command line, joined with its text).
      for (const p of asked)
        for (const t of p.texts)
          expect(
            sent.some((s) => [t, `${t}\n`].some((form) => s === JSON.stringify(encodeLongStrings(form)))),
            `${version} line ${p.line}`,
          ).toBe(true);
    }
  });

  test('the stub is what was sent in place of the output, and the output went nowhere', async () => {
    const plan = JSON.parse((await run('fit', writeSession(broken), '--json', '--dry-run')).out);
    expect(plan.cuts.map((c: { line: number }) => c.line)).toEqual([294]);
    const [cut] = plan.cuts;
    const original = blocksOf(broken[cut.line - 1]!.message)[0]!;
    const output = (original.content as Block[])[0]!.text as string;
    expect(output.length).toBe(1_800_000);
    const outputDigest = digestString(output).$sha256;
    for (const version of RELEASES) {
      const messages = sentBy(version);
      const results = messages.flatMap(blocksOf).filter((b) => b.type === 'tool_result' && b.tool_use_id === original.tool_use_id);
      expect(results, version).toEqual([{ type: 'tool_result', tool_use_id: original.tool_use_id, content: cut.stub }]);
      expect(
        digests(messages).filter((d) => d.$sha256 === outputDigest || d.length >= output.length),
        version,
      ).toEqual([]);
    }
  });

  test('by the project’s estimator, the original was over the window and what each client sent is under the target', () => {
    const doc = docOf(broken);
    const before = requestBudget(doc, analyze(doc).view);
    expect(before.window.tokens).toBe(200_000);
    expect(before.total).toBe(633_852);
    const target = Math.floor(before.window.tokens * TARGET_SHARE);
    expect(target).toBe(160_000);

    const text = recordedCaseText(CASE);
    const fitted = fittedLines();
    // The long strings of the transcript, by the digest a recording keeps of them.
    const known = new Map(strings(fitted).map((s) => [digestString(s).$sha256, s]));
    const fittedDoc = docOf(fitted);
    const after = requestBudget(fittedDoc, analyze(fittedDoc).view);
    // The recordings keep no system prompt or tools: they are priced as the fitted session's newest count prices them.
    const overhead = after.anchor!.overhead;
    expect(overhead).toBe(13_929);
    const ours = after.messages.reduce((a, b) => a + b, 0);
    expect(ours).toBe(7_689);

    const asSent: Record<string, number> = {};
    for (const version of RELEASES) {
      const recorded = sentBy(version);
      const made: string[] = [];
      const messages = decoded(recorded, known, made) as Message[];
      // Every long string not in the transcript is one the client wrote for the new prompt.
      const probeMessage = new Set(digests(recorded.at(-1)).map((d) => d.$sha256));
      expect(
        made.filter((d) => !probeMessage.has(d)),
        version,
      ).toEqual([]);
      asSent[version] = estimateMessages(messages);
      expect(overhead + asSent[version]!, version).toBeLessThanOrEqual(target);

      // Of the transcript, every client sent what ccmend's budget measured: cleared of what it made on
      // resuming, the estimate is ccmend's, but for the five Task calls that releases from 2.1.64 send
      // as Agent (a byte more each).
      const transcriptPart = decoded(normaliseRecorded(recorded, text), known, []) as Message[];
      const agent = transcriptPart.flatMap(blocksOf).some((b) => b.type === 'tool_use' && b.name === 'Agent');
      expect(estimateMessages(transcriptPart), version).toBe(ours + (agent ? 2 : 0));
    }
    // The client's own additions (user context, reminders, the probe) make the rest.
    expect(Math.min(...Object.values(asSent))).toBe(7_706);
    expect(Math.max(...Object.values(asSent))).toBe(10_975);
    expect(asSent['2.1.19']).toBe(7_706);
    expect(asSent['2.1.332']).toBe(10_975);
  });
});
