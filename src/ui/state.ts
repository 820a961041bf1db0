import { callsAnswered, whatBlockIs } from '../budget/contributors.js';
import { type FitPlan, planFit } from '../budget/fit.js';
import { describeWindow, formatCount, formatEstimate } from '../budget/format.js';
import { TARGET_SHARE } from '../budget/verdict.js';
import { EditError } from '../edit/apply.js';
import { fixAll, safeFixOf } from '../edit/fixAll.js';
import { type History, isDirty as historyIsDirty, push, redo, startHistory, undo } from '../edit/history.js';
import { countLine, plural } from '../report/text.js';
import type { Analysis } from '../rules/analyze.js';
import type { Edit } from '../edit/types.js';
import type { Diagnostic } from '../rules/types.js';
import { type Target, EVERY_GENERATION, targetOption } from '../report/target.js';
import { GENERATIONS } from '../conversation/clients.js';
import type { Steps } from '../conversation/steps.js';
import type { Doc } from '../transcript/document.js';
import { type Changes, changesBetween } from './changes.js';
import { planDelete, planMerge, planMove, type Planned, rewindKeys } from './editActions.js';
import { type Command, type Mode, commandFor, isBound, keysOf } from './keyTable.js';
import { type KeyPress, typedText } from './keys.js';
import { type Checks, EditorMemo } from './memo.js';
import { type Row, type Rows, blockRowId, rowLabel, subagentCallAt } from './rows.js';

/*
 * The editor's whole state and its pure reducer: documents (with undo
 * history), cursor and viewport, the overlay open over them. Keys come in one
 * at a time (reduce a 'key' action per key, whatever the read that brought
 * them), each read against the state the previous one left. Side effects
 * (saving, the clipboard, quitting, suspending) are requested through `effect`
 * and carried out by the editor's effects hook, which reports back with an action.
 */

/** What is open over the tree, with what it shows. */
export type Overlay =
  | { readonly kind: 'none' }
  | { readonly kind: 'help'; readonly top: number }
  | { readonly kind: 'search'; readonly query: string }
  /** The rewind y confirms: one edit list, which the editor prepares while the question is open (see prepareEdit). */
  | { readonly kind: 'rewind'; readonly edits: readonly Edit[]; readonly turn: number }
  | { readonly kind: 'save'; readonly changes: Changes; readonly top: number }
  /** The cuts that would bring the request under the target, to confirm. */
  | { readonly kind: 'fit'; readonly plan: FitPlan; readonly top: number }
  | { readonly kind: 'quit' }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'saveAs'; readonly path: string; readonly reason: string; readonly error?: string }
  | { readonly kind: 'reload' };

export type Effect =
  | { readonly kind: 'save' }
  | { readonly kind: 'saveAs'; readonly path: string }
  | { readonly kind: 'reload' }
  | { readonly kind: 'export' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'suspend' }
  /** The subagent transcript the call `call` ran, opened in an editor of its own. */
  | { readonly kind: 'open'; readonly call: string };

const NONE: Overlay = { kind: 'none' };

export interface EditorState {
  /** This editor's memoised work (see EditorMemo); the same object in every state of one editor. */
  readonly memo: EditorMemo;
  readonly history: History;
  /** The present document's analysis; provisional while `revalidating` (see EditorMemo.provisional). */
  readonly analysis: Analysis;
  /** The full analysis of the present document is under way, between keys; 'revalidated' brings it. */
  readonly revalidating: boolean;
  /**
   * The document as last loaded or saved (where the history starts): what a save lists changes
   * against, a reload rereads. Its lines, not the history's own object (see baseline).
   */
  readonly saved: Doc;
  /** The provider's rules and the Claude Code versions the document is checked for. */
  readonly checks: Checks;
  /** The targets c goes through, starting with the one the editor opened with. */
  readonly targets: readonly Target[];
  readonly raw: boolean;
  /** Whether the tree shows the estimated tokens of each turn and block. */
  readonly sizes: boolean;
  /** First-line keys of collapsed turns (turns start expanded). */
  readonly collapsed: ReadonlySet<number>;
  readonly cursor: number;
  readonly top: number;
  /** Rows of the tree that fit on screen. */
  readonly height: number;
  readonly focus: 'tree' | 'detail';
  readonly detailTop: number;
  readonly overlay: Overlay;
  /** The last search, which / offers again (so / Enter finds the next match). */
  readonly lastQuery: string;
  /** The diagnostic n/N moved to, highlighted in the tree. */
  readonly problem?: Diagnostic;
  readonly status: string;
  readonly effect?: Effect;
  /** Ctrl+C was pressed once with unsaved changes: a second one quits. */
  readonly armed: boolean;
  /** Keys that came while an effect ran or a command waited for the check (see afterCheck), replayed when it ends. */
  readonly queued: readonly KeyPress[];
  /**
   * A command that needs the present document's full analysis (f, F, e), pressed while it was
   * revalidating: the frame says so at once, and the command runs once the analysis is done.
   */
  readonly afterCheck?: Command;
}

