// The recordings of real Claude Code clients (fixtures/recordings, made by `npm run record-clients`):
// which (version, case) pairs exist, the case text each client was given, what it sent, and the
// comparison of a recording with ccmend's rebuilt messages, and whether the API would take what a client sent.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseNamed, caseSessionId, caseSubagentsDir, caseText, PROBE } from '../../scripts/record/cases.mjs';
import { compareVersions, digestString, isDigest, LONG_STRING, loadMessages, type Recording, readIndex } from '../../scripts/record/store.mjs';
import { clientOf } from '../../src/conversation/clients.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { isUserPrompt } from '../../src/conversation/prompts.js';
import { wholeChain } from '../../src/conversation/wholeChain.js';
import { type Doc, entryOf } from '../../src/transcript/document.js';
import { violations } from './strictApi.js';

export { CASES, caseNamed, PROBE, type RecordingCase } from '../../scripts/record/cases.mjs';
export {
  compareMessages,
  type Difference,
  formatDifference,
  type NormalisedMessage,
  normaliseOurs,
  normaliseRecorded,
} from '../../scripts/record/compare-messages.mjs';
export type { Recording } from '../../scripts/record/store.mjs';

/** Recorded pairs a table of a recordings test sets apart: some cases, over a span of versions, and why. */
export interface Exclusion {
  readonly cases: readonly string[];
  /** The first version it covers and the first it no longer covers. */
  readonly from: string;
  readonly until?: string;
  readonly reason: string;
}

/** Whether a table entry covers the recording of `caseName` by `version`. */
export const inRange = (e: Exclusion, version: string, caseName: string) =>
  e.cases.includes(caseName) && compareVersions(version, e.from) >= 0 && (e.until === undefined || compareVersions(version, e.until) < 0);

export interface RecordedPair {
  version: string;
  caseName: string;
  recording: Recording;
}

let index: ReturnType<typeof readIndex> | undefined;
function recordingIndex() {
  index ??= readIndex();
  return index;
}

/** Every recorded client version, oldest first. */
export function recordedVersions(): string[] {
  return Object.keys(recordingIndex()).sort(compareVersions);
}

/** Every recorded (version, case) pair, oldest version first, cases in their declared order. */
export function recordedPairs(): RecordedPair[] {
  const all = recordingIndex();
  return recordedVersions().flatMap((version) => Object.entries(all[version]).map(([caseName, recording]) => ({ version, caseName, recording })));
}

/** The recording of one pair. */
export function recording(version: string, caseName: string): Recording {
  const found = recordingIndex()[version]?.[caseName];
  if (!found) throw new Error(`no recording of ${caseName} by Claude Code ${version}`);
  return found;
}

const texts = new Map<string, string>();

/** The transcript the client was given for a case, regenerated from its fixture. */
export function recordedCaseText(caseName: string): string {
  let text = texts.get(caseName);
  if (text === undefined) {
    text = caseText(caseNamed(caseName));
    texts.set(caseName, text);
  }
  return text;
}

/** The messages a client sent for a case (long strings as digests), or undefined when it sent none. */
export function recordedMessages(version: string, caseName: string): unknown[] | undefined {
  const sha = recording(version, caseName).messagesSha;
  return sha === null ? undefined : loadMessages(sha);
}

/** A case as a session on disk, as the recorder lays it out: `<dir>/<session id>.jsonl`, with its subagents. */
export function caseSession(caseName: string): string {
  const c = caseNamed(caseName);
  const dir = mkdtempSync(join(tmpdir(), 'ccmend-case-'));
  const file = join(dir, `${caseSessionId(c)}.jsonl`);
  writeFileSync(file, recordedCaseText(caseName));
  const subagents = caseSubagentsDir(c);
  if (subagents) cpSync(subagents, join(dir, caseSessionId(c), 'subagents'), { recursive: true });
  return file;
}

type Json = Record<string, unknown>;

