import { expect } from 'vitest';
import { clientOf } from '../../src/conversation/clients.js';
import { type FixAllOptions, type FixAllResult, fixAll } from '../../src/edit/fixAll.js';
import { type AnalyzeOptions, analyze } from '../../src/rules/analyze.js';
import type { Diagnostic } from '../../src/rules/types.js';
import { type Doc, entryOf, lineBytes } from '../../src/transcript/document.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { type RealName, realLines } from '../helpers/fixtures.js';

/** A parsed transcript line, loosely typed so tests can break it. */
export type Entry = Record<string, any>;

/** Fresh, mutable copies of a real fixture's entries. */
export const entries = (name: RealName): Entry[] => realLines(name) as Entry[];

/** Index of the entry whose uuid starts with `prefix` (throws if there is none, so a typo cannot pass). */
export function at(lines: readonly Entry[], prefix: string): number {
  const i = lines.findIndex((e) => typeof e.uuid === 'string' && e.uuid.startsWith(prefix));
  if (i === -1) throw new Error(`no line with uuid ${prefix}…`);
  return i;
}

/** The entry whose uuid starts with `prefix`. */
export const entry = (lines: readonly Entry[], prefix: string): Entry => lines[at(lines, prefix)]!;

/**
 * Removes the entries whose uuids start with `prefixes`, relinking their
 * children to the removed entry's parent (a line lost from an otherwise whole chain).
 */
export function dropLinked(lines: Entry[], ...prefixes: string[]): Entry[] {
  for (const p of prefixes) {
    const [gone] = lines.splice(at(lines, p), 1);
    for (const e of lines) if (e.parentUuid === gone!.uuid) e.parentUuid = gone!.parentUuid;
  }
  return lines;
}

/** The parsed entry at position `pos` of a document (throws for an unreadable line). */
export function entryAt(doc: Doc, pos: number): Entry {
  const e = entryOf(doc, doc.lines[pos]!);
  if (!e) throw new Error(`line ${pos + 1} is not an entry`);
  return e;
}

/** The bytes of the line at position `pos` as they will be written (without its end of line), as text. */
export const textAt = (doc: Doc, pos: number): string => lineBytes(doc, doc.lines[pos]!).toString('utf8');

/** The message content blocks of an entry (throws if it has none, so a wrong line cannot pass). */
export function blocksOf(e: Entry): Entry[] {
  const c = e.message?.content;
  if (!Array.isArray(c)) throw new Error(`line ${e.uuid} has no content array`);
  return c as Entry[];
}

export interface Row {
  rule: string;
  severity: Diagnostic['severity'];
  line: number;
  turn?: number;
  apiError?: string;
}

/** Checks for one Claude Code version (the default is the newest ccmend models). */
export const forClient = (version: string): { readonly target: NonNullable<AnalyzeOptions['target']> } => ({ target: [clientOf(version)!] });

/** The row of an error at a line and turn. */
export const errorRow = (rule: string, line: number, turn: number, apiError: string): Row => ({ rule, severity: 'error', line, turn, apiError });

/**
 * Makes the line whose uuid starts with `first` and the line after it (its
 * child) trade places, in the file and in the chain; `grandchild` (the next
 * line's uuid prefix) is relinked to the one now second.
 */
export function swapWithNext(lines: Entry[], first: string, grandchild: string): void {
  const t = at(lines, first);
  const [a, b] = [lines[t]!, lines[t + 1]!];
  b.parentUuid = a.parentUuid;
  a.parentUuid = b.uuid;
  entry(lines, grandchild).parentUuid = a.uuid;
  lines.splice(t, 2, b, a);
}

const row = (d: Diagnostic): Row => ({
  rule: d.rule,
  severity: d.severity,
  line: d.line,
  ...(d.turn === undefined ? {} : { turn: d.turn }),
  ...(d.apiError === undefined ? {} : { apiError: d.apiError }),
});

/** Every diagnostic of a document as a plain row (info included). */
export const rows = (doc: Doc, options?: AnalyzeOptions): Row[] => analyze(doc, options).diagnostics.map(row);

/** The bytes of each line as written, keyed by line key (from the serialised document). */
function bytesByKey(doc: Doc): Map<number, string> {
  const text = serializeToBuffer(doc).toString('latin1');
  const out = new Map<number, string>();
  let start = 0;
  for (const line of doc.lines) {
    const nl = line.eol ? text.indexOf('\n', start) : text.length;
    out.set(line.key, text.slice(start, nl === -1 ? text.length : nl + 1));
    start = nl + 1;
  }
  expect(start).toBeGreaterThanOrEqual(text.length);
  return out;
}

export interface LineChanges {
  /** 1-based line numbers (in `before`) whose bytes differ. */
  changed: number[];
  /** 1-based line numbers (in `before`) no longer present. */
  removed: number[];
  /** Number of new lines. */
  added: number;
}

/** Which lines of `before` an edit changed or removed; every other line is byte-identical. */
export function lineChanges(before: Doc, after: Doc): LineChanges {
  const a = bytesByKey(before);
  const b = bytesByKey(after);
  const lineNo = new Map(before.lines.map((l, i) => [l.key, i + 1]));
  const changed: number[] = [];
  const removed: number[] = [];
  for (const [key, bytes] of a) {
    const now = b.get(key);
    if (now === undefined) removed.push(lineNo.get(key)!);
    else if (now !== bytes) changed.push(lineNo.get(key)!);
  }
  return { changed, removed, added: [...b.keys()].filter((k) => !a.has(k)).length };
}

/**
 * Runs `fix` and checks what every repair must guarantee: no error left, a
 * second run applies nothing, and exactly the expected lines were touched.
 */
export function expectRepair(doc: Doc, expected: LineChanges & { applied: string[] }, options: FixAllOptions = {}): FixAllResult {
  const res = fixAll(doc, options);
  expect(res.applied.map((a) => `${a.rule}@${a.line}: ${a.label}`)).toEqual(expected.applied);
  expect(res.analysis.diagnostics.filter((d) => d.severity === 'error').map(row)).toEqual([]);
  if (options.warnings) expect(res.analysis.diagnostics.filter((d) => d.severity === 'warning').map(row)).toEqual([]);
  const again = fixAll(res.doc, options);
  expect(again.applied).toEqual([]);
  expect(serializeToBuffer(again.doc).equals(serializeToBuffer(res.doc))).toBe(true);
  expect(lineChanges(doc, res.doc)).toEqual({ changed: expected.changed, removed: expected.removed, added: expected.added });
  return res;
}
