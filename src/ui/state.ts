import { applyEdits, EditError } from '../edit/apply.js';
import { fixAll, safeFixOf } from '../edit/fixAll.js';
import { type History, isDirty as historyIsDirty, push, redo, startHistory, undo } from '../edit/history.js';
import { type Analysis, analyze } from '../rules/analyze.js';
import type { Edit } from '../edit/types.js';
import type { Diagnostic, Provider } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { Recent } from '../transcript/recent.js';
import { planDelete, planMerge, planMove, type Planned, rewindKeys } from './editActions.js';
import type { Command } from './keymap.js';
import { type Row, diagnosticsByPos, rawRows, rowLabel, rowOfDiagnostic, treeRows } from './rows.js';

/*
 * The editor's whole state and its pure reducer: documents (with undo
 * history), cursor and viewport, overlays. Side effects (saving, the
 * clipboard, quitting) are requested through `effect` and carried out by the
 * app, which reports back with an action.
 */

export type Overlay = 'none' | 'help' | 'search' | 'confirm-rewind' | 'confirm-save' | 'confirm-quit';
export type Effect = 'save' | 'export' | 'quit';

export interface EditorState {
  readonly history: History;
  readonly analysis: Analysis;
  readonly byPos: Map<number, Diagnostic[]>;
  /** The document as last loaded or saved, to tell unsaved changes. */
  readonly saved: Doc;
  readonly provider: Provider;
  readonly raw: boolean;
  /** First-line keys of collapsed turns (turns start expanded). */
  readonly collapsed: ReadonlySet<number>;
  readonly rows: readonly Row[];
  readonly cursor: number;
  readonly top: number;
  /** Rows of the tree that fit on screen. */
  readonly height: number;
  readonly focus: 'tree' | 'detail';
  readonly detailTop: number;
  readonly overlay: Overlay;
  readonly query: string;
  /** The diagnostic n/N moved to, highlighted in the tree. */
  readonly problem?: Diagnostic;
  readonly pendingRewind?: readonly number[];
  readonly status: string;
  readonly effect?: Effect;
}

export type Action =
  | { type: 'command'; command: Command }
  | { type: 'confirm'; yes: boolean }
  | { type: 'searchInput'; text: string }
  | { type: 'searchSubmit' }
  | { type: 'resize'; height: number }
  | { type: 'saved'; doc: Doc; status: string }
  | { type: 'effectDone'; status: string };

function withRows(s: Omit<EditorState, 'rows' | 'byPos'> & Partial<Pick<EditorState, 'byPos'>>, keepId?: string): EditorState {
  const byPos = s.byPos ?? diagnosticsByPos(s.analysis);
  const rows = s.raw ? rawRows(s.analysis) : treeRows(s.analysis, s.collapsed);
  let cursor = Math.min(s.cursor, Math.max(0, rows.length - 1));
  if (keepId) {
    const at = rows.findIndex((r) => r.id === keepId);
    if (at !== -1) cursor = at;
  }
  return scrolled({ ...s, byPos, rows, cursor });
}

/** Keeps the cursor inside the viewport. */
function scrolled(s: EditorState): EditorState {
  let top = s.top;
  if (s.cursor < top) top = s.cursor;
  if (s.cursor >= top + s.height) top = s.cursor - s.height + 1;
  top = Math.max(0, Math.min(top, Math.max(0, s.rows.length - s.height)));
  return top === s.top ? s : { ...s, top };
}

/**
 * Analyses of the last documents this editor has shown, so undo and redo, which
 * go back to a document just analysed, only redraw. (analyze is pure: this is
 * memoisation; the history itself holds only documents.)
 */
const analyses = new Recent<Doc, { provider: Provider; analysis: Analysis }>(8);

function analysisOf(doc: Doc, provider: Provider): Analysis {
  const known = analyses.get(doc);
  if (known?.provider === provider) return known.analysis;
  return remembered(analyze(doc, { provider }), provider);
}

function remembered(analysis: Analysis, provider: Provider): Analysis {
  analyses.set(analysis.doc, { provider, analysis });
  return analysis;
}

/**
 * Documents that edits made, by the edit list (a fix's edits are one array for
 * as long as its analysis lives) and the document they were applied to. Filled
 * ahead of time by prepareFix; applyEdits is pure, so this is memoisation too.
 */
