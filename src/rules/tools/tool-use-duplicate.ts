import type { Edit } from '../../edit/types.js';
import { defineRule } from '../kit/define.js';
import { removeBlock, safeFix } from '../kit/fixes.js';
import { toolPairs } from '../kit/pairs.js';
import { apiPath } from '../kit/where.js';

export default defineRule({ id: 'tool-use-duplicate', description: 'a tool_use id repeats' }, (ctx, report) => {
  const pairs = toolPairs(ctx.view);
  for (const { call, message, firstMessage } of pairs.repeatedCalls()) {
    const id = call.info.id!;
    const edits: Edit[] = [removeBlock(ctx, call)];
    // Drop the later pair: its result too, unless it is the only answer of the first use.
    const answer = pairs.answerOf(message);
    if (pairs.answerOf(firstMessage) !== answer) for (const r of pairs.resultsOf(answer)) if (r.info.toolUseId === id) edits.push(removeBlock(ctx, r));
    report({
      at: call,
      severity: 'error',
      message: `tool_use id ${id} is used again (first in message ${firstMessage + 1})`,
      apiError: `${apiPath(ctx, call)}: \`tool_use\` ids must be unique`,
      fixes: [safeFix('remove the later tool_use and its result', ...edits)],
    });
  }
});
