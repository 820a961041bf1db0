import type { Edit } from '../rules/types.js';
import { type Doc, type Line, defaultEol, entryOf, lineBytes, lineText, makeLine, makeLineFromBytes } from '../transcript/document.js';
import { inArray, parentAt, valueAt } from '../transcript/jsonPath.js';
import { type Columns, ColumnsBuilder, columnsOf, rememberColumns } from '../transcript/columns.js';
import { type Groups, groups, members } from '../transcript/groups.js';
import { internedCount, internedId } from '../transcript/intern.js';
import type { JsonPath } from '../transcript/lineInfo.js';

type Obj = Record<string, unknown>;

const SCANS_BEFORE_INDEX = 8;

/** Thrown when an edit names a line or path that does not exist; the document is left as it was. */
export class EditError extends Error {}

/**
 * A working copy of a document for one batch of edits. Edited lines are parsed
 * once, mutated, and serialised once at the end. A line whose only change is its
 * parentUuid (a relink) is patched in its text instead, so everything else in
 * it stays byte for byte (escapes, number formats, even invalid UTF-8).
 */
class Draft {
  /**
   * The lines in file order. Deleting only marks a slot dead and inserting only
   * records the new line beside its anchor; `finish` builds the final order once.
   * So a batch of a thousand fixes on a 100k-line transcript is not a thousand
   * array splices and key searches.
   */
  private lines: readonly Line[];
  /** The lines' columns, kept in step with `lines` (swaps, settling). */
  private cols: Columns;
  /** Whether `lines` and `cols` are this draft's own copies yet: they are copied on the first swap only. */
  private owned = false;
  private dead: Uint8Array;
  /** key -> slot in `lines`, -1 when the line is gone or was inserted by this draft. */
  private slot: Int32Array;
  /** Lines inserted by this draft, by key; and what was inserted after each anchor key (-1: the front). */
  private readonly inserted = new Map<number, Line>();
  private readonly after = new Map<number, Line[]>();
  private nextKey: number;
  private readonly values = new Map<number, Obj>();
  private readonly relinks = new Map<number, string | null>();
  private readonly eol;

  constructor(private readonly doc: Doc) {
    this.lines = doc.lines;
    this.cols = columnsOf(doc.lines);
    this.nextKey = doc.nextKey;
    this.eol = defaultEol(doc);
    this.dead = new Uint8Array(this.lines.length);
    this.slot = this.slots();
  }

  private slots(): Int32Array {
    const slot = new Int32Array(this.nextKey).fill(-1);
    const { key } = this.cols;
    for (let i = 0; i < key.length; i++) slot[key[i]!] = i;
    return slot;
  }

  private lineOf(key: number): Line {
    const at = key >= 0 && key < this.slot.length ? this.slot[key]! : -1;
    const line = at >= 0 ? this.lines[at] : this.inserted.get(key);
    if (!line) throw new EditError(`line ${key + 1} no longer exists`);
    return line;
  }

  /** Every live line, in no particular order (for searches that look at all of them). */
  private *live(): Generator<Line> {
    for (let i = 0; i < this.lines.length; i++) if (!this.dead[i]) yield this.lines[i]!;
    yield* this.inserted.values();
  }

  /**
   * The live lines in their final order, each slot then what was inserted after
   * it, with their columns. Lines whose key `changed` marks take the form
   * `rewrite` gives them. Runs of untouched slots are copied whole, lines and
   * column rows alike: an edit of one line costs a copy of the rest, not a
   * visit to each of 100k line objects.
   */
  private ordered(changed?: Uint8Array, rewrite?: (line: Line, key: number) => Line): { lines: Line[]; cols: Columns } {
    const { lines, dead, after, inserted } = this;
    // Made at its largest size and cut at the end: grown by push, 100k lines were copied over and over.
    const out = new Array<Line>(lines.length + inserted.size);
    let n = 0;
    const cols = new ColumnsBuilder(out.length);
    const keys = this.cols.key;
    const emit = (line: Line) => {
      out[n++] = line;
      cols.add(line);
    };
    const emitAfter = (anchor: number) => {
      for (const l of after.get(anchor) ?? []) {
        if (inserted.has(l.key)) emit(changed?.[l.key] ? rewrite!(l, l.key) : l);
        emitAfter(l.key);
      }
    };
    // Slots whose key is an anchor (a typed lookup: a Map lookup per line costs more than the copy).
    const anchored = after.size ? new Uint8Array(this.nextKey) : undefined;
    for (const k of after.keys()) if (k >= 0) anchored![k] = 1;
    let run = 0;
    const flush = (end: number) => {
      for (let i = run; i < end; i++) out[n++] = lines[i]!;
      cols.copy(this.cols, run, end);
    };
    emitAfter(-1);
    for (let i = 0; i < lines.length; i++) {
      const key = keys[i]!;
      const untouched = !dead[i] && !changed?.[key];
      if (untouched && !anchored?.[key]) continue;
      flush(untouched ? i + 1 : i);
      if (!untouched && !dead[i]) emit(rewrite!(lines[i]!, key));
      if (anchored?.[key]) emitAfter(key);
      run = i + 1;
    }
    flush(lines.length);
    out.length = n;
    return { lines: out, cols: cols.done() };
  }