/** Every string over the store's limit in a value, so a recording's digests can be turned back into the text sent. */
export function longStrings(value: unknown, into: Map<string, string>): void {
  if (typeof value === 'string') {
    if (value.length > LONG_STRING) into.set(digestString(value).$sha256, value);
  } else if (Array.isArray(value)) for (const v of value) longStrings(v, into);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) longStrings(v, into);
}

/**
 * The request as the client sent it: each digest replaced by the transcript's string with that hash, or, for
 * text the client wrote itself (its reminders), by its head padded to its length with a letter, which keeps
 * what the oracle looks at (empty, whitespace, the bytes of an image's start, the size) as it was.
 */
export function restored(value: unknown, known: ReadonlyMap<string, string>): unknown {
  if (isDigest(value)) return known.get(value.$sha256) ?? value.head.padEnd(value.length, 'x');
  if (Array.isArray(value)) return value.map((v) => restored(v, known));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restored(v, known)]));
  return value;
}

export const textOf = (content: unknown): string[] =>
  typeof content === 'string'
    ? [content]
    : Array.isArray(content)
      ? content.filter((b: Json) => b?.type === 'text' && typeof b.text === 'string').map((b: Json) => b.text as string)
      : [];

/**
 * The conversation the client resumes, as the file holds it: the positions of the walk from the client's own
 * leaf with every gap bridged, from the newest compaction on (what precedes a compaction is summarised by
 * design, not lost).
 */
export function resumedWalk(doc: Doc, version: string): number[] {
  const graph = buildGraph(doc, clientOf(version)!);
  // The whole walk, from the leaf this client resumes rather than from where the session ends.
  const whole = wholeChain(doc, Object.create(graph, { sessionEnd: { value: graph.leaf } }));
  const start = whole.crossings.length ? whole.positions.indexOf(whole.crossings.at(-1)!.boundary) : 0;
  return whole.positions.slice(start);
}

/** The text blocks of a line's message. */
export const lineTexts = (doc: Doc, p: number): string[] => textOf((entryOf(doc, doc.lines[p]!)?.message as Json | undefined)?.content);

/** The prompts and the compaction summary of the conversation the client resumes, as the file holds it. */
export function promptsHeld(doc: Doc, version: string): string[] {
  return resumedWalk(doc, version)
    .filter((p) => isUserPrompt(doc.lines[p]!) || doc.lines[p]!.info.isCompactSummary)
    .map((p) => lineTexts(doc, p)[0]!);
}

/**
 * Whether a prompt went out: as written, or with U+FFFD for its unpaired surrogates (a client that mends
 * them), either ending in a newline (from 2.1.78 a user entry joined with the next one gets one). A
 * compaction summary counts by its opening: clients add their own sentences to it.
 */
export function isSent(held: string, sentTexts: readonly string[]): boolean {
  const forms = [held, held.toWellFormed()].flatMap((t) => [t, `${t}\n`]);
  if (sentTexts.some((t) => forms.includes(t))) return true;
  return held.length > SUMMARY_OPENING && sentTexts.some((t) => t.startsWith(held.slice(0, SUMMARY_OPENING)));
}
const SUMMARY_OPENING = 100;

/**
 * Why the API would not take the session from this client: it refused to resume, the API rejects it, or it
 * leaves out prompts (by default those the file holds; `held` names others, such as those of the session a
 * fixed file was made from). `doc` is the file the client was given.
 */
export function recordedFailure(version: string, caseName: string, doc: Doc, held = promptsHeld(doc, version)): string | undefined {
  const sent = recordedMessages(version, caseName) as Json[] | undefined;
  if (!sent) return 'the client sent no request';
  const known = new Map<string, string>();
  for (const line of doc.lines) longStrings(entryOf(doc, line), known);
  const messages = restored(sent, known) as Json[];
  const rejected = violations(messages);
  if (rejected.length) return `rejected: ${rejected[0]}`;
  const sentTexts = messages.filter((m) => m.role === 'user').flatMap((m) => textOf(m.content));
  const lost = held.filter((p) => p !== PROBE && !isSent(p, sentTexts));
  return lost.length ? `leaves out ${lost.length} prompt(s), first "${lost[0]!.slice(0, 40)}"` : undefined;
}
