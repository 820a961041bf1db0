import { type ApiView, buildApiView } from '../conversation/apiView.js';
import { asWritten, type Client, NEWEST } from '../conversation/clients.js';
import { type Graph, buildGraph } from '../conversation/graph.js';
import type { BudgetOptions } from '../budget/budget.js';
import { type Doc, asOwnConversation } from '../transcript/document.js';
import { runRule } from './kit/define.js';
import { RULES } from './registry.js';
import type { Diagnostic, Provider, RuleContext } from './types.js';

export interface Analysis {
  readonly doc: Doc;
  readonly graph: Graph;
  readonly view: ApiView;
  readonly diagnostics: readonly Diagnostic[];
  readonly counts: { readonly error: number; readonly warning: number; readonly info: number };
}

export interface AnalyzeOptions {
  readonly provider?: Provider;
  /** The Claude Code version whose request is checked (default: the newest modelled). */
  readonly client?: Client;
  /** Whose conversation the file is: a session's (the default) or a subagent's, whose own side chain it holds. */
  readonly conversation?: 'main' | 'subagent';
  /** What the request's size is measured against (see src/budget): the configured model, the counts as loaded. */
  readonly budget?: BudgetOptions;
}

/** Graph, API view and every rule, for one version of a document. Pure. */
export function analyze(written: Doc, options: AnalyzeOptions = {}): Analysis {
  const provider = options.provider ?? 'anthropic';
  const conversation = options.conversation ?? 'main';
  const doc = conversation === 'subagent' ? asOwnConversation(written) : written;
  const client = options.client ?? NEWEST;
  const graph = buildGraph(doc, client);
  const view = buildApiView(doc, graph, asWritten(client));
  const active: RuleContext = { doc, graph, view, provider, conversation, segment: 'active', budget: options.budget };
  const diagnostics: Diagnostic[] = [];
  for (const rule of RULES) runRule(rule, active, diagnostics);

  // What precedes the newest compaction is never sent: its problems are reported as info (see runRule).
  if (graph.preCompactChain.length) {
    const before: RuleContext = { ...active, view: buildApiView(doc, graph, asWritten(client), graph.preCompactChain), segment: 'pre-compact' };
    for (const rule of RULES) if (rule.scope === 'view') runRule(rule, before, diagnostics);
  }
  diagnostics.sort((a, b) => a.pos - b.pos || (a.block ?? -1) - (b.block ?? -1));
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return { doc, graph, view, diagnostics, counts };
}