const edited = new Recent<readonly Edit[], { from: Doc; to: Doc }>(8);

function applied(doc: Doc, edits: readonly Edit[]): Doc {
  const known = edited.get(edits);
  if (known?.from === doc) return known.to;
  const to = applyEdits(doc, edits);
  edited.set(edits, { from: doc, to });
  return to;
}

/**
 * Works out what f would do at the cursor (or, off any problem, after n), before
 * the key: the fixed document and its analysis land in the memos above, and f
 * then only redraws. The editor calls this when the user pauses, reading. The
 * first call also readies the code every edit runs (a cold first edit of 200 MB
 * costs three times a warm one). Returns the fixed document, or undefined when
 * there is nothing to fix, an overlay is open, or an effect runs (a save closes
 * the document's file).
 */
export function prepareFix(s: EditorState): Doc | undefined {
  if (s.overlay !== 'none' || s.effect) return undefined;
  const fix = (problemAtCursor(s) ?? problemAfter(s, problems(s), 1))?.fixes[0];
  if (!fix) return undefined;
  try {
    const doc = applied(s.history.present, fix.edits);
    analysisOf(doc, s.provider);
    return doc;
  } catch (e) {
    if (e instanceof EditError) return undefined; // f will say why
    throw e;
  }
}

export function initialState(doc: Doc, provider: Provider, height: number, status = ''): EditorState {
  const analysis = analysisOf(doc, provider);
  return withRows({
    history: startHistory(doc),
    analysis,
    saved: doc,
    provider,
    raw: false,
    collapsed: new Set(),
    cursor: 0,
    top: 0,
    height: Math.max(1, height),
    focus: 'tree',
    detailTop: 0,
    overlay: 'none',
    query: '',
    status,
  });
}

export const selectedRow = (s: EditorState): Row | undefined => s.rows[s.cursor];

export const isDirty = (s: EditorState): boolean => historyIsDirty(s.history, s.saved);

function moveTo(s: EditorState, cursor: number): EditorState {
  return scrolled({ ...s, cursor: Math.max(0, Math.min(cursor, s.rows.length - 1)), detailTop: 0 });
}

/** Replaces the document (an edit, undo or redo) and revalidates it, unless its analysis is at hand. */
function withHistory(s: EditorState, history: History, status: string, analysis = analysisOf(history.present, s.provider)): EditorState {
  const keep = selectedRow(s)?.id;
  return withRows({ ...s, history, analysis, byPos: undefined, problem: undefined, status }, keep);
}

function edit(s: EditorState, edits: readonly Edit[], done: string): EditorState {
  try {
    const doc = applied(s.history.present, edits);
    return withHistory(s, push(s.history, doc), `${done} · u undoes`);
  } catch (e) {
    if (e instanceof EditError) return { ...s, status: `cannot: ${e.message}` };
    throw e;
  }
}

function planned(s: EditorState, plan: Planned): EditorState {
  return 'refused' in plan ? { ...s, status: plan.refused } : edit(s, plan.edits, plan.done);
}

/** Problems worth navigating to, in file order. */
const problems = (s: EditorState) => s.analysis.diagnostics.filter((d) => d.severity !== 'info');

/** The problem n (dir 1) or N (-1) goes to from here, if there is any. */
function problemAfter(s: EditorState, list: readonly Diagnostic[], dir: 1 | -1): Diagnostic | undefined {
  if (!list.length) return undefined;
  const here = selectedRow(s)?.pos ?? -1;
  const current = s.problem ? list.indexOf(s.problem) : -1;
  if (current !== -1) return list[(current + dir + list.length) % list.length];
  return dir > 0 ? (list.find((d) => d.pos > here) ?? list[0]) : ([...list].reverse().find((d) => d.pos < here) ?? list[list.length - 1]);
}

