import type { ViewBlock } from '../../conversation/apiView.js';
import { viewIndex } from '../kit/blocks.js';
import { removeOrStub } from '../kit/fixes.js';
import { apiPath } from '../kit/where.js';
import type { Report, RuleContext } from '../types.js';

/** Text put where removing a block would leave a message with no content. */
export const EMPTY_STUB = '[empty]';

/**
 * Whether a text block is where Claude Code puts its prompt-cache breakpoint
 * when it sends the conversation as it is: the last block of the last
 * message, when that is the user's.
 */
export function atCacheBreakpoint(ctx: RuleContext, b: ViewBlock): boolean {
  const last = ctx.view.messages.at(-1);
  return last?.role === 'user' && last.blocks.at(-1) === b;
}

/**
 * Empty and whitespace-only text: the same problem in two API wordings (a
 * client that drops such blocks when sending never shows them to the API).
 */
export function checkBlankText(ctx: RuleContext, report: Report, blank: 'empty' | 'whitespace', what: string, apiText: string): void {
  for (const b of viewIndex(ctx.view).ofType('text').blocks) {
    // An empty block at the cache breakpoint fails on its cache marker first: cache-control-empty's report.
    if (!b.info[blank] || (blank === 'empty' && atCacheBreakpoint(ctx, b))) continue;
    report({
      at: b,
      severity: 'error',
      message: what,
      apiError: `${apiPath(ctx, b)}: ${apiText}`,
      fixes: [removeOrStub(ctx, b, EMPTY_STUB)],
    });
  }
}
