import { defineRule } from '../kit/define.js';
import { safeFix, setAt } from '../kit/fixes.js';
import { infoOf } from '../kit/where.js';
import type { Fix } from '../types.js';
import { STRICT_PROVIDERS_REJECT } from './shared.js';

export default defineRule({ id: 'role-alternation', description: 'two messages of the same role in a row' }, (ctx, report) => {
  const { messages } = ctx.view;
  // A loop with no closure in it: this visits every message, and a closure's context per message added up.
  for (let i = 1; i < messages.length; i++) {
    const prev = messages[i - 1]!;
    const m = messages[i]!;
    // Two user messages in a row are what Claude Code itself sends where an attachment's parts follow an
    // assistant turn, each a message (fixtures/recordings: real-compact330 by 2.1.332), and the API joins
    // them; user lines otherwise merge into one message. So this is two assistant responses. Merging a
    // split response back into one: its lines take the previous response's message.id, if it has one.
    if (prev.role !== m.role || m.role === 'user') continue;
    const prevId = infoOf(ctx, prev.lines[0]!).messageId;
    const fixes: Fix[] = prevId ? [safeFix('merge it into the previous response', ...m.lines.map((p) => setAt(ctx, p, ['message', 'id'], prevId)))] : [];
    report({
      at: m,
      severity: 'error',
      tolerated: STRICT_PROVIDERS_REJECT,
      message: `two ${m.role} messages in a row (${i} and ${i + 1})`,
      apiError: 'messages: roles must alternate between "user" and "assistant"',
      fixes,
    });
  }
});
