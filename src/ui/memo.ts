import { type BudgetOptions, type RecordedOverheads, type RequestBudget, loadedOverheads, measureSteps, requestBudget } from '../budget/budget.js';
import { type Contributor, largestBlocks } from '../budget/contributors.js';
import { configuredModel } from '../report/settings.js';
import { editSteps } from '../edit/apply.js';
import { apiViewSteps, buildApiView } from '../conversation/apiView.js';
import { asWritten } from '../conversation/clients.js';
import { buildGraph, graphSteps } from '../conversation/graph.js';
import { type Analysis, analysisSteps, shownGeneration } from '../rules/analyze.js';
import { type Steps, finish } from '../conversation/steps.js';
import type { Edit } from '../edit/types.js';
import { type Target, resolveTarget } from '../report/target.js';
import type { Diagnostic, Provider } from '../rules/types.js';
import { type Doc, asOwnConversation } from '../transcript/document.js';
import type { ByteSource } from '../transcript/source.js';
import { Recent } from '../transcript/recent.js';
import { keyPositions } from '../transcript/columns.js';
import { type ChainSets, type Rows, diagnosticsByPos, rawRows, treeRows } from './rows.js';

/** What the editor checks documents for: a provider's rules and the Claude Code versions whose requests count. */
export interface Checks {
  readonly provider: Provider;
  readonly target: Target;
  /** Whose conversation the documents are (see AnalyzeOptions): a session's by default. */
  readonly conversation?: 'main' | 'subagent';
}

/** Checks for a document: the target given, else the newest version that wrote it (no `claude` is asked). */
export const checksFor = (doc: Doc, provider: Provider, target: Target = resolveTarget(undefined, doc, () => undefined)): Checks => ({ provider, target });

/** How many of the largest blocks the key that goes to them steps through. */
const LARGEST = 20;

/** The lines of all the analyses an editor keeps at hand, together. */
const ANALYSED_LINES = 1_500_000;

/** Analyses under way at once: the present document's and the prepared fix's. */
const JOBS = 2;

/** An edit being applied, step by step (see EditorMemo.applying). */
interface Application {
  readonly from: Doc;
  readonly edits: readonly Edit[];
  readonly steps: Steps<Doc>;
}

/** An analysis under way, step by step (see analysisSteps). */
interface Job {
  readonly checks: Checks;
  readonly steps: Steps<Analysis>;
}

/**
 * Documents of more lines than this are revalidated after the frame that shows
 * an edit, step by step between keys (see `provisional`); smaller ones are
 * analysed at once, faster than a frame is drawn.
 */
export const DEFER_LINES = 20_000;

/**
 * What one editor has worked out and may need again: analyses, the documents
 * edits made, the rows of the tree.
 * analyze, applyEdits and the row builders are pure, so this is memoisation;
 * each editor owns one (made with its first state), and nothing outlives it.
 */
export class EditorMemo {
  /**
   * Undo and redo go back to a document just analysed: they only redraw. An analysis holds
   * something for every line, so of a 2 GB transcript (a million lines) the newest alone is kept.
   */
  private readonly analyses = new Recent<Doc, { checks: Checks; analysis: Analysis }>(8, (doc) => doc.lines.length, ANALYSED_LINES);
  /**
   * By the edit list (a fix's edits are one array for as long as its analysis lives) and the
   * document they were applied to, which is not kept for it: a document the editor has moved on
   * from keeps its graph and views alive (on 2 GB, hundreds of MB), and an edit of it is not asked
   * for again. The documents made are weighed as the analyses are.
   */
  private readonly edited = new Recent<readonly Edit[], { from: WeakRef<Doc>; to: Doc }>(8, (_, e) => e.to.lines.length, ANALYSED_LINES);
  /** The edit being applied a step at a time (see applying). */
  private editing?: Application;
  /** By document and messages, not analysis: a revalidated analysis has the lines its provisional one showed. */
  private rowsCache?: { doc: Doc; messages: Analysis['view']['messages']; raw: boolean; collapsed: ReadonlySet<number>; rows: Rows };
  private byPosCache?: { analysis: Analysis; byPos: Map<number, Diagnostic[]> };
  private chainsCache?: { graph: Analysis['graph']; sets: ChainSets };
  /**
   * The API counts' overheads as the file was loaded (every version edited from
   * it shares its source): what an edit changed before a count is measured
   * against these.
   */
  private loaded?: { source: ByteSource; overheads: RecordedOverheads };
  /** The model the settings choose. */
  private settings?: { model?: string };
  private budgetCache?: { doc: Doc; messages: Analysis['view']['messages']; budget: RequestBudget };
  /** What a provisional analysis shows of the request's size (see shownBudget). */
  private readonly carriedBudgets = new WeakMap<Analysis, RequestBudget>();
  private largestCache?: { analysis: Analysis; blocks: readonly Contributor[] };
  /** By document; weighed as the analyses are: a job half done holds the graphs and views of several clients. */
  private readonly jobs = new Recent<Doc, Job>(JOBS, (doc) => doc.lines.length, ANALYSED_LINES);