function gotoProblem(s: EditorState, dir: 1 | -1): EditorState {
  const list = problems(s);
  const next = problemAfter(s, list, dir);
  if (!next) return { ...s, status: 'no problems: the API would accept this conversation' };
  // Show the problem where it is: expand its turn, or switch to the raw view for lines that are not sent.
  const turn = next.turn !== undefined ? next.turn - 1 : s.analysis.view.messageOf.get(next.pos);
  let state: EditorState = s;
  if (!s.raw && turn === undefined) state = withRows({ ...s, raw: true });
  if (!state.raw && turn !== undefined) {
    const key = state.analysis.doc.lines[state.analysis.view.messages[turn]!.lines[0]!]!.key;
    if (state.collapsed.has(key)) {
      const collapsed = new Set(state.collapsed);
      collapsed.delete(key);
      state = withRows({ ...state, collapsed });
    }
  }
  const at = rowOfDiagnostic(state.rows, next);
  const index = list.indexOf(next) + 1;
  const fix = next.fixes[0];
  return {
    ...moveTo(state, at === -1 ? state.cursor : at),
    problem: next,
    status: `problem ${index}/${list.length}: ${next.rule} · ${fix ? `f: ${fix.label}` : 'no automatic fix'}`,
  };
}

/** The diagnostic `f` acts on: the one in focus if the cursor is on it, else the first at the cursor. */
export function problemAtCursor(s: EditorState): Diagnostic | undefined {
  const row = selectedRow(s);
  if (!row) return undefined;
  const here = (d: Diagnostic) => d.pos === row.pos && (row.kind !== 'block' || d.block === undefined || d.block === row.block);
  if (s.problem && here(s.problem)) return s.problem;
  const atRow = (s.byPos.get(row.pos) ?? []).filter((d) => d.severity !== 'info' && here(d));
  if (atRow.length) return atRow[0];
  if (row.kind === 'turn') return s.analysis.view.messages[row.turn!]!.lines.flatMap((p) => s.byPos.get(p) ?? []).find((d) => d.severity !== 'info');
  return undefined;
}

function toggleCollapse(s: EditorState, open: boolean): EditorState {
  const row = selectedRow(s);
  if (!row || s.raw || row.turn === undefined) return s;
  const turnPos = s.analysis.view.messages[row.turn]!.lines[0]!;
  const key = s.analysis.doc.lines[turnPos]!.key;
  if (open === !s.collapsed.has(key)) return s;
  const collapsed = new Set(s.collapsed);
  if (open) collapsed.delete(key);
  else collapsed.add(key);
  return withRows({ ...s, collapsed }, `t${key}`);
}

function search(s: EditorState): EditorState {
  const q = s.query.toLowerCase();
  if (!q) return { ...s, overlay: 'none' };
  for (let i = 1; i <= s.rows.length; i++) {
    const at = (s.cursor + i) % s.rows.length;
    if (rowLabel(s.analysis, s.rows[at]!, s.collapsed).toLowerCase().includes(q))
      return { ...moveTo(s, at), overlay: 'none', status: `found "${s.query}" (/ Enter finds the next)` };
  }
  return { ...s, overlay: 'none', status: `"${s.query}" not found` };
}

