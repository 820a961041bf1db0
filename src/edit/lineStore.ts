import { type Columns, ColumnsBuilder, ENTRY, columnsOf, positionsByKey } from '../transcript/columns.js';
import { type Doc, type Line, makeLine } from '../transcript/document.js';
import { type Groups, groups, members } from '../transcript/groups.js';
import { internedCount, internedId } from '../transcript/intern.js';
import { type Steps, finish } from '../conversation/steps.js';

const SCANS_BEFORE_INDEX = 8;

/** Slots ordered between pauses (see orderedSteps). */
const COPIED_PER_STEP = 100_000;

/** Thrown when an edit names a line or path that does not exist; the document is left as it was. */
export class EditError extends Error {}

/** What a line-id search looks at: a line's parent or its own uuid (interned, see Columns). */
export type IdField = 'pid' | 'uid';

/**
 * The lines of a draft, in file order, with their columns. Deleting only marks
 * a slot dead and inserting only records the new line beside its anchor;
 * `ordered` builds the final order once. So a batch of a thousand fixes on a
 * 100k-line transcript is not a thousand array splices and key searches.
 */
export class LineStore {
  private lines: readonly Line[];
  /** The lines' columns, kept in step with `lines` (swaps, settling). */
  private cols: Columns;
  /** Whether `lines` and `cols` are this store's own copies yet: they are copied on the first swap only. */
  private owned = false;
  private dead: Uint8Array;
  /** key -> slot in `lines`, -1 when the line is gone or was inserted here. */
  private slot: Int32Array;
  /** Lines inserted here, by key; and what was inserted after each anchor key (-1: the front). */
  private readonly inserted = new Map<number, Line>();
  private readonly after = new Map<number, Line[]>();
  private nextKey: number;

  constructor(doc: Doc) {
    this.lines = doc.lines;
    this.cols = columnsOf(doc.lines);
    this.nextKey = doc.nextKey;
    this.dead = new Uint8Array(this.lines.length);
    this.slot = this.slots();
  }

  get keyLimit(): number {
    return this.nextKey;
  }

  private slots(): Int32Array {
    return positionsByKey(this.cols.key, this.nextKey);
  }

  /** The live line with `key`, if any. */
  find(key: number): Line | undefined {
    const at = key >= 0 && key < this.slot.length ? this.slot[key]! : -1;
    return at >= 0 ? this.lines[at] : this.inserted.get(key);
  }

  /** The live line with `key`; an EditError if there is none. */
  get(key: number): Line {
    const line = this.find(key);
    if (!line) throw new EditError(`line ${key + 1} no longer exists`);
    return line;
  }

  /** The interned id of the uuid of the live line `key` as it was read (see Columns), -1 for none. */
  uidOf(key: number): number {
    const at = key >= 0 && key < this.slot.length ? this.slot[key]! : -1;
    if (at >= 0) return this.cols.uid[at]!;
    const uuid = this.get(key).info.uuid;
    return uuid === undefined ? -1 : internedId(uuid);
  }

  /** Every live line, in no particular order (for searches that look at all of them). */
  *live(): Generator<Line> {
    for (let i = 0; i < this.lines.length; i++) if (!this.dead[i]) yield this.lines[i]!;
    yield* this.inserted.values();
  }

  /** A new line with the next key, placed right after `afterKey` (null: the front), as if spliced in there. */
  insert(afterKey: number | null, text: string, eol: Line['eol']): Line {
    if (afterKey !== null) this.get(afterKey);
    const line = makeLine(this.nextKey++, text, eol);
    const anchor = afterKey ?? -1;
    this.after.set(anchor, [line, ...(this.after.get(anchor) ?? [])]);
    this.inserted.set(line.key, line);
    return line;
  }

  delete(key: number): void {
    if (this.inserted.delete(key)) {
      // Lines inserted after it keep their place: the anchor stays in `after`, only no longer emitted.
    } else {
      this.dead[this.slot[key]!] = 1;
      this.slot[key] = -1;
    }
  }

  /**
   * Slots of the original lines by interned parent id and by uuid id. A few
   * lookups scan the lines (about a millisecond each on 100k lines); past that
   * the index pays for itself and is built.
   */
  private byId?: { pid: Groups; uid: Groups };
  private scans = 0;

