import type { JsonPath } from '../transcript/lineInfo.js';

/**
 * One edit, as data. Lines are named by their stable `key`, blocks by their
 * path inside the entry (see BlockInfo.path). Rules build these (as fixes),
 * the editor builds them from keys; `src/edit` applies them.
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
