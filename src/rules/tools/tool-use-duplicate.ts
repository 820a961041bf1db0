import type { ViewBlock } from '../../conversation/apiView.js';
import { defineRule } from '../kit/define.js';
import { removeBlock, safeFix, setField } from '../kit/fixes.js';
import { toolPairs } from '../kit/pairs.js';
import { apiPath, infoOf, isCopy } from '../kit/where.js';
import type { Fix } from '../types.js';

/*
 * Two calls with one id: a response replayed as a new turn (a reconnect), or a
 * call written twice. A later call with a result of its own did work worth
 * keeping: it gets an id of its own, and so does its result. One without is
 * only a copy, and goes.
 */
export default defineRule({ id: 'tool-use-duplicate', description: 'a tool_use id repeats' }, (ctx, report) => {
  const pairs = toolPairs(ctx.view);
  const repeats = pairs.repeatedCalls().filter((r) => r.call.pos === r.first.pos || !isCopy(infoOf(ctx, r.call), infoOf(ctx, r.first)));
  if (!repeats.length) return;
  const used = new Set(ctx.view.messages.flatMap((_, i) => pairs.callsIn(i).map((u) => u.info.id)));
  // By id, the answers of the calls with it so far: a call's result is the one after those of earlier calls answered there too.
  const answered = new Map<string, number[]>();
  for (const { call, message, firstMessage } of repeats) {
    const id = call.info.id!;
    const answers = answered.get(id) ?? [pairs.answerOf(firstMessage)];
    answered.set(id, answers);
    const answer = pairs.answerOf(message);
    const own: ViewBlock | undefined = pairs.resultsOf(answer).filter((r) => r.info.toolUseId === id)[answers.filter((a) => a === answer).length];
    answers.push(answer);
    let fix: Fix;
    if (own) {
      // Not `<id>_<n>`: Claude Code 2.1.236+ takes a result under that id for an entry of a batch call <id> and
      // sends the renamed call unanswered (batch-entry-results).
      let n = 2;
      while (used.has(`${id}-${n}`)) n++;
      const fresh = `${id}-${n}`;
      used.add(fresh);
      fix = safeFix(`rename the later call's id to ${fresh}, and its result's`, setField(ctx, call, ['id'], fresh), setField(ctx, own, ['tool_use_id'], fresh));
    } else fix = safeFix('remove the later tool_use (it has no result of its own)', removeBlock(ctx, call));
    report({
      at: call,
      severity: 'error',
      message: `tool_use id ${id} is used again (first in message ${firstMessage + 1})`,
      apiError: `${apiPath(ctx, call)}: \`tool_use\` ids must be unique`,
      fixes: [fix],
    });
  }
});