  /** Makes the recorded deletions and insertions real (only needed before moving an inserted line). */
  private settle(): void {
    this.byId = undefined;
    ({ lines: this.lines, cols: this.cols } = this.ordered());
    this.owned = true;
    this.dead = new Uint8Array(this.lines.length);
    this.inserted.clear();
    this.after.clear();
    this.slot = this.slots();
  }

  value(key: number): Obj {
    let v = this.values.get(key);
    if (!v) {
      const line = this.lineOf(key);
      const parsed = entryOf(this.doc, line);
      if (!parsed) throw new EditError(`line ${key + 1} is not a readable entry`);
      v = parsed;
      if (this.relinks.has(key)) v.parentUuid = this.relinks.get(key)!;
      this.relinks.delete(key);
      this.values.set(key, v);
    }
    return v;
  }

  uuidOf(line: Line): string | undefined {
    return (this.values.get(line.key)?.uuid as string | undefined) ?? line.info.uuid;
  }

  parentOf(line: Line): string | null | undefined {
    const v = this.values.get(line.key);
    if (v) return v.parentUuid as string | null | undefined;
    return this.relinks.has(line.key) ? this.relinks.get(line.key) : line.info.parentUuid;
  }

  setParent(key: number, parent: string | null | undefined): void {
    const v = this.values.get(key);
    if (v) v.parentUuid = parent ?? null;
    else if (this.lineOf(key).info.kind !== 'entry') throw new EditError(`line ${key + 1} is not a readable entry`);
    else this.relinks.set(key, parent ?? null);
  }

  /**
   * Slots of the draft's original lines by interned parent id and by uuid id.
   * A few lookups scan the lines (about a millisecond each on 100k lines);
   * past that the index pays for itself and is built.
   */
  private byId?: { pid: Groups; uid: Groups };
  private scans = 0;

  private ids() {
    if (!this.byId) {
      const size = internedCount();
      const [pid, uid] = groups(this.cols, size, ['pid', 'uid']);
      this.byId = { pid: pid!, uid: uid! };
    }
    return this.byId;
  }

  /**
   * The live lines whose `field` (their uuid or their parent) may be `uuid`:
   * untouched lines are matched on interned ids (through the index once built,
   * else by a plain scan), edited and inserted lines (few) are all offered, to
   * be asked for their current value. A batch of a thousand deletions then
   * never rescans a 100k-line transcript a thousand times.
   */
  private candidates(uuid: string, field: 'pid' | 'uid'): Line[] {
    const id = internedId(uuid);
    const out: Line[] = [];
    const untouched = (l: Line) => l.info.kind === 'entry' && !this.touched(l);
    if (this.byId || ++this.scans > SCANS_BEFORE_INDEX) {
      for (const at of members(this.ids()[field], id)) if (!this.dead[at] && untouched(this.lines[at]!)) out.push(this.lines[at]!);
    } else if (id >= 0) {
      const { lines, dead } = this;
      const ids = this.cols[field];
      for (let i = 0; i < ids.length; i++) if (ids[i] === id && !dead[i] && untouched(lines[i]!)) out.push(lines[i]!);
    }
    for (const key of new Set([...this.values.keys(), ...this.relinks.keys()])) {
      const at = key < this.slot.length ? this.slot[key]! : -1;
      const l = at >= 0 ? this.lines[at] : this.inserted.get(key);
      if (l) out.push(l);
    }
    return out;
  }

  /** Lines whose current parent is `uuid`. */
  childrenOf(uuid: string): Line[] {
    return this.candidates(uuid, 'pid').filter((l) => l.info.kind === 'entry' && this.parentOf(l) === uuid);
  }

  /** Whether a line other than `except` carries `uuid`. */
  private carried(uuid: string, except: Line): boolean {
    return this.candidates(uuid, 'uid').some((l) => l !== except && this.uuidOf(l) === uuid);
  }

