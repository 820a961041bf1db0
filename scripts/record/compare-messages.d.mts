/** Where a recorded request and ccmend's rebuilt one differ. */
export interface Difference {
  /** index in the recorded messages, after normalisation */
  message: number;
  /** index of the block in that message */
  block?: number;
  /** what differs: count, role, blocks, type, text, id, name, input, content[k].…, is_error, source, … */
  field: string;
  recorded: string;
  ours: string;
}
/** A message as compared: content always a block list, long strings as digests, no cache_control. */
export interface NormalisedMessage {
  role: string;
  content: Record<string, unknown>[];
}
/** The recorded messages without what the client added at resume time. */
export function normaliseRecorded(messages: readonly unknown[], transcript?: string): NormalisedMessage[];
/** ccmend's messages in the same form as a normalised recording. */
export function normaliseOurs(messages: readonly unknown[]): NormalisedMessage[];
export function compareMessages(recorded: readonly unknown[], ours: readonly unknown[], transcript?: string): Difference[];
export function formatDifference(d: Difference): string;