export type Action =
  | { readonly type: 'key'; readonly press: KeyPress }
  | { readonly type: 'command'; readonly command: Command }
  | { readonly type: 'resize'; readonly height: number }
  /**
   * A save (or save-as, or reload) ended with this document: the new baseline. `continues`: it
   * is the present document as saved, its lines under the same keys (see Saved).
   */
  | { readonly type: 'saved'; readonly doc: Doc; readonly status: string; readonly continues?: boolean }
  | { readonly type: 'saveFailed'; readonly message: string; readonly conflict: boolean }
  | { readonly type: 'effectDone'; readonly status: string }
  /** The full analysis of a document, done after the frame that showed it. */
  | { readonly type: 'revalidated'; readonly analysis: Analysis; readonly checks: Checks };

/** The rows of the tree or the raw view: derived from the analysis, built once per version (see EditorMemo). */
export const rowsOf = (s: EditorState): Rows => s.memo.rows(s.analysis, s.raw, s.collapsed);

export const selectedRow = (s: EditorState): Row | undefined => rowsOf(s).at(s.cursor);

export const diagnosticsAt = (s: EditorState): Map<number, Diagnostic[]> => s.memo.byPos(s.analysis);

export const labelOf = (s: EditorState, row: Row): string => rowLabel(s.analysis, row, s.collapsed, () => s.memo.chains(s.analysis));

export const isDirty = (s: EditorState): boolean => historyIsDirty(s.history);

/** Which key table applies now. */
export function modeOf(s: EditorState): Mode {
  switch (s.overlay.kind) {
    case 'none':
      return s.focus;
    case 'help':
    case 'search':
    case 'conflict':
    case 'saveAs':
      return s.overlay.kind;
    case 'save':
    case 'fit':
      return 'preview';
    case 'rewind':
    case 'quit':
    case 'reload':
      return 'confirm';
  }
}

/** Puts the cursor on the row `keepId` names, if it is still there, else keeps it in range; then in view. */
function placed(s: EditorState, keepId?: string): EditorState {
  const rows = rowsOf(s);
  let cursor = Math.min(s.cursor, Math.max(0, rows.length - 1));
  if (keepId) {
    const at = rows.indexOfId(keepId);
    if (at !== -1) cursor = at;
  }
  return scrolled({ ...s, cursor });
}

/** Keeps the cursor inside the viewport. */
function scrolled(s: EditorState): EditorState {
  const count = rowsOf(s).length;
  let top = s.top;
  if (s.cursor < top) top = s.cursor;
  if (s.cursor >= top + s.height) top = s.cursor - s.height + 1;
  top = Math.max(0, Math.min(top, Math.max(0, count - s.height)));
  return top === s.top ? s : { ...s, top };
}

/**
 * Works out what the next key would apply, before it is pressed: y with the
 * rewind question open, else f at the cursor (or, off any problem, after n).
 * The edited document lands in the editor's memo, and its analysis once the
 * caller has driven it there (see EditorMemo.advance); the key then only
 * redraws. The editor runs this when the user pauses, reading, a step at a
 * time (on 2 GB the edited document's lines are a few hundred ms of copying).
 * The first run also readies the code every edit runs (a cold first edit of
 * 200 MB costs three times a warm one). Ends with the edited document, or
 * undefined when there is nothing to apply, the present document is still
 * being revalidated (but for a rewind), another overlay is open, or an effect
 * runs (a save closes the document's file).
 */
