import { defineRule } from '../kit/define.js';
import { keyOf, safeFix } from '../kit/fixes.js';

export default defineRule({ id: 'final-whitespace', description: 'the final assistant message ends in whitespace' }, (ctx, report) => {
  const last = ctx.view.messages.at(-1);
  if (last?.role !== 'assistant') return;
  const b = last.blocks.at(-1);
  if (b?.info.type !== 'text' || !b.info.trailingWhitespace || b.info.whitespace) return;
  // Only an error if the request ends here (a prefill); a resume adds a user turn after it.
  report({
    at: b,
    severity: 'warning',
    message: 'the last assistant message ends with whitespace (rejected if sent as the final message)',
    apiError: 'final assistant content cannot end with trailing whitespace',
    fixes: [safeFix('trim the trailing whitespace', { op: 'trim-end', key: keyOf(ctx, b), path: b.info.path })],
  });
});
