import { defineRule } from '../kit/define.js';
import { removeBlock, safeFix } from '../kit/fixes.js';
import { toolPairs } from '../kit/pairs.js';

export default defineRule({ id: 'tool-result-duplicate', description: 'two tool_results answer one tool_use' }, (ctx, report) => {
  const pairs = toolPairs(ctx.view);
  for (let i = 0; i < ctx.view.messages.length; i++) {
    for (const r of pairs.repeatedResults(i)) {
      const id = r.info.toolUseId!;
      report({
        at: r,
        severity: 'error',
        message: `a second tool_result for ${id}`,
        apiError: `messages.${i}: each tool_use must have a single result. Found multiple \`tool_result\` blocks with id: ${id}`,
        fixes: [safeFix('keep the first result, remove this one', removeBlock(ctx, r))],
      });
    }
  }
});