  private touched(l: Line): boolean {
    return (this.values.size > 0 && this.values.has(l.key)) || (this.relinks.size > 0 && this.relinks.has(l.key));
  }

  deleteLine(key: number): void {
    const line = this.lineOf(key);
    const uuid = this.uuidOf(line);
    // Children name a uuid, not a line: if another line carries it too (a duplicate), they keep their parent.
    const shared = !!uuid && this.carried(uuid, line);
    if (uuid && !shared) for (const c of this.childrenOf(uuid)) this.setParent(c.key, this.parentOf(line));
    if (this.inserted.delete(key)) {
      // Lines inserted after it keep their place: the anchor stays in `after`, only no longer emitted.
    } else {
      this.dead[this.slot[key]!] = 1;
      this.slot[key] = -1;
    }
    this.values.delete(key);
    this.relinks.delete(key);
  }

  insertLine(afterKey: number | null, value: Obj, adopt: readonly number[] = []): void {
    if (afterKey !== null) this.lineOf(afterKey);
    const key = this.nextKey++;
    const line = makeLine(key, JSON.stringify(value), this.eol);
    // The newest insertion sits right after its anchor, as if spliced in there.
    const anchor = afterKey ?? -1;
    this.after.set(anchor, [line, ...(this.after.get(anchor) ?? [])]);
    this.inserted.set(key, line);
    this.values.set(key, structuredClone(value));
    for (const k of adopt) this.setParent(k, value.uuid as string);
  }