function command(s: EditorState, c: Command): EditorState {
  const row = selectedRow(s);
  if (s.focus === 'detail') {
    if (c === 'down') return { ...s, detailTop: s.detailTop + 1 };
    if (c === 'up') return { ...s, detailTop: Math.max(0, s.detailTop - 1) };
    if (c === 'pageDown') return { ...s, detailTop: s.detailTop + s.height };
    if (c === 'pageUp') return { ...s, detailTop: Math.max(0, s.detailTop - s.height) };
    if (c === 'focusDetail' || c === 'close') return { ...s, focus: 'tree', status: '' };
  }
  switch (c) {
    case 'up':
      return moveTo(s, s.cursor - 1);
    case 'down':
      return moveTo(s, s.cursor + 1);
    case 'pageUp':
      return moveTo(s, s.cursor - s.height);
    case 'pageDown':
      return moveTo(s, s.cursor + s.height);
    case 'top':
      return moveTo(s, 0);
    case 'bottom':
      return moveTo(s, s.rows.length - 1);
    case 'expand':
      return toggleCollapse(s, true);
    case 'collapse':
      return toggleCollapse(s, false);
    case 'focusDetail':
      return { ...s, focus: 'detail', detailTop: 0, status: 'detail pane: ↑↓ scroll, Tab back' };
    case 'nextProblem':
      return gotoProblem(s, 1);
    case 'prevProblem':
      return gotoProblem(s, -1);
    case 'delete':
      return row ? planned(s, planDelete(s.analysis, row)) : s;
    case 'moveUp':
      return row ? planned(s, planMove(s.analysis, row, -1)) : s;
    case 'moveDown':
      return row ? planned(s, planMove(s.analysis, row, 1)) : s;
    case 'merge':
      return row ? planned(s, planMerge(s.analysis, row)) : s;
    case 'rewind':
      if (!row) return s;
      return { ...s, overlay: 'confirm-rewind', pendingRewind: rewindKeys(s.analysis, row) };
    case 'fix': {
      const d = problemAtCursor(s);
      if (!d) return { ...s, status: 'no problem here (n goes to the next one)' };
      const fix = d.fixes[0];
      if (!fix) return { ...s, status: `${d.rule} has no automatic fix: edit by hand (d, K/J, m, r)` };
      return edit(s, fix.edits, `fixed ${d.rule}: ${fix.label}`);
    }
    case 'fixAll': {
      const fixable = s.analysis.diagnostics.filter((d) => safeFixOf(d, true)).length;
      if (!fixable) return { ...s, status: 'nothing fixable automatically' };
      // The present document is analysed already, and fixAll ends with the analysis of its result.
      const result = fixAll(s.history.present, { provider: s.provider, warnings: true }, s.analysis);
      if (!result.applied.length) return { ...s, status: 'nothing fixable automatically' };
      const left = result.analysis.counts;
      return withHistory(
        s,
        push(s.history, result.doc),
        `applied ${result.applied.length} fixes; ${left.error} errors and ${left.warning} warnings left · u undoes`,
        remembered(result.analysis, s.provider),
      );
    }
    case 'undo':
      return s.history.past.length ? withHistory(s, undo(s.history), 'undone') : { ...s, status: 'nothing to undo' };
    case 'redo':
      return s.history.future.length ? withHistory(s, redo(s.history), 'redone') : { ...s, status: 'nothing to redo' };
    case 'save':
      return isDirty(s) ? { ...s, overlay: 'confirm-save' } : { ...s, status: 'no changes to save' };
    case 'export':
      return { ...s, effect: 'export', status: 'exporting the hand-off summary…' };
    case 'search':
      return { ...s, overlay: 'search', query: '' };
    case 'toggleRaw': {
      const keepPos = row?.pos;
      const next = withRows({ ...s, raw: !s.raw, cursor: 0, top: 0 });
      const at = keepPos === undefined ? -1 : next.rows.findIndex((r) => r.pos === keepPos);
      return { ...moveTo(next, Math.max(0, at)), status: next.raw ? 'raw file view: every line (a toggles back)' : 'conversation view' };
    }
    case 'help':
      return { ...s, overlay: 'help' };
    case 'close':
      return { ...s, overlay: 'none', problem: undefined };
    case 'quit':
      return isDirty(s) ? { ...s, overlay: 'confirm-quit' } : { ...s, effect: 'quit' };
  }
}

export function reduce(s: EditorState, a: Action): EditorState {
  switch (a.type) {
    case 'command':
      if (s.overlay === 'help') return a.command === 'quit' || a.command === 'close' || a.command === 'help' ? { ...s, overlay: 'none' } : s;
      return command(s, a.command);
    case 'confirm': {
      const overlay = s.overlay;
      const closed: EditorState = { ...s, overlay: 'none', pendingRewind: undefined };
      if (!a.yes) return { ...closed, status: 'cancelled' };
      if (overlay === 'confirm-rewind' && s.pendingRewind)
        return edit(closed, [{ op: 'rewind', keys: s.pendingRewind }], 'rewound: dropped everything after the selected turn');
      if (overlay === 'confirm-save') return { ...closed, effect: 'save', status: 'saving…' };
      if (overlay === 'confirm-quit') return { ...closed, effect: 'quit' };
      return closed;
    }
    case 'searchInput':
      return { ...s, query: a.text };
    case 'searchSubmit':
      return search(s);
    case 'resize':
      return scrolled({ ...s, height: Math.max(1, a.height) });
    case 'saved': {
      // The saved file is the new baseline; history starts again from it.
      const analysis = analysisOf(a.doc, s.provider);
      return withRows(
        { ...s, history: startHistory(a.doc), saved: a.doc, analysis, byPos: undefined, effect: undefined, problem: undefined, status: a.status },
        selectedRow(s)?.id,
      );
    }
    case 'effectDone':
      return { ...s, effect: undefined, status: a.status };
  }
}
