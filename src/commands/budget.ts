import type { RequestBudget } from '../budget/budget.js';

/** The request's figures as `--json` outputs carry them. */
export function budgetJson(b: RequestBudget) {
  return {
    total: b.total,
    window: { tokens: b.window.tokens, model: b.window.model ?? null, reason: b.window.reason },
    anchor: b.anchor ? { line: b.anchor.pos + 1, count: b.anchor.count } : null,
    editedBefore: b.editedBefore,
    estimated: b.after,
    estimatedLines: b.afterLines,
    messages: Array.from(b.messages, Math.round),
  };
}
