import type { JsonPath } from './lineInfo.js';

type Container = Record<string | number, unknown>;

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
