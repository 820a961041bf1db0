import { defineRule } from '../kit/define.js';
import { deleteLine, safeFix } from '../kit/fixes.js';

export default defineRule({ id: 'message-empty', description: 'a message with no content' }, (ctx, report) => {
  const { messages } = ctx.view;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const finalAssistant = i === messages.length - 1 && m.role === 'assistant';
    if (m.blocks.length > 0 || finalAssistant) continue;
    report({
      at: m,
      severity: 'error',
      message: `${m.role} message ${i + 1} has no content`,
      apiError: `messages.${i}: all messages must have non-empty content except for the optional final assistant message`,
      fixes: [safeFix('remove the empty line(s)', ...m.lines.map((p) => deleteLine(ctx, p)))],
    });
  }
});
