import { defineRule } from '../kit/define.js';
import { insertAfter, safeFix, setField } from '../kit/fixes.js';
import { resultLine } from '../kit/newLines.js';
import { toolPairs } from '../kit/pairs.js';
import type { Fix } from '../types.js';
import { missingResultsError } from './shared.js';

/** The output a lost result is replaced by (Claude Code's "tool use concurrency" error, mended). */
const LOST_RESULT = '[tool result lost]';

export default defineRule({ id: 'tool-result-missing', description: 'a tool_use has no tool_result in the next message' }, (ctx, report) => {
  const { messages } = ctx.view;
  const pairs = toolPairs(ctx.view);
  for (let i = 0; i < messages.length; i++) {
    if (!pairs.hasCalls(i)) continue;
    const unanswered = pairs.unansweredCalls(i);
    if (!unanswered.length) continue;
    // A result that lost its id, with exactly one candidate: re-attach it.
    const idless = pairs.resultsOf(pairs.answerOf(i)).filter((r) => r.info.toolUseId === undefined);
    const lines = messages[i]!.lines;
    for (const u of unanswered) {
      const id = u.info.id!;
      const fixes: Fix[] = [];
      if (idless.length === 1 && unanswered.length === 1) {
        const r = idless[0]!;
        fixes.push(safeFix(`attach the tool_result without an id (line ${r.pos + 1}) to ${id}`, setField(ctx, r, ['tool_use_id'], id)));
      }
      const lost = { type: 'tool_result', tool_use_id: id, content: LOST_RESULT, is_error: true };
      fixes.push(safeFix(`insert a tool_result "${LOST_RESULT}" (is_error) for ${id}`, insertAfter(ctx, lines[lines.length - 1]!, resultLine(ctx, u, lost))));
      report({
        at: u,
        severity: 'error',
        message: `tool_use ${id} (${u.info.name ?? 'tool'}) has no tool_result in the next message`,
        apiError: missingResultsError(i, [id]),
        fixes,
      });
    }
  }
});
