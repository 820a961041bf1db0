import { defineRule } from '../kit/define.js';
import { safeFix, setAt } from '../kit/fixes.js';

export default defineRule({ id: 'chain-cycle', scope: 'document', description: 'parentUuid links that loop' }, (ctx, report) => {
  if (ctx.graph.cycleAt === undefined) return;
  // The walk stopped at a line it had seen: the chain's first line closes the loop.
  const pos = ctx.graph.chain[0]!;
  report({
    at: { pos },
    severity: 'error',
    message: `parentUuid links loop back to line ${ctx.graph.cycleAt + 1}; Claude Code cannot rebuild the conversation`,
    fixes: [safeFix('cut the loop here (make this line a root)', setAt(ctx, pos, ['parentUuid'], null))],
  });
});
