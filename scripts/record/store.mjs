// The committed recordings: fixtures/recordings/index.json says, per client version and case, what the
// client was given and what it did; fixtures/recordings/messages/<sha>.json holds one recorded
// `messages` array, named by the sha256 of its bytes so a request that several versions send alike is
// stored once. Strings over 1 KiB (long tool output, base64 image data) are stored as a digest, so the
// store stays small; a comparison applies the same encoding to the other side.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RECORDINGS_DIR = fileURLToPath(new URL('../../fixtures/recordings/', import.meta.url));
export const INDEX_PATH = join(RECORDINGS_DIR, 'index.json');
export const MESSAGES_DIR = join(RECORDINGS_DIR, 'messages');

/** Strings longer than this (in UTF-16 code units) are stored as a digest. */
export const LONG_STRING = 1024;
/** How much of a long string the digest keeps, to show in a difference. */
export const HEAD_LENGTH = 100;

/**
 * @typedef {object} Recording
 * @property {string} transcriptSha256 sha256 of the case's bytes, as the client was given them
 * @property {string} model the model the client was asked to resume with (--model)
 * @property {number | null} exitCode null when the client was killed (see signal)
 * @property {string} [signal] the signal that ended the client, when it did not exit by itself
 * @property {boolean} sent whether the client sent a main request (the probe, with tools)
 * @property {string | null} messagesSha the stored messages of the main request
 * @property {string} [requestModel] the main request's model, when it differs from `model`
 * @property {unknown} [thinking] the main request's `thinking` parameter, when it had one
 * @property {string} [stdout] the client's output, trimmed, when it is not the stand-in's reply
 * @property {string} [stderr] the client's stderr, trimmed
 * @property {number} requests how many HTTP requests the client made in all
 */

/** @typedef {Record<string, Record<string, Recording>>} RecordingIndex version → case name → recording */

/** @param {string | Buffer} data */
export function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** A long string's stand-in; hashed over UTF-16 code units so lone surrogates stay distinct. @param {string} s */
export function digestString(s) {
  return { $sha256: sha256(Buffer.from(s, 'utf16le')), length: s.length, head: s.slice(0, HEAD_LENGTH) };
}

/** @param {unknown} value @returns {value is {$sha256: string, length: number, head: string}} */
export function isDigest(value) {
  return value !== null && typeof value === 'object' && typeof (/** @type {any} */ (value).$sha256) === 'string';
}

/** The stored form of a value: every string over LONG_STRING replaced by its digest. @param {unknown} value @returns {unknown} */
export function encodeLongStrings(value) {
  if (typeof value === 'string') return value.length > LONG_STRING ? digestString(value) : value;
  if (Array.isArray(value)) return value.map(encodeLongStrings);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeLongStrings(v)]));
  return value;
}

/** One message a line, so a diff of the store shows which messages changed. @param {unknown[]} messages */
export function serialiseMessages(messages) {
  return messages.length === 0 ? '[]\n' : `[\n${messages.map((m) => JSON.stringify(m)).join(',\n')}\n]\n`;
}

/** Stores a recorded messages array (encoded) and returns its sha. @param {unknown[]} messages */
export function storeMessages(messages) {
  const text = serialiseMessages(/** @type {unknown[]} */ (encodeLongStrings(messages)));
  const sha = sha256(text);
  mkdirSync(MESSAGES_DIR, { recursive: true });
  const path = join(MESSAGES_DIR, `${sha}.json`);
  if (!existsSync(path)) writeFileSync(path, text);
  return sha;
}

/** @param {string} sha @returns {string} */
export function storedMessagesText(sha) {
  return readFileSync(join(MESSAGES_DIR, `${sha}.json`), 'utf8');
}

/** @param {string} sha @returns {unknown[]} */
export function loadMessages(sha) {
  return JSON.parse(storedMessagesText(sha));
}

/** @returns {RecordingIndex} */
export function readIndex() {
  return existsSync(INDEX_PATH) ? JSON.parse(readFileSync(INDEX_PATH, 'utf8')) : {};
}

/** Orders versions numerically (2.1.9 before 2.1.10). @param {string} a @param {string} b */
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Writes the index with versions in release order and cases in `caseOrder`, atomically. @param {RecordingIndex} index @param {string[]} caseOrder */
export function writeIndex(index, caseOrder) {
  const rank = (/** @type {string} */ name) => {
    const i = caseOrder.indexOf(name);
    return i < 0 ? caseOrder.length : i;
  };
  /** @type {RecordingIndex} */
  const ordered = {};
  for (const version of Object.keys(index).sort(compareVersions)) {
    ordered[version] = Object.fromEntries(Object.entries(index[version]).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
  }
  mkdirSync(RECORDINGS_DIR, { recursive: true });
  const tmp = `${INDEX_PATH}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(ordered, null, 1)}\n`);
  renameSync(tmp, INDEX_PATH);
}

/** Deletes stored messages no recording refers to. @param {RecordingIndex} index */
export function pruneMessages(index) {
  if (!existsSync(MESSAGES_DIR)) return 0;
  const used = new Set(Object.values(index).flatMap((byCase) => Object.values(byCase).map((r) => r.messagesSha)));
  let removed = 0;
  for (const file of readdirSync(MESSAGES_DIR)) {
    if (!used.has(file.replace(/\.json$/, ''))) {
      rmSync(join(MESSAGES_DIR, file));
      removed += 1;
    }
  }
  return removed;
}
