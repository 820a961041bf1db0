import { defineRule } from '../kit/define.js';
import { MAX_MESSAGES } from './shared.js';

export default defineRule({ id: 'too-many-messages', description: 'more than 100,000 messages' }, (ctx, report) => {
  const n = ctx.view.messages.length;
  if (n <= MAX_MESSAGES) return;
  // At the last message the file holds: a client may end the request with one of its own.
  const last = ctx.view.messages.findLast((m) => m.lines.length > 0)!;
  report({
    at: last,
    severity: 'error',
    message: `${n} messages; the API accepts at most ${MAX_MESSAGES}: rewind, or start a fresh session from \`ccmend summary\``,
    apiError: `messages: too many messages: ${n} > ${MAX_MESSAGES}`,
  });
});
