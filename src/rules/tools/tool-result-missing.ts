import { defineRule } from '../kit/define.js';
import { insertAfter, safeFix, setAt, setField } from '../kit/fixes.js';
import { resultLine } from '../kit/newLines.js';
import { toolPairs } from '../kit/pairs.js';
import { nextOnChain } from '../kit/where.js';
import type { Fix, RuleContext } from '../types.js';
import { missingResultsError } from './shared.js';

/** The output a lost result is replaced by (Claude Code's "tool use concurrency" error, mended). */
const LOST_RESULT = '[tool result lost]';

/**
 * A line holding a result for `id` that hangs off one of `lines` but is not
 * sent: a parallel call's result on a side branch, which clients that send
 * only the chain leave out (with its call).
 */
function sideBranchResult(ctx: RuleContext, id: string, lines: readonly number[]): number | undefined {
  for (const pos of lines) {
    const uuid = ctx.doc.lines[pos]!.info.uuid;
    if (!uuid) continue;
    for (const c of ctx.graph.childrenOf(uuid))
      if (ctx.view.messageOf.get(c) === undefined && ctx.doc.lines[c]!.info.blocks.some((b) => b.type === 'tool_result' && b.toolUseId === id)) return c;
  }
  return undefined;
}

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
    const lastPos = lines[lines.length - 1]!;
    const last = ctx.doc.lines[lastPos]!.info;
    const next = nextOnChain(ctx, lastPos);
    for (const u of unanswered) {
      const id = u.info.id!;
      const fixes: Fix[] = [];
      const side = sideBranchResult(ctx, id, lines);
      if (side !== undefined && next !== undefined) {
        // The result goes between the call's turn and what follows it, as a client that writes one chain puts it.
        const label = `put its tool_result (line ${side + 1}) on the chain, after line ${lastPos + 1}`;
        fixes.push(safeFix(label, setAt(ctx, side, ['parentUuid'], last.uuid), setAt(ctx, next, ['parentUuid'], ctx.doc.lines[side]!.info.uuid)));
      } else if (idless.length === 1 && unanswered.length === 1) {
        const r = idless[0]!;
        fixes.push(safeFix(`attach the tool_result without an id (line ${r.pos + 1}) to ${id}`, setField(ctx, r, ['tool_use_id'], id)));
      }
      const lost = { type: 'tool_result', tool_use_id: id, content: LOST_RESULT, is_error: true };
      if (side === undefined)
        fixes.push(safeFix(`insert a tool_result "${LOST_RESULT}" (is_error) for ${id}`, insertAfter(ctx, lastPos, resultLine(ctx, u, lost))));
      report({
        at: u,
        severity: 'error',
        message:
          side !== undefined
            ? `tool_use ${id} (${u.info.name ?? 'tool'}) has its tool_result on a side branch (line ${side + 1}), which is not sent`
            : `tool_use ${id} (${u.info.name ?? 'tool'}) has no tool_result in the next message`,
        apiError: missingResultsError(i, [id]),
        fixes,
      });
    }
  }
});
