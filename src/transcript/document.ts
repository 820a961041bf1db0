import { type LineInfo, internIds, invalidLineInfo, lineInfoOf } from './lineInfo.js';
import { parseEntry } from './schema.js';
import type { ByteSource } from './source.js';

export type Eol = '\n' | '\r\n' | '';

/**
 * One line of the transcript. An untouched line points at its original bytes
 * (`span`); an edited or inserted line carries its new text instead.
 */
export interface Line {
  /** Identity that survives edits: the original 0-based line index, or a fresh number for inserted lines. */
  readonly key: number;
  readonly span?: { readonly offset: number; readonly length: number };
  readonly text?: string;
  /** New bytes of a line patched byte-wise (a relink), so invalid UTF-8 elsewhere in it survives. */
  readonly bytes?: Buffer;
  readonly eol: Eol;
  readonly info: LineInfo;
}

/** Facts about the file as it was when loaded, to detect writers that came after. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /** The last bytes loaded (up to 4 KiB), to tell a pure append from a rewrite. */
  readonly tail: Buffer;
}

export interface Doc {
  readonly path?: string;
  readonly source: ByteSource;
  readonly lines: readonly Line[];
  /** Next free line key for inserted lines. */
  readonly nextKey: number;
  readonly stamp?: FileStamp;
}

/** Parses decoded line text into a summary whose ids are not interned yet (see internIds); never throws. */
export function readLineInfo(text: string, bytes: number): LineInfo {
  if (text.trim() === '') return invalidLineInfo('blank line', text, bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return invalidLineInfo(`not valid JSON (${(e as Error).message.split('\n')[0]})`, text, bytes);
  }
  const entry = parseEntry(value);
  if (!entry) return invalidLineInfo('not a JSON object', text, bytes);
  return lineInfoOf(value as Record<string, unknown>, entry, text, bytes);
}

/** Parses decoded line text into a summary; never throws. */
function summarize(text: string, bytes: number): LineInfo {
  const info = readLineInfo(text, bytes);
  internIds(info);
  return info;
}

/** The line's bytes as they will be written (without the end of line). */
export function lineBytes(doc: Doc, line: Line): Buffer {
  if (line.bytes !== undefined) return line.bytes;
  if (line.text !== undefined) return Buffer.from(line.text, 'utf8');
  const span = line.span!;
  return doc.source.read(span.offset, span.length);
}

export function lineText(doc: Doc, line: Line): string {
  return line.text ?? lineBytes(doc, line).toString('utf8');
}

/** The full parsed object of a line (a fresh object each call, safe to mutate), or null for unreadable lines. */
export function entryOf(doc: Doc, line: Line): Record<string, unknown> | null {
  if (line.info.kind !== 'entry') return null;
  return JSON.parse(lineText(doc, line)) as Record<string, unknown>;
}

/** A line with new text, summarised afresh. */
export function makeLine(key: number, text: string, eol: Eol): Line {
  return { key, text, eol, info: summarize(text, Buffer.byteLength(text)) };
}

/** A line with new bytes (which need not be valid UTF-8), summarised afresh. */
export function makeLineFromBytes(key: number, bytes: Buffer, eol: Eol): Line {
  return { key, bytes, eol, info: summarize(bytes.toString('utf8'), bytes.length) };
}

/**
 * A subagent's transcript read as a conversation of its own. Every line of it
 * is the subagent's side chain (isSidechain), which here is the conversation
 * itself: the lines are marked as its main chain. Their bytes are untouched.
 */
export function asOwnConversation(doc: Doc): Doc {
  return { ...doc, lines: doc.lines.map((l) => (l.info.isSidechain ? { ...l, info: { ...l.info, isSidechain: false } } : l)) };
}

/** The end of line a new line should use: the file's own convention. */
export function defaultEol(doc: Doc): Eol {
  for (const l of doc.lines) if (l.eol) return l.eol;
  return '\n';
}
