// The recordings of real Claude Code clients (fixtures/recordings, made by `npm run record-clients`):
// which (version, case) pairs exist, the case text each client was given, what it sent, and the
// comparison of a recording with ccmend's rebuilt messages.
import { caseNamed, caseText } from '../../scripts/record/cases.mjs';
import { compareVersions, loadMessages, type Recording, readIndex } from '../../scripts/record/store.mjs';

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
