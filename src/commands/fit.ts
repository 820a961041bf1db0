import { type RequestBudget, loadedOverheads, requestBudget } from '../budget/budget.js';
import { largestBlocks, toolCalls, whatBlockIs } from '../budget/contributors.js';
import { type Cut, type FitPlan, KEEP_LAST_MESSAGES, planFit } from '../budget/fit.js';
import { describeBudget, describeWindow, formatCount, formatEstimate } from '../budget/format.js';
import { TARGET_SHARE } from '../budget/verdict.js';
import { applyEdits } from '../edit/apply.js';
import { analyze } from '../rules/analyze.js';
import type { Provider } from '../rules/types.js';
import type { ApiView } from '../conversation/apiView.js';
import type { Doc } from '../transcript/document.js';
import type { SaveResult } from '../transcript/save.js';
import { budgetJson } from './budget.js';
import { configuredModel } from '../report/settings.js';
import { CliError, EXIT } from '../report/errors.js';
import { resumeCommand } from '../report/session.js';
import { resolveTarget } from '../report/target.js';
import { countLine } from '../report/text.js';
import { write } from './fix.js';
import { openTranscript } from './open.js';
import type { Io } from './output.js';

export interface FitOptions {
  /** The target in tokens; default: TARGET_SHARE of the context window. */
  readonly tokens?: number;
  /** Messages at the end never cut. */
  readonly keep?: number;
  readonly out?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly provider: Provider;
  /** `--client`: a Claude Code version, or `all`; by default the installed one (see resolveTarget). */
  readonly client?: string;
}

/** A whole number of tokens or messages from an option's text. */
export function countOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be a whole number of at least ${min} (got ${value})`);
  return n;
}

const cutLine = (c: Cut) => `  line ${formatCount(c.pos + 1)}, turn ${c.message + 1}: ${c.what}: ≈ ${formatEstimate(c.tokens)} tokens`;

/** The largest blocks fit may not cut, to say what stands in the way when it cannot fit. */
function keptLargest(doc: Doc, plan: FitPlan, view: ApiView): string[] {
  const cut = new Set(plan.cuts.map((c) => `${c.pos}:${c.block}`));
  const calls = toolCalls(view);
  return largestBlocks(view, 3 + cut.size)
    .filter((c) => !cut.has(`${c.block.pos}:${c.block.index}`))
    .slice(0, 3)
    .map(
      (c) =>
        `  line ${formatCount(c.block.pos + 1)}, turn ${c.message + 1}: ${whatBlockIs(c.block.info, calls, doc.lines[c.block.pos]!.info)}: ≈ ${formatEstimate(c.tokens)} tokens`,
    );
}

/** The most messages at the end fit could keep and still fit, if keeping fewer than `keepLast` would do it. */
function keepThatFits(doc: Doc, view: ApiView, target: number, keepLast: number): number | undefined {
  for (let keep = keepLast - 1; keep >= 0; keep--) if (planFit(doc, view, { target, keepLast: keep }).fits) return keep;
  return undefined;
}

/** `ccmend fit`: exit 0 when the request fits the target (after cutting), 1 when it cannot. */
export async function runFit(target: string, opts: FitOptions, io: Io): Promise<number> {
  const doc = await openTranscript(target);
  try {
    const settingsModel = configuredModel(doc);
    const checked = { provider: opts.provider, target: resolveTarget(opts.client, doc).clients };
    const before = analyze(doc, { ...checked, budget: { settingsModel } });
    const { view } = before;
    const budget = requestBudget(doc, view, { settingsModel });
    const goal = opts.tokens ?? Math.floor(budget.window.tokens * TARGET_SHARE);
    const keepLast = opts.keep ?? KEEP_LAST_MESSAGES;
    const plan = planFit(doc, view, { target: goal, keepLast });
    const cutting = plan.fits && plan.cuts.length > 0;
    const result = cutting
      ? applyEdits(
          doc,
          plan.cuts.map((c) => c.edit),
        )
      : doc;
    const saved: SaveResult | undefined = opts.dryRun || !plan.fits || (!cutting && !opts.out) ? undefined : write(result, opts.out);
    // Measured against the counts as loaded: what the cuts removed before a count is taken off it.
    const measured = { settingsModel, loaded: loadedOverheads(doc, view) };
    const after = cutting ? analyze(result, { ...checked, budget: measured }) : before;
    const afterBudget: RequestBudget = cutting ? requestBudget(result, after.view, measured) : budget;

    if (opts.json) {
      io.out(
        JSON.stringify(
          {
            path: doc.path,
            before: budgetJson(budget),
            target: goal,
            fits: plan.fits,
            /** The total with the cuts below made: all that fit may cut, when it cannot fit. */
            left: plan.after,
            cuts: plan.cuts.map((c) => ({ line: c.pos + 1, turn: c.message + 1, kind: c.kind, what: c.what, tokens: c.tokens, stub: c.stub })),
            after: plan.fits ? budgetJson(afterBudget) : null,
            counts: after.counts,
            written: saved?.path ?? null,
            backup: saved?.backup ?? null,
            appendedLines: saved?.appendedLines ?? 0,
            resume: resumeCommand(result),
          },
          null,
          2,
        ),
      );
      return plan.fits ? EXIT.ok : EXIT.problems;
    }

    io.out(`${doc.path}: ${describeBudget(budget)}`);
    io.out(`  ${describeWindow(budget)}; target ${formatCount(goal)} tokens`);
    if (!plan.cuts.length) io.out('fits already: nothing to cut');
    else if (!plan.fits) {
      io.out(
        `cannot fit under ${formatCount(goal)} tokens: with all ${plan.cuts.length} tool outputs, images and documents it may cut replaced, ≈ ${formatEstimate(plan.after)} remain`,
      );
      io.out(`fit never cuts the last ${keepLast} messages, your prompts, compaction summaries, or the assistant's text and tool calls; the largest left:`);
      for (const l of keptLargest(doc, plan, view)) io.out(l);
      const keep = keepThatFits(doc, view, goal, keepLast);
      if (keep !== undefined)
        io.out(`with --keep ${keep} (${keep ? `all but the last ${keep === 1 ? 'message' : `${keep} messages`}` : 'any message'} may be cut) it fits`);
      io.out('nothing written');
      return EXIT.problems;
    } else {
      io.out(
        `${plan.cuts.length} cut${plan.cuts.length === 1 ? '' : 's'}${opts.dryRun ? ' (dry run)' : ''}, largest tool outputs first, then images and documents, oldest first:`,
      );
      for (const c of plan.cuts) io.out(cutLine(c));
    }
    if (saved) {
      io.out(saved.backup ? `saved ${saved.path} (backup: ${saved.backup})` : `wrote ${saved.path}`);
      if (saved.appendedLines) io.out(`kept ${saved.appendedLines} line(s) another program appended while ccmend ran; run \`ccmend check\` again`);
    } else if (opts.dryRun && cutting) io.out('dry run: nothing written');
    if (cutting) io.out(`now: ${describeBudget(afterBudget)}; ${countLine(after)}`);
    if (saved && !opts.dryRun) io.out(`resume with: ${resumeCommand(result)}`);
    return EXIT.ok;
  } finally {
    doc.source.close();
  }
}