export function* prepareEdit(s: EditorState): Steps<Doc | undefined> {
  // A fix is of a problem the full analysis may not find; a rewind's lines are those the question names.
  if (s.effect || (s.revalidating && s.overlay.kind !== 'rewind')) return undefined;
  const edits =
    s.overlay.kind === 'rewind'
      ? s.overlay.edits
      : s.overlay.kind === 'none'
        ? (problemAtCursor(s) ?? problemAfter(s, problems(s).list, 1))?.fixes[0]?.edits
        : undefined;
  if (!edits) return undefined;
  try {
    return yield* s.memo.applying(s.history.present, edits);
  } catch (e) {
    if (e instanceof EditError) return undefined; // the key will say why
    throw e;
  }
}

/**
 * The document where the history starts, as another object with its lines: what was worked out
 * for that document (graph, views: kept by document) goes once the editor has moved on from it,
 * as for any other version (on 2 GB, hundreds of MB), and undo brings it back from its lines.
 */
const baseline = (doc: Doc): Doc => ({ ...doc });

/** The first state of an editor on `doc`; `keys` pressed before it was up (while loading) are applied in order. */
export function initialState(doc: Doc, checks: Checks, height: number, status = '', keys: readonly KeyPress[] = [], memo = new EditorMemo()): EditorState {
  const first: EditorState = {
    memo,
    history: startHistory(doc),
    analysis: memo.analysisOf(doc, checks),
    revalidating: false,
    saved: baseline(doc),
    checks,
    targets: targetsAfter(checks.target),
    raw: false,
    sizes: false,
    collapsed: new Set(),
    cursor: 0,
    top: 0,
    height: Math.max(1, height),
    focus: 'tree',
    detailTop: 0,
    overlay: NONE,
    lastQuery: '',
    status,
    armed: false,
    queued: [],
  };
  return keys.reduce((s, press) => reduce(s, { type: 'key', press }), first);
}

function moveTo(s: EditorState, cursor: number): EditorState {
  return scrolled({ ...s, cursor: Math.max(0, Math.min(cursor, rowsOf(s).length - 1)), detailTop: 0 });
}

/**
 * The analysis to show for a document: its full one if it is at hand or
 * quickly made, else a provisional one while the full one is worked out
 * between keys (see the 'revalidated' action).
 */
function analysed(s: EditorState, doc: Doc, checks: Checks): Pick<EditorState, 'analysis' | 'revalidating'> {
  const known = s.memo.known(doc, checks);
  if (known || !s.memo.defers(doc)) return { analysis: known ?? s.memo.analysisOf(doc, checks), revalidating: false };
  return { analysis: s.memo.provisional(doc, checks, s.analysis), revalidating: true };
}

/** Replaces the document (an edit, undo or redo) and revalidates it, unless its analysis is at hand. */
function withHistory(s: EditorState, history: History, status: string, analysis?: Analysis): EditorState {
  const keep = selectedRow(s)?.id;
  const shown = analysis ? { analysis, revalidating: false } : analysed(s, history.present, s.checks);
  return placed({ ...s, history, ...shown, problem: undefined, status }, keep);
}

/** A full analysis done between keys replaces the provisional one, if it is still the present document's. */
function takeRevalidated(s: EditorState, analysis: Analysis, checks: Checks): EditorState {
  if (!s.revalidating || analysis.doc !== s.history.present || checks !== s.checks) return s;
  // The problem n went to, as the full analysis found it (if it still stands).
  const p = s.problem;
  const problem = p && analysis.diagnostics.find((d) => d.rule === p.rule && d.key === p.key && d.block === p.block);
  const taken = placed({ ...s, analysis, revalidating: false, problem, afterCheck: undefined }, selectedRow(s)?.id);
  // The command that waited for this analysis runs now, then the keys pressed after it.
  return s.afterCheck ? settled(command(taken, s.afterCheck)) : taken;
}

/** A command that needs the present document's problems as they are (a fix), pressed while they are being found: it waits for them. */
function waitForCheck(s: EditorState, c: Command): EditorState {
  return { ...s, afterCheck: c, status: `checking the last edit first: ${keysOf(c)} follows` };
}

