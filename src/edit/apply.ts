import { type Steps, finish } from '../conversation/steps.js';
import type { Doc } from '../transcript/document.js';
import { valueAt } from '../transcript/jsonPath.js';
import { Draft } from './draft.js';
import type { Edit } from './types.js';

export { EditError } from './lineStore.js';

type Obj = Record<string, unknown>;
type EditOf<K extends Edit['op']> = Extract<Edit, { op: K }>;

interface Op<E extends Edit> {
  /** Does the edit to a draft. */
  apply(d: Draft, e: E): void;
  /** Keys of the lines it reads or writes (besides relinked children). */
  keys(e: E): readonly number[];
}

const onKey = (e: { key: number }) => [e.key];

/** Every edit operation: what it does and which lines it touches, side by side. */
const OPS: { readonly [K in Edit['op']]: Op<EditOf<K>> } = {
  'delete-line': { apply: (d, e) => d.deleteLine(e.key), keys: onKey },
  'insert-line': {
    apply: (d, e) => d.insertLine(e.afterKey, e.value, e.adopt),
    keys: (e) => [...(e.afterKey === null ? [] : [e.afterKey]), ...(e.adopt ?? [])],
  },
  set: { apply: (d, e) => d.set(e.key, e.path, e.value), keys: onKey },
  'remove-block': { apply: (d, e) => void d.removeBlock(e.key, e.path), keys: onKey },
  'move-block': {
    apply(d, e) {
      // Within one line the block only changes place, so the line never empties.
      const block = e.key === e.toKey ? d.take(e.key, e.path) : d.removeBlock(e.key, e.path);
      d.insertBlock(e.toKey, e.toPath, block);
    },
    keys: (e) => [e.key, e.toKey],
  },
  'parse-json': {
    apply(d, e) {
      const v = valueAt(d.value(e.key), e.path);
      let parsed: unknown = {};
      if (typeof v === 'string') {
        try {
          parsed = JSON.parse(v);
        } catch {
          parsed = {};
        }
      }
      d.set(e.key, e.path, parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {});
    },
    keys: onKey,
  },
  'trim-end': {
    apply(d, e) {
      const v = valueAt(d.value(e.key), e.path);
      if (typeof v === 'string') d.set(e.key, e.path, v.trimEnd());
      else if (v && typeof v === 'object' && typeof (v as Obj).text === 'string') (v as Obj).text = ((v as Obj).text as string).trimEnd();
    },
    keys: onKey,
  },
  'repair-surrogates': { apply: (d, e) => d.mapStrings(e.key, (s) => s.toWellFormed()), keys: onKey },
  'swap-lines': { apply: (d, e) => d.swap(e.key, e.withKey), keys: (e) => [e.key, e.withKey] },
  'merge-lines': {
    apply(d, e) {
      const from = d.value(e.key);
      const content = (from.message as Obj | undefined)?.content;
      const blocks = typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : Array.isArray(content) ? content : [];
      const into = (d.value(e.intoKey).message as Obj | undefined)?.content;
      let at = typeof into === 'string' ? 1 : Array.isArray(into) ? into.length : 0;
      for (const b of blocks) d.insertBlock(e.intoKey, ['message', 'content', at++], b);
      d.deleteLine(e.key);
    },
    keys: (e) => [e.key, e.intoKey],
  },
  rewind: { apply: (d, e) => d.rewind(e.keys), keys: (e) => e.keys },
};

const opOf = (e: Edit) => OPS[e.op] as Op<Edit>;

/** Applies edits in order and returns the new document; `doc` is not changed. */
export function applyEdits(doc: Doc, edits: readonly Edit[]): Doc {
  return finish(editSteps(doc, edits));
}

/** applyEdits a step at a time: the edits, then the new document's lines put in order. */
export function* editSteps(doc: Doc, edits: readonly Edit[]): Steps<Doc> {
  const d = new Draft(doc);
  for (const e of edits) opOf(e).apply(d, e);
  yield;
  return yield* d.finish();
}

/** Keys of the lines an edit reads or writes (besides relinked children). */
export function keysOf(e: Edit): number[] {
  return [...opOf(e).keys(e)];
}
