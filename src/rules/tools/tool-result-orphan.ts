import { defineRule } from '../kit/define.js';
import { removeBlock, safeFix, setField } from '../kit/fixes.js';
import { toolPairs } from '../kit/pairs.js';
import { apiPath } from '../kit/where.js';
import type { Fix } from '../types.js';

export default defineRule({ id: 'tool-result-orphan', description: "a tool_result's id is not a tool_use of the previous message" }, (ctx, report) => {
  const pairs = toolPairs(ctx.view);
  for (let i = 0; i < ctx.view.messages.length; i++) {
    if (!pairs.hasResults(i)) continue;
    // A result for a call of the previous turn pairs; a second one for it is tool-result-duplicate's.
    for (const r of pairs.orphanResults(i)) {
      const id = r.info.toolUseId;
      const remove = safeFix('remove the orphan tool_result', removeBlock(ctx, r));
      if (id !== undefined) {
        report({
          at: r,
          severity: 'error',
          message: `tool_result for ${id} has no matching tool_use in the previous message`,
          apiError: `${apiPath(ctx, r)}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          fixes: [remove],
        });
        continue;
      }
      const answers = pairs.resultsOf(i);
      const open = pairs.callsBefore(i).filter((u) => u.info.id && !answers.some((x) => x.info.toolUseId === u.info.id));
      const fixes: Fix[] = [];
      if (open.length === 1 && answers.filter((x) => x.info.toolUseId === undefined).length === 1) {
        const target = open[0]!.info.id!;
        fixes.push(safeFix(`attach it to the unanswered tool_use ${target}`, setField(ctx, r, ['tool_use_id'], target)));
      }
      fixes.push(remove);
      report({
        at: r,
        severity: 'error',
        message: 'tool_result has no tool_use_id',
        apiError: `${apiPath(ctx, r)}.tool_result.tool_use_id: Field required`,
        fixes,
      });
    }
  }
});