  private ids() {
    if (!this.byId) {
      const [pid, uid] = groups(this.cols, internedCount(), ['pid', 'uid']);
      this.byId = { pid: pid!, uid: uid! };
    }
    return this.byId;
  }

  /** The live original lines whose `field` is the interned id `id` and that `keep` accepts. */
  withId(field: IdField, id: number, keep: (l: Line) => boolean): Line[] {
    const out: Line[] = [];
    const { lines, dead } = this;
    if (this.byId || ++this.scans > SCANS_BEFORE_INDEX) {
      for (const at of members(this.ids()[field], id)) if (!dead[at] && keep(lines[at]!)) out.push(lines[at]!);
    } else if (id >= 0) {
      const ids = this.cols[field];
      for (let i = 0; i < ids.length; i++) if (ids[i] === id && !dead[i] && keep(lines[i]!)) out.push(lines[i]!);
    }
    return out;
  }

  /**
   * The keys of the live original entries that descend from the uuids interned as `roots`, in the
   * order a depth-first walk meets them (children in file order), but `except`: what a rewind
   * removes while no line is edited or relinked yet, walked on the id columns alone (a rewind of
   * 100k lines reads no line object, and each line is met once: its parent id is walked once).
   */
  descendantsOfIds(roots: readonly number[], except: ReadonlySet<number>): number[] {
    const { start, pos } = this.ids().pid;
    const { key, uid, flags } = this.cols;
    const { dead } = this;
    const out: number[] = [];
    const seen = new Uint8Array(internedCount());
    const stack: number[] = [];
    for (const id of roots) {
      if (id < 0 || seen[id]) continue;
      seen[id] = 1;
      stack.push(id);
    }
    while (stack.length) {
      const parent = stack.pop()!;
      for (let m = start[parent]!, end = start[parent + 1]!; m < end; m++) {
        const at = pos[m]!;
        if (dead[at] || !(flags[at]! & ENTRY)) continue;
        if (!except.has(key[at]!)) out.push(key[at]!);
        const id = uid[at]!;
        if (id < 0 || seen[id]) continue;
        seen[id] = 1;
        stack.push(id);
      }
    }
    return out;
  }

  /** The two lines of `aKey` and `bKey`, the one earlier in the file first. */
  inFileOrder(aKey: number, bKey: number): [Line, Line] {
    this.get(aKey);
    this.get(bKey);
    if (this.inserted.size || this.after.size) this.settle();
    const a = this.slot[aKey]!;
    const b = this.slot[bKey]!;
    return a < b ? [this.lines[a]!, this.lines[b]!] : [this.lines[b]!, this.lines[a]!];
  }

  /** Makes the two lines trade places in the file (call inFileOrder first: it settles insertions). */
  swap(aKey: number, bKey: number): void {
    const a = this.slot[aKey]!;
    const b = this.slot[bKey]!;
    if (!this.owned) {
      const c = this.cols;
      this.lines = [...this.lines];
      this.cols = { key: c.key.slice(), flags: c.flags.slice(), uid: c.uid.slice(), pid: c.pid.slice(), mid: c.mid.slice(), stamp: c.stamp.slice() };
      this.owned = true;
    }
    const lines = this.lines as Line[];
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
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
    this.slot[aKey] = b;
    this.slot[bKey] = a;
  }

  /**
   * The live lines in their final order, each slot then what was inserted after
   * it, with their columns. Lines whose key `changed` marks take the form
   * `rewrite` gives them. Runs of untouched slots are copied whole, lines and
   * column rows alike: an edit of one line costs a copy of the rest, not a
   * visit to each of 100k line objects.
   */
  ordered(changed?: Uint8Array, rewrite?: (line: Line, key: number) => Line): { lines: Line[]; cols: Columns } {
    return finish(this.orderedSteps(changed, rewrite));
  }

  /** ordered, pausing every COPIED_PER_STEP slots: on 2 GB the copy of a million lines and their columns is a few hundred ms. */
  *orderedSteps(changed?: Uint8Array, rewrite?: (line: Line, key: number) => Line): Steps<{ lines: Line[]; cols: Columns }> {
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
      run = end;
    };
    emitAfter(-1);
    for (let i = 0; i < lines.length; i++) {
      if (i % COPIED_PER_STEP === COPIED_PER_STEP - 1) {
        // The untouched run so far is copied before the pause.
        flush(i);
        yield;
      }
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
}