  /**
   * `deferLines`: see DEFER_LINES. `subagents`: the file names of the subagent transcripts
   * beside the session, by the id of the call that ran each (the tree shows each under its call).
   */
  constructor(
    private readonly deferLines = DEFER_LINES,
    readonly subagents: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** The full analysis of a document, finishing the one under way if there is one. */
  analysisOf(doc: Doc, checks: Checks): Analysis {
    for (;;) {
      const analysis = this.advance(doc, checks);
      if (analysis) return analysis;
    }
  }

  /** The full analysis of a document, if it is at hand. */
  known(doc: Doc, checks: Checks): Analysis | undefined {
    const known = this.analyses.get(doc);
    return known?.checks === checks ? known.analysis : undefined;
  }

  /** Whether an edit of this document shows before its analysis is done. */
  defers(doc: Doc): boolean {
    return doc.lines.length > this.deferLines;
  }

  /**
   * One step of the analysis of a document (started if none is under way for
   * it and these checks); the analysis once it is done. An analysis left half
   * done (a newer document's came first) resumes where it stopped.
   */
  advance(doc: Doc, checks: Checks): Analysis | undefined {
    const known = this.known(doc, checks);
    if (known) return known;
    let job = this.jobs.get(doc);
    if (job?.checks !== checks) {
      job = { checks, steps: this.steps(doc, checks) };
      this.jobs.set(doc, job);
    }
    const step = job.steps.next();
    if (!step.done) return undefined;
    this.jobs.delete(doc);
    const analysis = step.value;
    // The first version of a file the editor analyses is the file as loaded: its counts' overheads are kept.
    if (this.loaded?.source !== doc.source) this.loaded = { source: doc.source, overheads: loadedOverheads(doc, analysis.view) };
    return this.remember(analysis, checks);
  }

  /**
   * The analysis of a document, the lines `provisional` shows first: an edit
   * pressed before the rest is done (f on a fix being prepared) finds them
   * made (the graph and view are kept per document) and draws at once.
   */
  private *steps(doc: Doc, checks: Checks): Steps<Analysis> {
    const generation = shownGeneration(checks.target.clients);
    const graph = yield* graphSteps(doc, generation);
    yield;
    yield* apiViewSteps(doc, graph, asWritten(generation));
    yield;
    const analysis = yield* analysisSteps(doc, {
      provider: checks.provider,
      target: checks.target.clients,
      conversation: checks.conversation,
      budget: this.budgetOptions(doc),
    });
    yield;
    // The header's budget, measured here rather than in the frame that shows the analysis.
    yield* measureSteps(doc, analysis.view);
    return analysis;
  }

  /**
   * What the editor shows of a document until its analysis is done: the
   * target's lines as its full analysis will have them (the same graph and
   * view: both are kept per document), with the problems `before` found,
   * carried to where their lines are now, and the request's size it measured.
   * Problems the edit made are not there yet; the ones it mended still are.
   */
  provisional(doc: Doc, checks: Checks, before: Analysis): Analysis {
    const generation = shownGeneration(checks.target.clients);
    const read = checks.conversation === 'subagent' ? asOwnConversation(doc) : doc;
    const graph = buildGraph(read, generation);
    const view = buildApiView(read, graph, asWritten(generation));
    // Where the lines with problems are now (the rows look lines up by key too).
    const posOf = keyPositions(doc.lines);
    const diagnostics = before.diagnostics.flatMap((d) => {
      const pos = posOf[d.key] ?? -1;
      return pos === -1 ? [] : [pos === d.pos ? d : { ...d, pos }];
    });
    const counts = { error: 0, warning: 0, info: 0 };
    for (const d of diagnostics) counts[d.severity]++;
    const shown: Analysis = { ...before, doc, graph, view, sent: view, target: checks.target.clients, diagnostics, counts };
    const c = this.budgetCache;
    const carried = this.carriedBudgets.get(before) ?? (c?.doc === before.doc && c.messages === before.view.messages ? c.budget : undefined);
    if (carried) this.carriedBudgets.set(shown, carried);
    return shown;
  }

  /** What the request's size is measured against: the counts as loaded, once known, and the configured model. */
  budgetOptions(doc: Doc): BudgetOptions {
    const loaded = this.loaded?.source === doc.source ? this.loaded.overheads : undefined;
    return { loaded, settingsModel: this.settingsModel(doc) };
  }

  /** The settings are read once per editor. */
  private settingsModel(doc: Doc): string | undefined {
    if (!this.settings) this.settings = { model: configuredModel(doc) };
    return this.settings.model;
  }

  /**
   * A save or a reload starts the history afresh: no document before it comes back, so what was
   * worked out for them goes (on 2 GB each is a whole analysis). The counts as loaded are
   * replaced by those of the next file analysed.
   */
  startOver(): void {
    this.analyses.clear();
    this.edited.clear();
    this.editing = undefined;
    this.jobs.clear();
    this.rowsCache = undefined;
    this.byPosCache = undefined;
    this.chainsCache = undefined;
    this.budgetCache = undefined;
    this.largestCache = undefined;
  }

  remember(analysis: Analysis, checks: Checks): Analysis {
    this.analyses.set(analysis.doc, { checks, analysis });
    return analysis;
  }

  /** The document `edits` make of `doc`, finishing the application under way if it is this one. */
  applied(doc: Doc, edits: readonly Edit[]): Doc {
    return finish(this.applying(doc, edits));
  }

  /**
   * applied, a step at a time (see editSteps): what preparing the next key's edit runs between
   * keys. An application left half done resumes where it stopped, whoever asks for it next.
   */
  *applying(doc: Doc, edits: readonly Edit[]): Steps<Doc> {
    let job: Application | undefined;
    try {
      for (;;) {
        const known = this.edited.get(edits);
        if (known?.from.deref() === doc) return known.to;
        job = this.editing;
        if (job?.from !== doc || job.edits !== edits) this.editing = job = { from: doc, edits, steps: editSteps(doc, edits) };
        const step = job.steps.next();
        if (step.done) {
          this.edited.set(edits, { from: new WeakRef(doc), to: step.value });
          return step.value;
        }
        yield;
      }
    } finally {
      // Done, failed, or stopped half done (a newer state dropped the preparation): the job goes, and the copies it holds.
      if (job && this.editing === job) this.editing = undefined;
    }
  }

  /** The rows of the tree (or of the raw view) of an analysis: built once per analysis, view and set of collapsed turns. */
  rows(analysis: Analysis, raw: boolean, collapsed: ReadonlySet<number>): Rows {
    const c = this.rowsCache;
    const { doc, view } = analysis;
    if (c?.doc === doc && c.messages === view.messages && c.raw === raw && c.collapsed === collapsed) return c.rows;
    const rows = raw ? rawRows(analysis, this.subagents) : treeRows(analysis, collapsed, this.subagents);
    this.rowsCache = { doc, messages: view.messages, raw, collapsed, rows };
    return rows;
  }

  byPos(analysis: Analysis): Map<number, Diagnostic[]> {
    if (this.byPosCache?.analysis !== analysis) this.byPosCache = { analysis, byPos: diagnosticsByPos(analysis) };
    return this.byPosCache.byPos;
  }

  /** What the request of an analysis costs, once per analysis. */
  budget(analysis: Analysis): RequestBudget {
    const c = this.budgetCache;
    const { doc, view } = analysis;
    if (c?.doc !== doc || c.messages !== view.messages)
      this.budgetCache = { doc, messages: view.messages, budget: requestBudget(doc, view, this.budgetOptions(doc)) };
    return this.budgetCache!.budget;
  }

  /**
   * The request's size as the header shows it: for a provisional analysis, that of the analysis it
   * was made from, as the header shows that one's counts, until the full analysis is done.
   */
  shownBudget(analysis: Analysis): RequestBudget {
    return this.carriedBudgets.get(analysis) ?? this.budget(analysis);
  }

  /** The largest blocks of the request, largest first, for the key that goes to them. */
  largest(analysis: Analysis): readonly Contributor[] {
    if (this.largestCache?.analysis !== analysis) this.largestCache = { analysis, blocks: largestBlocks(analysis.view, LARGEST) };
    return this.largestCache.blocks;
  }

  /** The chains as sets, once per graph: the raw view asks for every row it draws. */
  chains(analysis: Analysis): ChainSets {
    if (this.chainsCache?.graph !== analysis.graph)
      this.chainsCache = { graph: analysis.graph, sets: { active: new Set(analysis.graph.chain), before: new Set(analysis.graph.preCompactChain) } };
    return this.chainsCache.sets;
  }
}
