import { defineRule } from '../kit/define.js';
import { removeOrStub } from '../kit/fixes.js';
import { apiPath } from '../kit/where.js';
import { EMPTY_STUB, atCacheBreakpoint } from './shared.js';

/*
 * A screenshot pasted with no text leaves a user message that ends in an empty
 * text block. Claude Code marks the last block it sends as the prompt-cache
 * breakpoint, and the API refuses cache_control on empty text, so the request
 * fails every time it is sent as it is.
 */
export default defineRule({ id: 'cache-control-empty', description: 'an empty text block where Claude Code puts its cache breakpoint' }, (ctx, report) => {
  const b = ctx.view.messages.at(-1)?.blocks.at(-1);
  if (b?.info.type !== 'text' || !b.info.empty || !atCacheBreakpoint(ctx, b)) return;
  report({
    at: b,
    severity: 'error',
    message: 'the conversation ends with an empty text block, where Claude Code puts its cache breakpoint',
    apiError: `${apiPath(ctx, b)}.text: cache_control cannot be set for empty text blocks`,
    fixes: [removeOrStub(ctx, b, EMPTY_STUB)],
  });
});