const undoHint = () => `${keysOf('undo')} undoes`;

function edit(s: EditorState, edits: readonly Edit[], done: string): EditorState {
  try {
    const doc = s.memo.applied(s.history.present, edits);
    return withHistory(s, push(s.history, doc, done), `${done} · ${undoHint()}`);
  } catch (e) {
    if (e instanceof EditError) return { ...s, status: `cannot: ${e.message}` };
    throw e;
  }
}

function planned(s: EditorState, plan: Planned): EditorState {
  return 'refused' in plan ? { ...s, status: plan.refused } : edit(s, plan.edits, plan.done);
}

/**
 * What n and N go through, in file order: the problems the API would reject (errors and
 * warnings); when there are none, the info items (problems before the last compaction, not sent).
 */
function problems(s: EditorState): { list: readonly Diagnostic[]; info: boolean } {
  const sent = s.analysis.diagnostics.filter((d) => d.severity !== 'info');
  if (sent.length || !s.analysis.counts.info) return { list: sent, info: false };
  return { list: s.analysis.diagnostics.filter((d) => d.severity === 'info'), info: true };
}

/** The problem n (dir 1) or N (-1) goes to from here, if there is any. */
function problemAfter(s: EditorState, list: readonly Diagnostic[], dir: 1 | -1): Diagnostic | undefined {
  if (!list.length) return undefined;
  const here = selectedRow(s)?.pos ?? -1;
  const current = s.problem ? list.indexOf(s.problem) : -1;
  if (current !== -1) return list[(current + dir + list.length) % list.length];
  return dir > 0 ? (list.find((d) => d.pos > here) ?? list[0]) : ([...list].reverse().find((d) => d.pos < here) ?? list[list.length - 1]);
}

/** Expands the turn of message `turn` if it is collapsed (and leaves the raw view), so its rows are there to go to. */
function showTurn(s: EditorState, turn: number): EditorState {
  const key = s.analysis.doc.lines[s.analysis.view.messages[turn]!.lines[0]!]!.key;
  if (!s.collapsed.has(key)) return s;
  const collapsed = new Set(s.collapsed);
  collapsed.delete(key);
  return { ...s, collapsed };
}

function gotoProblem(s: EditorState, dir: 1 | -1): EditorState {
  const { list, info } = problems(s);
  const next = problemAfter(s, list, dir);
  if (!next) return { ...s, status: 'no problems: the API would accept this conversation' };
  // Show the problem where it is: expand its turn, or switch to the raw view for lines that are not sent.
  // The turn of the lines shown: a diagnostic's own turn counts the messages of the request that breaks, which may differ.
  const turn = s.analysis.view.messageOf.get(next.pos) ?? (next.turn !== undefined && next.turn <= s.analysis.view.messages.length ? next.turn - 1 : undefined);
  let state: EditorState = s;
  if (!s.raw && turn === undefined) state = { ...s, raw: true };
  if (!state.raw && turn !== undefined) state = showTurn(state, turn);
  const at = rowsOf(state).rowOf(next);
  const index = list.indexOf(next) + 1;
  const fix = next.fixes[0];
  const what = info
    ? `info ${index}/${list.length} (no problem the API would reject; this is before the last compaction and not sent): ${next.rule}`
    : `problem ${index}/${list.length}: ${next.rule} · ${fix ? `${keysOf('fix')}: ${fix.label}` : 'no automatic fix'}`;
  return { ...moveTo(state, at === -1 ? state.cursor : at), problem: next, status: what };
}

/**
 * The targets c goes through: the one the editor started with, every
 * generation at once, then each generation from the newest down.
 */
export function targetsAfter(first: Target): readonly Target[] {
  const others = [EVERY_GENERATION, ...[...GENERATIONS].reverse().map((g) => targetOption(g.version))];
  return [first, ...others.filter((t) => t.label !== first.label)];
}

