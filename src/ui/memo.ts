import { type BudgetOptions, type RecordedOverheads, type RequestBudget, loadedOverheads, requestBudget } from '../budget/budget.js';
import { type Contributor, largestBlocks } from '../budget/contributors.js';
import { configuredModel } from '../report/settings.js';
import { applyEdits } from '../edit/apply.js';
import { type Analysis, analyze } from '../rules/analyze.js';
import type { Edit } from '../edit/types.js';
import { type Target, resolveTarget } from '../report/target.js';
import type { Diagnostic, Provider } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import type { ByteSource } from '../transcript/source.js';
import { Recent } from '../transcript/recent.js';
import { type ChainSets, type Row, diagnosticsByPos, rawRows, treeRows } from './rows.js';

/** What the editor checks documents for: a provider's rules and the Claude Code versions whose requests count. */
export interface Checks {
  readonly provider: Provider;
  readonly target: Target;
}

/** Checks for a document: the target given, else the newest version that wrote it (no `claude` is asked). */
export const checksFor = (doc: Doc, provider: Provider, target: Target = resolveTarget(undefined, doc, () => undefined)): Checks => ({ provider, target });

/** How many of the largest blocks the key that goes to them steps through. */
const LARGEST = 20;

/** The lines of all the analyses an editor keeps at hand, together. */
const ANALYSED_LINES = 1_500_000;

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
  /** By the edit list (a fix's edits are one array for as long as its analysis lives) and the document they were applied to. */
  private readonly edited = new Recent<readonly Edit[], { from: Doc; to: Doc }>(8);
  private rowsCache?: { analysis: Analysis; raw: boolean; collapsed: ReadonlySet<number>; rows: readonly Row[] };
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
  private budgetCache?: { analysis: Analysis; budget: RequestBudget };
  private largestCache?: { analysis: Analysis; blocks: readonly Contributor[] };

  analysisOf(doc: Doc, checks: Checks): Analysis {
    const known = this.analyses.get(doc);
    if (known?.checks === checks) return known.analysis;
    const analysis = analyze(doc, { provider: checks.provider, target: checks.target.clients, budget: this.budgetOptions(doc) });
    // The first version of a file the editor analyses is the file as loaded: its counts' overheads are kept.
    if (this.loaded?.source !== doc.source) this.loaded = { source: doc.source, overheads: loadedOverheads(doc, analysis.view) };
    return this.remember(analysis, checks);
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

  remember(analysis: Analysis, checks: Checks): Analysis {
    this.analyses.set(analysis.doc, { checks, analysis });
    return analysis;
  }

  applied(doc: Doc, edits: readonly Edit[]): Doc {
    const known = this.edited.get(edits);
    if (known?.from === doc) return known.to;
    const to = applyEdits(doc, edits);
    this.edited.set(edits, { from: doc, to });
    return to;
  }

  /** The rows of the tree (or of the raw view) of an analysis: built once per analysis, view and set of collapsed turns. */
  rows(analysis: Analysis, raw: boolean, collapsed: ReadonlySet<number>): readonly Row[] {
    const c = this.rowsCache;
    if (c?.analysis === analysis && c.raw === raw && c.collapsed === collapsed) return c.rows;
    const rows = raw ? rawRows(analysis) : treeRows(analysis, collapsed);
    this.rowsCache = { analysis, raw, collapsed, rows };
    return rows;
  }

  byPos(analysis: Analysis): Map<number, Diagnostic[]> {
    if (this.byPosCache?.analysis !== analysis) this.byPosCache = { analysis, byPos: diagnosticsByPos(analysis) };
    return this.byPosCache.byPos;
  }

  /** What the request of an analysis costs, once per analysis. */
  budget(analysis: Analysis): RequestBudget {
    if (this.budgetCache?.analysis !== analysis)
      this.budgetCache = { analysis, budget: requestBudget(analysis.doc, analysis.view, this.budgetOptions(analysis.doc)) };
    return this.budgetCache.budget;
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
