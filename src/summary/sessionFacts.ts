import type { Graph } from '../conversation/graph.js';
import type { Doc } from '../transcript/document.js';
import { loadFile } from '../transcript/load.js';
import { subagentsOf } from '../transcript/subagents.js';
import { type SubagentTranscript, type SummaryFacts, summaryFacts } from './facts.js';

/**
 * The facts of a session read with its subagents' transcripts beside it
 * (`<session>/subagents/`), which are read for this and closed again. A
 * subagent transcript that cannot be read leaves out only its own work.
 */
export async function sessionFacts(doc: Doc, analysis: { readonly graph: Graph }): Promise<SummaryFacts> {
  const subagents: SubagentTranscript[] = [];
  try {
    for (const s of doc.path ? subagentsOf(doc.path) : []) {
      const sub = await loadFile(s.path).catch(() => undefined);
      if (sub) subagents.push({ doc: sub, toolUseId: s.toolUseId, description: s.description });
    }
    return summaryFacts(doc, analysis, subagents);
  } finally {
    for (const s of subagents) s.doc.source.close();
  }
}
