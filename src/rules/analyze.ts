import { type ApiView, buildApiView } from '../conversation/apiView.js';
import { asWritten, type Client, NEWEST } from '../conversation/clients.js';
import { type Graph, buildGraph } from '../conversation/graph.js';
import type { Doc } from '../transcript/document.js';
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
}

/** Graph, API view and every rule, for one version of a document. Pure. */
export function analyze(doc: Doc, options: AnalyzeOptions = {}): Analysis {
  const provider = options.provider ?? 'anthropic';
  const client = options.client ?? NEWEST;
  const graph = buildGraph(doc, client);
  const view = buildApiView(doc, graph, asWritten(client));
  const active: RuleContext = { doc, graph, view, provider, segment: 'active' };
  const diagnostics: Diagnostic[] = [];
  for (const rule of RULES) diagnostics.push(...rule.check(active));

  // What precedes the newest compaction is never sent: report it, but as info with no fix.
  if (graph.preCompactChain.length) {
    const before: RuleContext = { ...active, view: buildApiView(doc, graph, asWritten(client), graph.preCompactChain), segment: 'pre-compact' };
    for (const rule of RULES) {
      if (rule.scope !== 'view') continue;
      for (const d of rule.check(before)) {
        diagnostics.push({ ...d, severity: 'info', message: `${d.message} (before the last compaction, not sent)`, turn: undefined, fixes: [] });
      }
    }
  }
  diagnostics.sort((a, b) => a.pos - b.pos || (a.block ?? -1) - (b.block ?? -1));
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return { doc, graph, view, diagnostics, counts };
}
