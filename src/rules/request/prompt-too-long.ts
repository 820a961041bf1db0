import { promptVerdict } from '../../budget/verdict.js';
import { defineRule } from '../kit/define.js';

export default defineRule(
  { id: 'prompt-too-long', description: "the request is over the model's context window (a warning from 90% of it)" },
  (ctx, report) => {
    // Only the request that is sent has a size that matters; what precedes a compaction is never sent.
    if (ctx.segment !== 'active') return;
    const v = promptVerdict(ctx.doc, ctx.view, ctx.budget);
    if (!v?.at) return;
    // Reported at the largest block, where the request is best cut.
    report({ at: v.at, severity: v.severity, message: v.message, apiError: v.apiError, fixes: v.fixes });
  },
);
