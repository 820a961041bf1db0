import { isServerToolResult } from '../../transcript/lineInfo.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { moveBlock, removeBlock, safeFix } from '../kit/fixes.js';
import { toolPairs } from '../kit/pairs.js';
import { apiPath, messageOf } from '../kit/where.js';

/*
 * A server tool (web search, web fetch, code execution, the advisor…) runs
 * inside one response: its server_tool_use and its result are both blocks of
 * the assistant's message, and the result must come after the use it answers.
 * A result whose use was lost (a torn line, a split response) is rejected.
 */
export default defineRule({ id: 'server-tool-result-orphan', description: 'a server tool result whose server_tool_use is not before it' }, (ctx, report) => {
  const ix = viewIndex(ctx.view);
  const uses = ix.ofType('server_tool_use');
  const pairs = toolPairs(ctx.view);
  for (const type of ix.types) {
    if (!isServerToolResult(type)) continue;
    for (const r of ix.ofType(type).blocks) {
      const m = messageOf(ctx, r);
      const message = ctx.view.messages[m]!;
      if (message.role !== 'assistant') continue;
      const id = r.info.toolUseId;
      // The API reads a run of assistant messages as one turn: a use in an earlier one of the run answers too.
      if (id !== undefined && uses.between(pairs.runBefore(m), m).some((u) => u.info.id === id)) continue;
      const use = id === undefined ? undefined : uses.in(m).find((u) => u.info.id === id);
      if (use && message.blocks.indexOf(use) < message.blocks.indexOf(r)) continue;
      report({
        at: r,
        severity: 'error',
        message: use ? `${type} for ${id} comes before its server_tool_use` : `${type} for ${id ?? '(no id)'} has no server_tool_use before it in its response`,
        apiError: `${apiPath(ctx, r)}: unexpected \`tool_use_id\` found in \`${type}\` blocks: ${id ?? ''}. Each \`${type}\` block must have a corresponding \`server_tool_use\` block before it.`,
        fixes: [
          use
            ? safeFix(`move the server_tool_use ${id} before its result`, moveBlock(ctx, use, r, r.info.path))
            : safeFix(`remove the ${type} (its server_tool_use is gone)`, removeBlock(ctx, r)),
        ],
      });
    }
  }
});