/** Checks the document for the next target client (everything revalidates). */
function switchClient(s: EditorState): EditorState {
  const next = s.targets[(s.targets.indexOf(s.checks.target) + 1) % s.targets.length]!;
  const checks: Checks = { ...s.checks, target: next };
  const keep = selectedRow(s)?.id;
  const shown = analysed(s, s.history.present, checks);
  // While it revalidates the header says so, and shows the counts once they are known.
  const status = shown.revalidating ? `checking for ${next.label}` : `checking for ${next.label}: ${countLine(shown.analysis)}`;
  return placed({ ...s, checks, ...shown, problem: undefined, status }, keep);
}

/** The diagnostic `f` acts on: the one in focus if the cursor is on it, else the first at the cursor. */
export function problemAtCursor(s: EditorState): Diagnostic | undefined {
  const row = selectedRow(s);
  if (!row) return undefined;
  const byPos = diagnosticsAt(s);
  const here = (d: Diagnostic) => d.pos === row.pos && (row.kind !== 'block' || d.block === undefined || d.block === row.block);
  if (s.problem && here(s.problem)) return s.problem;
  const atRow = (byPos.get(row.pos) ?? []).filter((d) => d.severity !== 'info' && here(d));
  if (atRow.length) return atRow[0];
  if (row.kind === 'turn') return s.analysis.view.messages[row.turn!]!.lines.flatMap((p) => byPos.get(p) ?? []).find((d) => d.severity !== 'info');
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
  return placed({ ...s, collapsed }, `t${key}`);
}

function search(s: EditorState, query: string): EditorState {
  const closed: EditorState = { ...s, overlay: NONE, lastQuery: query || s.lastQuery };
  const q = query.toLowerCase();
  if (!q) return closed;
  const rows = rowsOf(s);
  for (let i = 1; i <= rows.length; i++) {
    const at = (s.cursor + i) % rows.length;
    if (labelOf(s, rows.at(at)!).toLowerCase().includes(q))
      return { ...moveTo(closed, at), status: `found "${query}" (${keysOf('search')} ${keysOf('submit', 'search')} finds the next)` };
  }
  return { ...closed, status: `"${query}" not found` };
}

function fixEverything(s: EditorState): EditorState {
  const fixable = s.analysis.diagnostics.filter((d) => safeFixOf(d, true)).length;
  if (!fixable) return { ...s, status: 'nothing fixable automatically' };
  // The present document is analysed already, and fixAll ends with the analysis of its result.
  const result = fixAll(
    s.history.present,
    {
      provider: s.checks.provider,
      target: s.checks.target.clients,
      conversation: s.checks.conversation,
      warnings: true,
      budget: s.memo.budgetOptions(s.history.present),
    },
    s.analysis,
  );
  const n = result.applied.length;
  if (!n) return { ...s, status: 'nothing fixable automatically' };
  const left = result.analysis.counts;
  const done = `applied ${n} fix${n === 1 ? '' : 'es'}`;
  return withHistory(
    s,
    push(s.history, result.doc, done),
    `${done}; ${plural(left.error, 'error')} and ${plural(left.warning, 'warning')} left · ${undoHint()}`,
    s.memo.remember(result.analysis, s.checks),
  );
}

/** T: the largest block of the request; from one of the largest, the next. */
function gotoLargest(s: EditorState): EditorState {
  const largest = s.memo.largest(s.analysis);
  if (!largest.length) return { ...s, status: 'no blocks: nothing is sent' };
  const row = selectedRow(s);
  const here = largest.findIndex((c) => row?.kind === 'block' && c.block.pos === row.pos && c.block.index === row.block);
  const k = (here + 1) % largest.length;
  const { block, message, tokens } = largest[k]!;
  const state = showTurn({ ...s, raw: false }, message);
  const rows = rowsOf(state);
  const at = rows.indexOfId(blockRowId(s.analysis.doc.lines[block.pos]!.key, block.index));
  const what = whatBlockIs(block.info, callsAnswered(s.analysis.view, [block.info]), s.analysis.doc.lines[block.pos]!.info);
  const status = `largest ${k + 1}/${largest.length}: line ${formatCount(block.pos + 1)}, ${what}: ≈ ${formatEstimate(tokens)} tokens (${keysOf('largest')}: the next)`;
  return { ...moveTo(state, at === -1 ? state.cursor : at), status };
}

