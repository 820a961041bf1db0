import { promptVerdict } from '../../budget/verdict.js';
import { defineRule } from '../kit/define.js';
import { MAX_MESSAGES, MAX_REQUEST_BYTES, requestBytes } from './shared.js';

export default defineRule(
  { id: 'prompt-too-long', description: "the request is over the model's context window (a warning from 90% of it)" },
  (ctx, report) => {
    // Only the request that is sent has a size that matters; what precedes a compaction is never sent.
    if (ctx.segment !== 'active') return;
    // Over 32 MB or 100,000 messages the API refuses the request before it counts its tokens (and those rules say so).
    if (ctx.view.messages.length > MAX_MESSAGES || requestBytes(ctx.view) > MAX_REQUEST_BYTES) return;
    const v = promptVerdict(ctx.doc, ctx.view, ctx.budget);
    if (!v?.at) return;
    // Reported at the largest block, where the request is best cut.
    report({ at: v.at, severity: v.severity, message: v.message, apiError: v.apiError, fixes: v.fixes });
  },
);
