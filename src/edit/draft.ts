import type { Steps } from '../conversation/steps.js';
import { rememberColumns } from '../transcript/columns.js';
import { type Doc, defaultEol, entryOf, makeLine } from '../transcript/document.js';
import { internedId } from '../transcript/intern.js';
import { inArray, parentAt, valueAt } from '../transcript/jsonPath.js';
import type { JsonPath } from '../transcript/lineInfo.js';
import { EditError, LineStore } from './lineStore.js';
import { ParentLinks } from './parentLinks.js';

type Obj = Record<string, unknown>;

/**
 * A working copy of a document for one batch of edits: the operations on its
 * entries. Edited lines are parsed once, mutated, and serialised once at the
 * end; where the lines are is the store's business, how they link the links'.
 */
export class Draft {
  private readonly store: LineStore;
  /** Parsed values of the lines edited so far, by key. */
  private readonly values = new Map<number, Obj>();
  private readonly links: ParentLinks;
  private readonly eol;

  constructor(private readonly doc: Doc) {
    this.store = new LineStore(doc);
    this.links = new ParentLinks(this.store, this.values);
    this.eol = defaultEol(doc);
  }

  value(key: number): Obj {
    let v = this.values.get(key);
    if (!v) {
      const parsed = entryOf(this.doc, this.store.get(key));
      if (!parsed) throw new EditError(`line ${key + 1} is not a readable entry`);
      v = parsed;
      this.links.moveInto(key, v);
      this.values.set(key, v);
    }
    return v;
  }

  /** Removes a line, relinking its children (but those `going` marks by key, removed with it) to its parent. */
  deleteLine(key: number, going?: Uint8Array): void {
    const { links } = this;
    const line = this.store.get(key);
    const uuid = links.uuidOf(line);
    // Children name a uuid, not a line: if another line carries it too (a duplicate), they keep their parent.
    const shared = !!uuid && links.carried(uuid, line);
    if (uuid && !shared) for (const c of links.childrenOf(uuid)) if (!going?.[c.key]) links.setParent(c.key, links.parentOf(line));
    this.drop(key);
  }

  /** Removes a line whose children, if any, go with it. */
  private drop(key: number): void {
    this.store.delete(key);
    this.values.delete(key);
    this.links.forget(key);
  }

  insertLine(afterKey: number | null, value: Obj, adopt: readonly number[] = []): void {
    const line = this.store.insert(afterKey, JSON.stringify(value), this.eol);
    this.values.set(line.key, structuredClone(value));
    for (const k of adopt) this.links.setParent(k, value.uuid as string);
  }

  set(key: number, path: JsonPath, value: unknown): void {
    if (path.length === 1 && path[0] === 'parentUuid' && !this.values.has(key)) {
      this.links.setParent(key, value as string | null);
      return;
    }
    const container = parentAt(this.value(key), path);
    if (!container) throw new EditError(`line ${key + 1} has no ${path.join('.')}`);
    const last = path[path.length - 1]!;
    if (value === undefined) delete container[last];
    else container[last] = value;
  }

  /** Takes an element out of its array; returns it. */
  take(key: number, path: JsonPath): unknown {
    const arr = valueAt(this.value(key), path.slice(0, -1));
    const i = path[path.length - 1];
    if (!Array.isArray(arr) || typeof i !== 'number' || i < 0 || i >= arr.length) throw new EditError(`line ${key + 1} has no block ${path.join('.')}`);
    return arr.splice(i, 1)[0];
  }

  /**
   * Removes a content block and returns it; a line left with no content is removed.
   * A string slot (a line's string content, a local command's text, one rendered part
   * of an attachment) is a whole text block: removing it removes what holds it.
   */
  removeBlock(key: number, path: JsonPath): unknown {
    if (inArray(path)) {
      const block = this.take(key, path);
      this.dropIfEmpty(key, path);
      return block;
    }
    const text = valueAt(this.value(key), path);
    if (typeof text !== 'string') throw new EditError(`line ${key + 1} has no block ${path.join('.')}`);
    if (path[0] === 'rendered' && path.length === 3) this.removeBlock(key, path.slice(0, -1));
    else this.deleteLine(key);
    return { type: 'text', text };
  }