/** x: the cuts that bring the request under the target, shown to confirm; nothing when it fits or cannot. */
function proposeFit(s: EditorState): EditorState {
  const budget = s.memo.budget(s.analysis);
  const target = Math.floor(budget.window.tokens * TARGET_SHARE);
  const plan = planFit(s.analysis.doc, s.analysis.view, { target, loaded: s.memo.budgetOptions(s.analysis.doc).loaded });
  const goal = `${formatCount(target)} tokens (${Math.round(TARGET_SHARE * 100)}% of ${describeWindow(budget)})`;
  if (!plan.cuts.length) return { ...s, status: `the request fits: ≈ ${formatEstimate(budget.total)} tokens, under ${goal}` };
  if (!plan.fits)
    return {
      ...s,
      status: `cannot fit under ${goal}: with every old tool output, image and document cut ≈ ${formatEstimate(plan.after)} remain (${keysOf('largest')} shows what is largest)`,
    };
  return { ...s, overlay: { kind: 'fit', plan, top: 0 } };
}

const SAVE_AS_SUFFIX = '.ccmend.jsonl';

/** o: the subagent transcript of the call at the cursor (its row or the one under it), to open. */
function openSubagent(s: EditorState): EditorState {
  const call = subagentCallAt(s.analysis, selectedRow(s), s.memo.subagents);
  if (call === undefined)
    return { ...s, status: `no subagent transcript here: ${keysOf('openSubagent')} opens the one under a Task or Agent call (↳ subagent)` };
  return { ...s, effect: { kind: 'open', call } };
}

/** The tree's and the detail pane's commands. */
function editorCommand(s: EditorState, c: Command): EditorState {
  const row = selectedRow(s);
  if (s.focus === 'detail') {
    if (c === 'down') return { ...s, detailTop: s.detailTop + 1 };
    if (c === 'up') return { ...s, detailTop: Math.max(0, s.detailTop - 1) };
    if (c === 'pageDown') return { ...s, detailTop: s.detailTop + s.height };
    if (c === 'pageUp') return { ...s, detailTop: Math.max(0, s.detailTop - s.height) };
    if (c === 'top') return { ...s, detailTop: 0 };
    if (c === 'bottom') return { ...s, detailTop: Number.MAX_SAFE_INTEGER };
    if (c === 'back') return { ...s, focus: 'tree', status: '' };
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
      return moveTo(s, rowsOf(s).length - 1);
    case 'expand':
      return toggleCollapse(s, true);
    case 'collapse':
      return toggleCollapse(s, false);
    case 'focusDetail':
      return {
        ...s,
        focus: 'detail',
        detailTop: 0,
        status: `detail pane: ${keysOf('up', 'detail')}${keysOf('down', 'detail')} scroll, ${keysOf('back', 'detail')} back`,
      };
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
      return row ? { ...s, overlay: { kind: 'rewind', edits: [{ op: 'rewind', keys: rewindKeys(s.analysis, row) }], turn: row.turn ?? -1 } } : s;
    case 'fix': {
      if (s.revalidating) return waitForCheck(s, c);
      const d = problemAtCursor(s);
      if (!d) return { ...s, status: `no problem here (${keysOf('nextProblem')} goes to the next one)` };
      const fix = d.fixes[0];
      if (!fix)
        return {
          ...s,
          status: `${d.rule} has no automatic fix: edit by hand (${['delete', 'moveUp', 'merge', 'rewind'].map((k) => keysOf(k as Command)).join(', ')})`,
        };
      // Cutting the request to size loses content: each cut is shown with its size first.
      if (d.rule === 'prompt-too-long') return proposeFit(s);
      return edit(s, fix.edits, `fixed ${d.rule}: ${fix.label}`);
    }
    case 'fixAll':
      return s.revalidating ? waitForCheck(s, c) : fixEverything(s);
    case 'switchClient':
      return switchClient(s);
    case 'undo': {
      if (!s.history.past.length) return { ...s, status: 'nothing to undo' };
      const what = s.history.label;
      return withHistory(s, undo(s.history), what ? `undid: ${what}` : 'undone');
    }
    case 'redo': {
      if (!s.history.future.length) return { ...s, status: 'nothing to redo' };
      const what = s.history.future[0]!.label;
      return withHistory(s, redo(s.history), what ? `redid: ${what}` : 'redone');
    }
    case 'save':
      return isDirty(s)
        ? { ...s, overlay: { kind: 'save', changes: changesBetween(s.saved, s.history.present), top: 0 } }
        : { ...s, status: 'no changes to save' };
    case 'export':
      return s.revalidating ? waitForCheck(s, c) : { ...s, effect: { kind: 'export' }, status: 'exporting the hand-off summary…' };
    case 'search':
      return { ...s, overlay: { kind: 'search', query: s.lastQuery } };
    case 'toggleSizes':
      return { ...s, sizes: !s.sizes, status: s.sizes ? '' : `size column: estimated tokens of each turn and block (${keysOf('toggleSizes')} hides it)` };
    case 'largest':
      return gotoLargest(s);
    case 'fitRequest':
      return proposeFit(s);
    case 'openSubagent':
      return openSubagent(s);
    case 'toggleRaw': {
      const keepPos = row?.pos;
      const next: EditorState = { ...s, raw: !s.raw, cursor: 0, top: 0 };
      const at = keepPos === undefined ? -1 : rowsOf(next).findIndex((r) => r.pos === keepPos);
      return { ...moveTo(next, Math.max(0, at)), status: next.raw ? `raw file view: every line (${keysOf('toggleRaw')} toggles back)` : 'conversation view' };
    }
    case 'help':
      return { ...s, overlay: { kind: 'help', top: 0 } };
    case 'unfocus':
      return { ...s, problem: undefined };
    case 'quit':
      return isDirty(s) ? { ...s, overlay: { kind: 'quit' } } : { ...s, effect: { kind: 'quit' } };
    default:
      return s;
  }
}

