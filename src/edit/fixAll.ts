import { type Analysis, type AnalyzeOptions, analyze } from '../rules/analyze.js';
import { RULES } from '../rules/registry.js';
import type { Diagnostic } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { applyEdits, keysOf } from './apply.js';
import type { Edit } from './types.js';

export interface AppliedFix {
  readonly rule: string;
  /** 1-based line number in the document the fix was planned on. */
  readonly line: number;
  readonly label: string;
}

export interface FixAllOptions extends AnalyzeOptions {
  /** Also fix warnings (errors only by default, so a file with no errors is unchanged). */
  readonly warnings?: boolean;
  readonly maxRounds?: number;
}

export interface FixAllResult {
  readonly doc: Doc;
  readonly applied: readonly AppliedFix[];
  /** Analysis of the final document. */
  readonly analysis: Analysis;
}

/** Rules about the uuid chain itself (which lines form the conversation), not about what is sent. */
const CHAIN_RULES = new Set(RULES.filter((r) => r.family === 'chain').map((r) => r.id));

/** Rules about the roles of the messages sent, which the tool pairing decides in part (a call left unanswered is not sent). */
const ROLE_RULES = new Set(RULES.filter((r) => r.family === 'roles').map((r) => r.id));
const TOOL_RULES = new Set(RULES.filter((r) => r.family === 'tools').map((r) => r.id));

/** The first safe fix of a diagnostic, if `fix` may apply it. */
export function safeFixOf(d: Diagnostic, warnings: boolean): Diagnostic['fixes'][number] | undefined {
  if (d.severity === 'info' || (d.severity === 'warning' && !warnings)) return undefined;
  return d.fixes.find((f) => f.safe);
}

/**
 * Applies safe fixes in rounds until no fixable problem is left. Within a round
 * each line is edited by at most one fix (a fix's paths are only valid on the
 * document it was planned on); the rest wait for the next round's re-analysis.
 */
export function fixAll(doc: Doc, options: FixAllOptions = {}, analysed: Analysis = analyze(doc, options)): FixAllResult {
  const maxRounds = options.maxRounds ?? 25;
  const applied: AppliedFix[] = [];
  let analysis = analysed;
  for (let round = 0; round < maxRounds; round++) {
    const touched = new Set<number>();
    const edits: Edit[] = [];
    const fixable = analysis.diagnostics.filter((d) => safeFixOf(d, options.warnings ?? false));
    // Repairs to the chain change which lines are sent: fix the rest on the repaired chain, next round
    // (else a first-role fix papers over a torn or dangling link with a "[conversation resumed]" line).
    const chain = fixable.filter((d) => CHAIN_RULES.has(d.rule));
    // Pairing repairs change which responses are sent next to each other: a response whose calls a client
    // drops unanswered may meet the next one only until its results are put back. Roles wait for them (else
    // the next response takes that response's message id, and clients send the two as one).
    const paired = fixable.some((d) => TOOL_RULES.has(d.rule)) ? fixable.filter((d) => !ROLE_RULES.has(d.rule)) : fixable;
    for (const d of chain.length ? chain : paired) {
      const fix = safeFixOf(d, options.warnings ?? false)!;
      const keys = [d.key, ...fix.edits.flatMap(keysOf)];
      if (keys.some((k) => touched.has(k))) continue;
      keys.forEach((k) => touched.add(k));
      edits.push(...fix.edits);
      applied.push({ rule: d.rule, line: d.line, label: fix.label });
    }
    if (!edits.length) break;
    doc = applyEdits(analysis.doc, edits);
    analysis = analyze(doc, options);
  }
  return { doc: analysis.doc, applied, analysis };
}
