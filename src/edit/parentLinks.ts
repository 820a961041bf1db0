import { type Doc, type Line, lineBytes, lineText, makeLine, makeLineFromBytes } from '../transcript/document.js';
import { internedId } from '../transcript/intern.js';
import { EditError, type IdField, type LineStore } from './lineStore.js';

type Obj = Record<string, unknown>;

/**
 * The uuid links of a draft's lines. A line whose only change is its parent
 * (a relink) is not parsed: its new parent is kept here and patched into its
 * bytes at the end, so everything else in it stays byte for byte (escapes,
 * number formats, even invalid UTF-8). A line that is parsed for another edit
 * carries its links in its value (`edited`, shared with the draft).
 */
export class ParentLinks {
  private readonly relinks = new Map<number, string | null>();

  constructor(
    private readonly store: LineStore,
    private readonly edited: ReadonlyMap<number, Obj>,
  ) {}

  uuidOf(line: Line): string | undefined {
    return (this.edited.get(line.key)?.uuid as string | undefined) ?? line.info.uuid;
  }

  parentOf(line: Line): string | null | undefined {
    const v = this.edited.get(line.key);
    if (v) return v.parentUuid as string | null | undefined;
    return this.relinks.has(line.key) ? this.relinks.get(line.key) : line.info.parentUuid;
  }

  setParent(key: number, parent: string | null | undefined): void {
    const v = this.edited.get(key);
    if (v) v.parentUuid = parent ?? null;
    else if (this.store.get(key).info.kind !== 'entry') throw new EditError(`line ${key + 1} is not a readable entry`);
    else this.relinks.set(key, parent ?? null);
  }

  /** Hands a pending relink of `key` over to its newly parsed value. */
  moveInto(key: number, value: Obj): void {
    if (this.relinks.has(key)) value.parentUuid = this.relinks.get(key)!;
    this.relinks.delete(key);
  }

  forget(key: number): void {
    this.relinks.delete(key);
  }

  /** Keys of the lines that are only relinked. */
  relinkedKeys(): IterableIterator<number> {
    return this.relinks.keys();
  }

  private touched(l: Line): boolean {
    return this.touchedKey(l.key);
  }

  private touchedKey(key: number): boolean {
    return (this.edited.size > 0 && this.edited.has(key)) || (this.relinks.size > 0 && this.relinks.has(key));
  }

  /**
   * Whether the uuid of line `key` is one of `uuids`, whose interned ids are `ids`: an untouched
   * line's is read from its column, not from the line (a rewind asks it of every line it removes).
   */
  carriesOneOf(key: number, uuids: ReadonlySet<string | null | undefined>, ids: ReadonlySet<number>): boolean {
    if (!this.touchedKey(key)) return ids.has(this.store.uidOf(key));
    const uuid = this.uuidOf(this.store.get(key));
    return uuid !== undefined && uuids.has(uuid);
  }

  /**
   * The live lines whose `field` (their uuid or their parent) may be `uuid`:
   * untouched lines are matched on interned ids, edited and relinked lines
   * (few) are all offered, to be asked for their current value. A batch of a
   * thousand deletions then never rescans a 100k-line transcript a thousand times.
   */
  private candidates(uuid: string, field: IdField): Line[] {
    const out = this.store.withId(field, internedId(uuid), (l) => l.info.kind === 'entry' && !this.touched(l));
    for (const key of new Set([...this.edited.keys(), ...this.relinks.keys()])) {
      const l = this.store.find(key);
      if (l) out.push(l);
    }
    return out;
  }

  /** Lines whose current parent is `uuid`. */
  childrenOf(uuid: string): Line[] {
    return this.candidates(uuid, 'pid').filter((l) => l.info.kind === 'entry' && this.parentOf(l) === uuid);
  }

  /** Whether a line other than `except` carries `uuid`. */
  carried(uuid: string, except: Line): boolean {
    return this.candidates(uuid, 'uid').some((l) => l !== except && this.uuidOf(l) === uuid);
  }

  /** Keys of every line that descends from any of `roots` (the roots themselves excluded), each once. */
  descendants(roots: readonly number[]): readonly number[] {
    // Children found through the interned ids (see candidates): a rewind of a few lines does not read all 100k.
    const rootSet = new Set(roots);
    const stack = roots.map((k) => this.uuidOf(this.store.get(k))).filter((u): u is string => !!u);
    // With nothing edited or relinked yet, every line's links are its columns': a rewind of 100k lines reads no line.
    if (!this.edited.size && !this.relinks.size)
      return this.store.descendantsOfIds(
        stack.map((u) => internedId(u)),
        rootSet,
      );
    const out: number[] = [];
    const seen = new Set(stack);
    while (stack.length) {
      for (const c of this.childrenOf(stack.pop()!)) {
        if (!rootSet.has(c.key)) out.push(c.key);
        const u = this.uuidOf(c);
        if (u && !seen.has(u)) {
          seen.add(u);
          stack.push(u);
        }
      }
    }
    return out;
  }

  /** The line with its pending relink written in. */
  relinked(doc: Doc, line: Line): Line {
    return patchParent(doc, line, this.relinks.get(line.key)!);
  }
}

const PARENT_FIELD = /"parentUuid"\s*:\s*(?:null|"(?:[^"\\]|\\.)*")/;

/**
 * The line with a new parentUuid, patched in its bytes when that is unambiguous,
 * so everything else in it stays byte for byte (even invalid UTF-8).
 */
function patchParent(doc: Doc, line: Line, parent: string | null): Line {
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
