import type { Doc } from '../transcript/document.js';

/** Undo/redo as a stack of immutable documents. */
export interface History {
  readonly past: readonly Doc[];
  readonly present: Doc;
  readonly future: readonly Doc[];
}

export const startHistory = (doc: Doc): History => ({ past: [], present: doc, future: [] });

export const push = (h: History, doc: Doc): History => ({ past: [...h.past, h.present], present: doc, future: [] });

export function undo(h: History): History {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1]!, future: [h.present, ...h.future] };
}

export function redo(h: History): History {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0]!, future: h.future.slice(1) };
}

/** Edits made since the document was loaded or last saved. */
export const isDirty = (h: History, saved: Doc): boolean => h.present !== saved;