/** A scrolled list's new first line for a movement command. */
function scrolledTo(top: number, c: Command, page: number): number {
  switch (c) {
    case 'up':
      return Math.max(0, top - 1);
    case 'down':
      return top + 1;
    case 'pageUp':
      return Math.max(0, top - page);
    case 'pageDown':
      return top + page;
    case 'top':
      return 0;
    case 'bottom':
      return Number.MAX_SAFE_INTEGER;
    default:
      return top;
  }
}

function textCommand(s: EditorState, c: Command, text: string, set: (text: string) => Overlay): EditorState {
  if (c === 'erase') return { ...s, overlay: set([...text].slice(0, -1).join('')) };
  return s;
}

/** Ctrl+C: quits at once with nothing unsaved; with unsaved changes the first warns and the second quits. */
function interrupt(s: EditorState): EditorState {
  if (!isDirty(s) || s.armed) return { ...s, effect: { kind: 'quit' } };
  // What the second press does is said by the status line (promptOf): it depends on where quitting goes.
  return { ...s, armed: true, status: '' };
}

function command(s: EditorState, c: Command): EditorState {
  const mode = modeOf(s);
  if (!isBound(mode, c)) return s;
  if (c === 'interrupt') return interrupt(s);
  if (c === 'suspend') return { ...s, effect: { kind: 'suspend' } };
  const o = s.overlay;
  switch (o.kind) {
    case 'none':
      return editorCommand(s, c);
    case 'help':
      return c === 'close' ? { ...s, overlay: NONE } : { ...s, overlay: { kind: 'help', top: scrolledTo(o.top, c, s.height) } };
    case 'search':
      if (c === 'submit') return search(s, o.query);
      if (c === 'cancel') return { ...s, overlay: NONE };
      return textCommand(s, c, o.query, (query) => ({ kind: 'search', query }));
    case 'saveAs':
      if (c === 'submit') return o.path ? { ...s, effect: { kind: 'saveAs', path: o.path }, status: `saving to ${o.path}…` } : s;
      if (c === 'cancel') return { ...s, overlay: NONE, status: 'not saved; your changes are kept' };
      return textCommand(s, c, o.path, (path) => ({ ...o, path, error: undefined }));
    case 'save':
      if (c === 'yes') return { ...s, overlay: NONE, effect: { kind: 'save' }, status: 'saving…' };
      if (c === 'no') return { ...s, overlay: NONE, status: 'cancelled' };
      return { ...s, overlay: { ...o, top: scrolledTo(o.top, c, s.height) } };
    case 'fit': {
      if (c === 'no') return { ...s, overlay: NONE, status: 'cancelled' };
      if (c !== 'yes') return { ...s, overlay: { ...o, top: scrolledTo(o.top, c, s.height) } };
      const n = o.plan.cuts.length;
      const done = `cut ${n} block${n === 1 ? '' : 's'} to fit the context window (≈ ${formatEstimate(o.plan.after)} tokens now)`;
      return edit(
        { ...s, overlay: NONE },
        o.plan.cuts.map((cut) => cut.edit),
        done,
      );
    }
    case 'conflict':
      if (c === 'saveAs')
        return { ...s, overlay: { kind: 'saveAs', path: `${(s.saved.path ?? 'session.jsonl').replace(/\.jsonl$/, '')}${SAVE_AS_SUFFIX}`, reason: o.message } };
      if (c === 'reload') return { ...s, overlay: { kind: 'reload' } };
      return { ...s, overlay: NONE, status: `not saved; your changes are kept (${keysOf('save')} tries again)` };
    case 'rewind':
      if (c === 'no') return { ...s, overlay: NONE, status: 'cancelled' };
      return edit({ ...s, overlay: NONE }, o.edits, `rewound: dropped everything after turn #${o.turn + 1}`);
    case 'quit':
      return c === 'yes' ? { ...s, overlay: NONE, effect: { kind: 'quit' } } : { ...s, overlay: NONE, status: 'cancelled' };
    case 'reload':
      return c === 'yes' ? { ...s, overlay: NONE, effect: { kind: 'reload' }, status: 'reloading…' } : { ...s, overlay: NONE, status: 'cancelled' };
  }
}