  set(key: number, path: JsonPath, value: unknown): void {
    if (path.length === 1 && path[0] === 'parentUuid' && !this.values.has(key)) {
      this.setParent(key, value as string | null);
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
  dropIfEmpty(key: number, path: JsonPath): void {
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

  swap(aKey: number, bKey: number): void {
    this.lineOf(aKey);
    this.lineOf(bKey);
    if (this.inserted.size || this.after.size) this.settle();
    let a = this.slot[aKey]!;
    let b = this.slot[bKey]!;
    if (a > b) [a, b] = [b, a];
    const first = this.lines[a]!;
    const second = this.lines[b]!;
    const fu = this.uuidOf(first);
    const su = this.uuidOf(second);
    if (fu && su && this.parentOf(second) === fu) {
      // P → first → second → C becomes P → second → first → C.
      const grandchildren = this.childrenOf(su);
      this.setParent(second.key, this.parentOf(first));
      this.setParent(first.key, su);
      for (const c of grandchildren) if (c.key !== first.key) this.setParent(c.key, fu);
    }
    if (!this.owned) {
      const c = this.cols;
      this.lines = [...this.lines];
      this.cols = { key: c.key.slice(), flags: c.flags.slice(), uid: c.uid.slice(), pid: c.pid.slice(), mid: c.mid.slice() };
      this.owned = true;
    }
    const lines = this.lines as Line[];
    lines[a] = second;
    lines[b] = first;
    if (this.byId) {
      // The index names slots: the two lines trade theirs (read before the columns swap).
      for (const field of ['pid', 'uid'] as const) {
        const ids = this.cols[field];
        const inA = members(this.byId[field], ids[a]!);
        const inB = members(this.byId[field], ids[b]!);
        const i = inA.indexOf(a);
        const j = inB.indexOf(b);
        if (i !== -1) inA[i] = b;
        if (j !== -1) inB[j] = a;
      }
    }
    for (const col of Object.values(this.cols)) [col[a], col[b]] = [col[b]!, col[a]!];
    this.slot[second.key] = a;
    this.slot[first.key] = b;
  }

  descendants(roots: readonly number[]): Set<number> {
    const byParent = new Map<string, Line[]>();
    for (const l of this.live()) {
      const p = this.parentOf(l);
      if (!p || l.info.kind !== 'entry') continue;
      const list = byParent.get(p);
      if (list) list.push(l);
      else byParent.set(p, [l]);
    }
    const rootSet = new Set(roots);
    const out = new Set<number>();
    const stack = roots.map((k) => this.uuidOf(this.lineOf(k))).filter((u): u is string => !!u);
    const seen = new Set(stack);
    while (stack.length) {
      for (const c of byParent.get(stack.pop()!) ?? []) {
        if (!rootSet.has(c.key)) out.add(c.key);
        const u = this.uuidOf(c);
        if (u && !seen.has(u)) {
          seen.add(u);
          stack.push(u);
        }
      }
    }
    return out;
  }

  finish(): Doc {
    const changed = new Uint8Array(this.nextKey);
    for (const key of this.values.keys()) changed[key] = 1;
    for (const key of this.relinks.keys()) changed[key] = 1;
    const { lines, cols } = this.ordered(changed, (line, key) => {
      const v = this.values.get(key);
      return v ? makeLine(key, JSON.stringify(v), line.eol) : relinked(this.doc, line, this.relinks.get(key)!);
    });
    rememberColumns(lines, cols);
    return { ...this.doc, lines, nextKey: this.nextKey };
  }
}

const PARENT_FIELD = /"parentUuid"\s*:\s*(?:null|"(?:[^"\\]|\\.)*")/;

/**
 * The line with a new parentUuid, patched in its bytes when that is unambiguous,
 * so everything else in it stays byte for byte (even invalid UTF-8).
 */
function relinked(doc: Doc, line: Line, parent: string | null): Line {
  const bytes = lineBytes(doc, line);
  // latin1 maps each byte to one character: match offsets are byte offsets.
  const m = PARENT_FIELD.exec(bytes.toString('latin1'));
  if (m) {
    const field = Buffer.from(`"parentUuid":${JSON.stringify(parent)}`);
    const patched = makeLineFromBytes(line.key, Buffer.concat([bytes.subarray(0, m.index), field, bytes.subarray(m.index + m[0].length)]), line.eol);
    if (patched.info.kind === 'entry' && patched.info.parentUuid === parent) return patched;
  }
  const v = JSON.parse(lineText(doc, line)) as Obj;
  v.parentUuid = parent;
  return makeLine(line.key, JSON.stringify(v), line.eol);
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

function applyOne(d: Draft, e: Edit): void {
  switch (e.op) {
    case 'delete-line':
      return d.deleteLine(e.key);
    case 'insert-line':
      return d.insertLine(e.afterKey, e.value, e.adopt);
    case 'set':
      return d.set(e.key, e.path, e.value);
    case 'remove-block':
      d.removeBlock(e.key, e.path);
      return;
    case 'move-block': {
      // Within one line the block only changes place, so the line never empties.
      const block = e.key === e.toKey ? d.take(e.key, e.path) : d.removeBlock(e.key, e.path);
      d.insertBlock(e.toKey, e.toPath, block);
      return;
    }
    case 'parse-json': {
      const v = valueAt(d.value(e.key), e.path);
      let parsed: unknown = {};
      if (typeof v === 'string') {
        try {
          parsed = JSON.parse(v);
        } catch {
          parsed = {};
        }
      }
      return d.set(e.key, e.path, parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {});
    }
    case 'trim-end': {
      const v = valueAt(d.value(e.key), e.path);
      if (typeof v === 'string') return d.set(e.key, e.path, v.trimEnd());
      if (v && typeof v === 'object' && typeof (v as Obj).text === 'string') (v as Obj).text = ((v as Obj).text as string).trimEnd();
      return;
    }
    case 'repair-surrogates': {
      const v = walkStrings(d.value(e.key), (s) => s.toWellFormed()) as Obj;
      const target = d.value(e.key);
      for (const k of Object.keys(target)) delete target[k];
      Object.assign(target, v);
      return;
    }
    case 'swap-lines':
      return d.swap(e.key, e.withKey);
    case 'merge-lines': {
      const from = d.value(e.key);
      const content = (from.message as Obj | undefined)?.content;
      const blocks = typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : Array.isArray(content) ? content : [];
      const into = (d.value(e.intoKey).message as Obj | undefined)?.content;
      let at = typeof into === 'string' ? 1 : Array.isArray(into) ? into.length : 0;
      for (const b of blocks) d.insertBlock(e.intoKey, ['message', 'content', at++], b);
      return d.deleteLine(e.key);
    }
    case 'rewind':
      for (const k of d.descendants(e.keys)) d.deleteLine(k);
      return;
  }
}

/** Applies edits in order and returns the new document; `doc` is not changed. */
export function applyEdits(doc: Doc, edits: readonly Edit[]): Doc {
  const d = new Draft(doc);
  for (const e of edits) applyOne(d, e);
  return d.finish();
}

/** Keys of the lines an edit reads or writes (besides relinked children). */
export function keysOf(e: Edit): number[] {
  switch (e.op) {
    case 'insert-line':
      return [...(e.afterKey === null ? [] : [e.afterKey]), ...(e.adopt ?? [])];
    case 'move-block':
      return [e.key, e.toKey];
    case 'swap-lines':
      return [e.key, e.withKey];
    case 'merge-lines':
      return [e.key, e.intoKey];
    case 'rewind':
      return [...e.keys];
    default:
      return [e.key];
  }
}
