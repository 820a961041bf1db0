import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';
import type { Graph } from '../conversation/graph.js';
import type { Doc } from '../transcript/document.js';
import { loadFile } from '../transcript/load.js';
import { subagentsOf } from '../transcript/subagents.js';
import { type SubagentTranscript, type SummaryFacts, summaryFacts } from './facts.js';

/**
 * A path as the hand-off names it: under the home directory as `~/…`, which
 * a shell and Claude Code's file tools read back, and which keeps the user's
 * name out of a text that may be pasted elsewhere.
 */
export function homeRelative(path: string, home = homedir()): string {
  return home && path.startsWith(`${home}${sep}`) ? `~${path.slice(home.length)}` : path;
}

/**
 * The facts of a session read with its subagents' transcripts beside it
 * (`<session>/subagents/`), which are read for this and closed again. A
 * subagent transcript that cannot be read leaves out only its own work.
 */
export async function handoffFacts(doc: Doc, analysis: { readonly graph: Graph }): Promise<SummaryFacts> {
  const subagents: SubagentTranscript[] = [];
  try {
    for (const s of doc.path ? subagentsOf(doc.path) : []) {
      const sub = await loadFile(s.path).catch(() => undefined);
      if (sub) subagents.push({ doc: sub, toolUseId: s.toolUseId, description: s.description });
    }
    const facts = summaryFacts(doc, analysis, subagents);
    return doc.path ? { ...facts, transcript: homeRelative(resolve(doc.path)) } : facts;
  } finally {
    for (const s of subagents) s.doc.source.close();
  }
}
