import type { Edit } from '../../edit/types.js';
import { defineRule } from '../kit/define.js';
import { keyOf, safeFix } from '../kit/fixes.js';
import { derivedUuid } from '../kit/newLines.js';

const RESUMED_TEXT = '[conversation resumed]';

export default defineRule({ id: 'first-role', description: 'the first message is not from the user' }, (ctx, report) => {
  const first = ctx.view.messages[0];
  if (!first || first.role === 'user') return;
  // Adopt the message's first line on the chain: other lines of a split response may sit on side branches or after it.
  const chain = ctx.segment === 'active' ? ctx.graph.chain : ctx.graph.preCompactChain;
  const pos = chain.find((p) => first.lines.includes(p)) ?? first.lines[0]!;
  const line = ctx.doc.lines[pos]!;
  const value = {
    parentUuid: line.info.parentUuid ?? null,
    isSidechain: ctx.conversation === 'subagent',
    ...(line.info.agentId ? { agentId: line.info.agentId } : {}),
    type: 'user',
    message: { role: 'user', content: RESUMED_TEXT },
    uuid: derivedUuid(`ccmend-first-user:${line.info.uuid ?? line.key}`),
    ...(line.info.sessionId ? { sessionId: line.info.sessionId } : {}),
    ...(line.info.timestamp ? { timestamp: line.info.timestamp } : {}),
  };
  const insert: Edit = { op: 'insert-line', afterKey: pos > 0 ? keyOf(ctx, pos - 1) : null, value, adopt: [line.key] };
  report({
    at: { pos, message: 0 },
    severity: 'error',
    message: 'the conversation starts with an assistant message',
    apiError: 'messages: first message must use the "user" role',
    fixes: [safeFix(`insert a user message "${RESUMED_TEXT}" before it`, insert)],
  });
});