  /** A line whose message content (or rendered list) is now empty is removed. */
  private dropIfEmpty(key: number, path: JsonPath): void {
    const arr = valueAt(this.value(key), path.slice(0, -1));
    const isContent = (path[0] === 'message' && path[1] === 'content') || path[0] === 'rendered';
    if (isContent && path.length <= 3 && Array.isArray(arr) && arr.length === 0) this.deleteLine(key);
  }

  insertBlock(key: number, path: JsonPath, block: unknown): void {
    const obj = this.value(key);
    const arrayPath = path.slice(0, -1);
    let arr = valueAt(obj, arrayPath);
    if (typeof arr === 'string') {
      // String content becomes one text block so other blocks can join it.
      arr = arr === '' ? [] : [{ type: 'text', text: arr }];
      parentAt(obj, arrayPath)![arrayPath[arrayPath.length - 1]!] = arr;
    }
    if (!Array.isArray(arr)) throw new EditError(`line ${key + 1} has no content at ${arrayPath.join('.')}`);
    const i = path[path.length - 1] as number;
    arr.splice(Math.min(i, arr.length), 0, block);
  }

  /** Replaces every string (and key) of the line by what `fix` makes of it. */
  mapStrings(key: number, fix: (s: string) => string): void {
    const v = walkStrings(this.value(key), fix) as Obj;
    const target = this.value(key);
    for (const k of Object.keys(target)) delete target[k];
    Object.assign(target, v);
  }

  /** Swaps two lines in the file; if the later one is the earlier one's child, their links swap too. */
  swap(aKey: number, bKey: number): void {
    const { links } = this;
    const [first, second] = this.store.inFileOrder(aKey, bKey);
    const fu = links.uuidOf(first);
    const su = links.uuidOf(second);
    if (fu && su && links.parentOf(second) === fu) {
      // P → first → second → C becomes P → second → first → C.
      const grandchildren = links.childrenOf(su);
      links.setParent(second.key, links.parentOf(first));
      links.setParent(first.key, su);
      for (const c of grandchildren) if (c.key !== first.key) links.setParent(c.key, fu);
    }
    this.store.swap(first.key, second.key);
  }

  /** Removes every line that descends from any of `keys`. */
  rewind(keys: readonly number[]): void {
    // The children of a removed line are removed too: relinking each on the way (then dropping it) made a rewind of 100k lines quadratic.
    // Only a line of `keys` can hang from a removed line and stay (on a cycle through it): it goes to that line's parent.
    const { links, store } = this;
    const going = links.descendants(keys);
    const held = new Set<string | null | undefined>();
    const heldIds = new Set<number>();
    const hold = (uuid: string | null | undefined) => {
      held.add(uuid);
      // An id never interned is carried by no line as read: only an edited one, whose value is asked.
      if (uuid && internedId(uuid) >= 0) heldIds.add(internedId(uuid));
    };
    for (const k of keys) hold(links.parentOf(store.get(k)));
    // Which keys go, by key: asked of the children of each held line that goes.
    const gone = new Uint8Array(store.keyLimit);
    for (const g of going) gone[g] = 1;
    for (const k of going) {
      if (!links.carriesOneOf(k, held, heldIds)) {
        this.drop(k);
        continue;
      }
      hold(links.parentOf(store.get(k)));
      this.deleteLine(k, gone);
    }
  }

  /** The edited document, a step at a time (see LineStore.orderedSteps). */
  *finish(): Steps<Doc> {
    const changed = new Uint8Array(this.store.keyLimit);
    for (const key of this.values.keys()) changed[key] = 1;
    for (const key of this.links.relinkedKeys()) changed[key] = 1;
    const { lines, cols } = yield* this.store.orderedSteps(changed, (line, key) => {
      const v = this.values.get(key);
      return v ? makeLine(key, JSON.stringify(v), line.eol) : this.links.relinked(this.doc, line);
    });
    rememberColumns(lines, cols);
    return { ...this.doc, lines, nextKey: this.store.keyLimit };
  }
}

function walkStrings(v: unknown, fix: (s: string) => string): unknown {
  if (typeof v === 'string') return fix(v);
  if (Array.isArray(v)) return v.map((x) => walkStrings(x, fix));
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[fix(k)] = walkStrings(x, fix);
    return out;
  }
  return v;
}
