import type { ApiView, ViewBlock } from '../conversation/apiView.js';
import type { Fix } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { type BudgetOptions, requestBudget } from './budget.js';
import { largestNamed } from './contributors.js';
import { planFit } from './fit.js';
import { describeBudget, describeWindow, formatEstimate } from './format.js';

/** From this share of the window on, the request is reported: what is left is little room to work. */
export const WARNING_SHARE = 0.9;
/** What fit aims for by default, leaving a fifth of the window for the work that follows the resume. */
export const TARGET_SHARE = 0.8;

export interface Verdict {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly apiError?: string;
  /** The largest block, where the problem is best seen. */
  readonly at?: ViewBlock;
  readonly fixes: Fix[];
}

/** What the request's size means for a resume: over the window (the API refuses it), nearly there, or nothing. */
export function promptVerdict(doc: Doc, view: ApiView, options: BudgetOptions = {}): Verdict | undefined {
  const budget = requestBudget(doc, view, options);
  const window = budget.window.tokens;
  if (budget.total < window * WARNING_SHARE) return undefined;
  const over = budget.total > window;
  const { at, names } = largestNamed(doc, view, 3);
  const target = Math.floor(window * TARGET_SHARE);
  const plan = planFit(doc, view, { target, loaded: options.loaded });
  const share = over ? `over ${describeWindow(budget)}` : `${Math.round((budget.total / window) * 100)}% of ${describeWindow(budget)}, little room to work`;
  const cannot = plan.fits ? '' : `; cutting every old tool output, image and document still leaves ≈ ${formatEstimate(plan.after)}`;
  const n = plan.cuts.length;
  return {
    severity: over ? 'error' : 'warning',
    message: `the request is ${describeBudget(budget)}, ${share}; the largest: ${names}${cannot}`,
    apiError: over ? `prompt is too long: ${budget.total} tokens > ${window} maximum` : undefined,
    at,
    // Lossy, so never automatic; offered only when it brings the request to the target.
    fixes: plan.fits
      ? [
          {
            label: `cut ${n} block${n === 1 ? '' : 's'} to short stubs, largest tool outputs first, as ccmend fit does (≈ ${formatEstimate(plan.after)} tokens after)`,
            safe: false,
            edits: plan.cuts.map((c) => c.edit),
          },
        ]
      : [],
  };
}
