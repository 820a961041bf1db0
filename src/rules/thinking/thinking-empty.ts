import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { removeBlock, safeFix } from '../kit/fixes.js';
import { apiPath } from '../kit/where.js';

export default defineRule({ id: 'thinking-empty', description: 'a thinking block with no thinking' }, (ctx, report) => {
  for (const b of viewIndex(ctx.view).ofType('thinking').blocks) {
    // With thinking display "omitted" the API returns (and takes back) empty thinking whose
    // signature carries the reasoning: only an unsigned empty block has nothing to send.
    if (!b.info.empty || b.info.signature === 'ok') continue;
    report({
      at: b,
      severity: 'error',
      message: 'thinking block is empty',
      apiError: `${apiPath(ctx, b)}.thinking: each thinking block must contain thinking`,
      fixes: [safeFix('remove the thinking block', removeBlock(ctx, b))],
    });
  }
});
