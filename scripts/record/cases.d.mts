/** One transcript a client is asked to resume: a real fixture, as it is or broken by `transform`. */
export interface RecordingCase {
  name: string;
  /** the fixture, relative to fixtures/claude-home/projects */
  source: string;
  description: string;
  transform?: (text: string) => string;
  /** the session id the case is stored and resumed under, when not the fixture's file name */
  sessionId?: string;
  /** the model it is resumed with, when not that of its last assistant line */
  model?: string;
}
export const FIXTURE_PROJECTS: string;
export const FIXTURES: Readonly<Record<string, string>>;
/** The prompt every recording resumes with. */
export const PROBE: string;
export function derivedUuid(uuid: string, tag: string): string;
/** The broken cases `ccmend fix --client all --out` changes, each with a written case of what fix writes. */
export const FIXED_FROM: readonly string[];
/** The broken cases where `ccmend fix --client all --warnings --out` writes other bytes than without --warnings (what the editor's F then s saves). */
export const FIXED_WITH_WARNINGS_FROM: readonly string[];
/** The written case holding what fix writes from a broken case (with --warnings or not). */
export function fixedCaseName(name: string, options?: { warnings?: boolean }): string;
/** The names of the broken variants, in their declared order. */
export const BROKEN_CASES: readonly string[];
/** Every case, real fixtures first. */
export const CASES: readonly RecordingCase[];
export function caseNamed(name: string): RecordingCase;
/** The bytes a client is given for this case. */
export function caseText(c: RecordingCase): string;
export function caseSessionId(c: RecordingCase): string;
export function caseProjectDir(c: RecordingCase): string;
export function caseSubagentsDir(c: RecordingCase): string | undefined;
export function encodeCwd(cwd: string): string;
export function caseCwd(c: RecordingCase, text: string): string;
export function lastAssistantModel(text: string): string;
export function caseModel(c: RecordingCase, text: string): string;
/** Where the bytes of the sessions ccmend writes are kept. */
export const WRITTEN_DIR: string;
/** The ids and time `ccmend handoff` is given for the recorded hand-off. */
export const HANDOFF_RUN: { source: string; ids: { sessionId: string; uuid: string }; now: string };
