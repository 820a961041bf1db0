import type { Doc } from '../transcript/document.js';
import { type Splice, diffLines, inverted, spliced } from './lineDiff.js';

/**
 * A version of the document other than the present one, kept as what tells it
 * from its neighbour nearer the present: whole copies would cost a line array
 * per edit (0.8 MB on 100k lines; a few hundred edits, hundreds of MB).
 */
export interface Version {
  /** Which version this is (the first, as loaded or saved, is 0). */
  readonly id: number;
  /** What made it (an edit's label), for undo and redo to say. */
  readonly label?: string;
  /** The document but its lines: path, source, nextKey, stamp. */
  readonly rest: Omit<Doc, 'lines'>;
  /** The splices that turn the neighbour's lines into this version's. */
  readonly splices: readonly Splice[];
  /**
   * The document itself while something else keeps it (the editor's analyses
   * do, for the last few): going back to it then hands back the same object,
   * whose analysis is at hand; else it is rebuilt from the splices.
   */
  readonly doc: WeakRef<Doc>;
}

/** Undo and redo: the present document in full, the versions before and after it as splices. */
export interface History {
  /** Oldest first. */
  readonly past: readonly Version[];
  readonly present: Doc;
  /** The present version's id and what made it. */
  readonly id: number;
  readonly label?: string;
  /** Nearest first. */
  readonly future: readonly Version[];
  /** The id the next edit's version gets. */
  readonly nextId: number;
}

/** A history that starts at the document as loaded or saved. */
export const startHistory = (doc: Doc): History => ({ past: [], present: doc, id: 0, future: [], nextId: 1 });

/** The present as a version kept beside another: `splices` turn that one's lines into the present's. */
function asVersion(h: History, splices: readonly Splice[]): Version {
  const { lines: _, ...rest } = h.present;
  return { id: h.id, label: h.label, rest, splices, doc: new WeakRef(h.present) };
}

/** The document of version `v`, whose neighbour is `from`. */
const docOf = (v: Version, from: Doc): Doc => v.doc.deref() ?? { ...v.rest, lines: spliced(from.lines, v.splices) };

/** The history after an edit made `doc` (labelled `label`) from the present; the redo branch is dropped. */
export function push(h: History, doc: Doc, label?: string): History {
  const before = asVersion(h, diffLines(doc.lines, h.present.lines));
  return { past: [...h.past, before], present: doc, id: h.nextId, label, future: [], nextId: h.nextId + 1 };
}

export function undo(h: History): History {
  const v = h.past[h.past.length - 1];
  if (!v) return h;
  return {
    past: h.past.slice(0, -1),
    present: docOf(v, h.present),
    id: v.id,
    label: v.label,
    future: [asVersion(h, inverted(v.splices)), ...h.future],
    nextId: h.nextId,
  };
}

export function redo(h: History): History {
  const v = h.future[0];
  if (!v) return h;
  return {
    past: [...h.past, asVersion(h, inverted(v.splices))],
    present: docOf(v, h.present),
    id: v.id,
    label: v.label,
    future: h.future.slice(1),
    nextId: h.nextId,
  };
}

/** Edits made since the document was loaded or last saved: the present is not the version the history started at. */
export const isDirty = (h: History): boolean => h.id !== 0;
