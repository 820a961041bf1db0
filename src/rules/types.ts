import type { ApiView } from '../conversation/apiView.js';
import type { Graph } from '../conversation/graph.js';
import type { Doc } from '../transcript/document.js';
import type { JsonPath } from '../transcript/lineInfo.js';

export type Severity = 'error' | 'warning' | 'info';
export type Provider = 'anthropic' | 'bedrock' | 'vertex';
export const PROVIDERS: readonly Provider[] = ['anthropic', 'bedrock', 'vertex'];

/**
 * One edit, as data. Lines are named by their stable `key`, blocks by their
 * path inside the entry (see BlockInfo.path). `src/edit` applies these.
 */
export type Edit =
  /** Remove a line; its children are relinked to its parent. */
  | { op: 'delete-line'; key: number }
  /** Insert a new entry after `afterKey` (null: before the first line); `adopt` lines get the new line as parent. */
  | { op: 'insert-line'; afterKey: number | null; value: Record<string, unknown>; adopt?: readonly number[] }
  /** Set (or, with `value` undefined, delete) the value at `path`. */
  | { op: 'set'; key: number; path: JsonPath; value: unknown }
  /** Remove a content block (an array element, or a string slot: a line's whole text); a line left with no content is removed (relinking). */
  | { op: 'remove-block'; key: number; path: JsonPath }
  /** Move a content block to `toPath` (an index in `toKey`'s content array). */
  | { op: 'move-block'; key: number; path: JsonPath; toKey: number; toPath: JsonPath }
  /** Replace a JSON-encoded string at `path` by the object it encodes, or `{}`. */
  | { op: 'parse-json'; key: number; path: JsonPath }
  /** Remove trailing whitespace from the string at `path`. */
  | { op: 'trim-end'; key: number; path: JsonPath }
  /** Replace every unpaired UTF-16 surrogate in the line with U+FFFD. */
  | { op: 'repair-surrogates'; key: number }
  /** Swap two lines in the conversation (file order and, if linked, parent links). */
  | { op: 'swap-lines'; key: number; withKey: number }
  /** Append `key`'s content blocks to `intoKey`'s content and remove `key`. */
  | { op: 'merge-lines'; key: number; intoKey: number }
  /** Remove every line that descends from any of `keys` (the lines themselves stay). */
  | { op: 'rewind'; keys: readonly number[] };

export interface Fix {
  readonly label: string;
  /** Safe fixes keep all conversation content that is sent; `fix` applies only these. */
  readonly safe: boolean;
  readonly edits: readonly Edit[];
}

export interface Diagnostic {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** The API's error.message this predicts, if the API rejects it. */
  readonly apiError?: string;
  /** Position of the line in doc.lines (0-based) and its 1-based line number. */
  readonly pos: number;
  readonly line: number;
  readonly key: number;
  /** 1-based message of the API view, when the problem is inside one. */
  readonly turn?: number;
  /** Index of the block among the line's blocks. */
  readonly block?: number;
  readonly fixes: readonly Fix[];
}

export interface RuleContext {
  readonly doc: Doc;
  readonly graph: Graph;
  readonly view: ApiView;
  readonly provider: Provider;
  /** Which part of the conversation this view is: only `active` is sent. */
  readonly segment: 'active' | 'pre-compact';
}

export interface Rule {
  readonly id: string;
  readonly description: string;
  /** `view` rules run on each API view; `document` rules once per file. */
  readonly scope: 'view' | 'document';
  check(ctx: RuleContext): Diagnostic[];
}
