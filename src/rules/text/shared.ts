import { viewIndex } from '../kit/blocks.js';
import { removeOrStub } from '../kit/fixes.js';
import { apiPath, isDroppedWhitespace } from '../kit/where.js';
import type { Report, RuleContext } from '../types.js';

/** Text put where removing a block would leave a message with no content. */
const EMPTY_STUB = '[empty]';

/**
 * Empty and whitespace-only text: the same problem in two API wordings. In an
 * assistant response Claude Code drops such a line when sending.
 */
export function checkBlankText(ctx: RuleContext, report: Report, blank: 'empty' | 'whitespace', what: string, apiText: string): void {
  for (const b of viewIndex(ctx.view).ofType('text').blocks) {
    if (!b.info[blank]) continue;
    report({
      at: b,
      severity: 'error',
      message: what,
      apiError: `${apiPath(ctx, b)}: ${apiText}`,
      fixes: [removeOrStub(ctx, b, EMPTY_STUB)],
      tolerated: isDroppedWhitespace(ctx, b)
        ? { by: 'client', how: 'drops it when sending', message: `${blank === 'empty' ? 'empty' : 'whitespace-only'} text line in an assistant response` }
        : undefined,
    });
  }
}