function typed(s: EditorState, text: string): EditorState {
  const o = s.overlay;
  if (o.kind === 'search') return { ...s, overlay: { kind: 'search', query: o.query + text } };
  if (o.kind === 'saveAs') return { ...s, overlay: { ...o, path: o.path + text, error: undefined } };
  return s;
}

function key(s: EditorState, press: KeyPress): EditorState {
  if (s.effect || s.afterCheck) return s.effect?.kind === 'quit' ? s : { ...s, queued: [...s.queued, press] };
  const c = commandFor(modeOf(s), press);
  // Any key but a second Ctrl+C disarms the first.
  const state = s.armed && c !== 'interrupt' ? { ...s, armed: false, status: '' } : s;
  if (c) return command(state, c);
  const text = typedText(press);
  return text === undefined ? state : typed(state, text);
}

/** An effect ended, or the check a command waited for: the keys that came meanwhile take effect now. */
function settled(s: EditorState): EditorState {
  const start: EditorState = { ...s, queued: [] };
  return s.queued.reduce(key, start);
}

export function reduce(s: EditorState, a: Action): EditorState {
  switch (a.type) {
    case 'key':
      return key(s, a.press);
    case 'command':
      return command(s, a.command);
    case 'resize':
      return scrolled({ ...s, height: Math.max(1, a.height) });
    case 'saved': {
      // The saved (or reloaded) file is the new baseline; history starts again from it, and no earlier version comes back.
      s.memo.startOver();
      // The present document as saved has the lines shown, with their problems, until its own analysis is done.
      const shown = a.continues ? analysed(s, a.doc, s.checks) : { analysis: s.memo.analysisOf(a.doc, s.checks), revalidating: false };
      const keep = selectedRow(s)?.id;
      return settled(
        placed(
          {
            ...s,
            history: startHistory(a.doc),
            saved: baseline(a.doc),
            ...shown,
            overlay: NONE,
            effect: undefined,
            problem: undefined,
            status: a.status,
          },
          keep,
        ),
      );
    }
    case 'saveFailed': {
      const base = { ...s, effect: undefined };
      if (s.overlay.kind === 'saveAs') return settled({ ...base, overlay: { ...s.overlay, error: a.message }, status: '' });
      if (a.conflict) return settled({ ...base, overlay: { kind: 'conflict', message: a.message }, status: '' });
      return settled({ ...base, status: `not saved: ${a.message}` });
    }
    case 'effectDone':
      return settled({ ...s, effect: undefined, status: a.status });
    case 'revalidated':
      return takeRevalidated(s, a.analysis, a.checks);
  }
}
