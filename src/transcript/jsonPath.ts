import type { JsonPath } from './lineInfo.js';

type Container = Record<string | number, unknown>;

/**
 * Whether a block path names an element of a content array, rather than a string
 * slot (a string content, a local command's text, a rendered attachment part) that
 * is sent as a text block of its own.
 */
export const inArray = (path: JsonPath): boolean => typeof path[path.length - 1] === 'number';

export function valueAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const k of path) v = v && typeof v === 'object' ? (v as Container)[k] : undefined;
  return v;
}

/** The container holding the last path element, or undefined if the path does not exist. */
export function parentAt(root: unknown, path: JsonPath): Container | undefined {
  const parent = valueAt(root, path.slice(0, -1));
  return parent && typeof parent === 'object' ? (parent as Container) : undefined;
}
