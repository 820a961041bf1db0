/** What one client did with one case (fixtures/recordings/index.json). */
export interface Recording {
  transcriptSha256: string;
  model: string;
  exitCode: number | null;
  signal?: string;
  sent: boolean;
  messagesSha: string | null;
  requestModel?: string;
  thinking?: unknown;
  stdout?: string;
  stderr?: string;
  requests: number;
}
/** version → case name → recording */
export type RecordingIndex = Record<string, Record<string, Recording>>;
/** A string over LONG_STRING code units, as stored. */
export interface Digest {
  $sha256: string;
  length: number;
  head: string;
}
export const RECORDINGS_DIR: string;
export const INDEX_PATH: string;
export const MESSAGES_DIR: string;
export const LONG_STRING: number;
export const HEAD_LENGTH: number;
export function sha256(data: string | Buffer): string;
export function digestString(s: string): Digest;
export function isDigest(value: unknown): value is Digest;
export function encodeLongStrings(value: unknown): unknown;
export function serialiseMessages(messages: readonly unknown[]): string;
export function storeMessages(messages: readonly unknown[]): string;
export function storedMessagesText(sha: string): string;
export function loadMessages(sha: string): unknown[];
export function readIndex(): RecordingIndex;
export function compareVersions(a: string, b: string): number;
export function writeIndex(index: RecordingIndex, caseOrder: readonly string[]): void;
export function pruneMessages(index: RecordingIndex): number;
