import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { moveBlock, safeFix } from '../kit/fixes.js';
import { apiPath, isDroppedWhitespace } from '../kit/where.js';

const isThinking = (t: string) => t === 'thinking' || t === 'redacted_thinking';

export default defineRule({ id: 'thinking-order', description: 'an assistant message with thinking does not start with it' }, (ctx, report) => {
  const { messages } = ctx.view;
  const ix = viewIndex(ctx.view);
  const thinking = ix.ofType('thinking');
  const redacted = ix.ofType('redacted_thinking');
  for (let i = 0; i < messages.length; i++) {
    // Only a message with thinking that does not open it can be out of order: the rest are skipped unread.
    const s = thinking.firstSlotIn(i);
    const r = redacted.firstSlotIn(i);
    if (messages[i]!.role !== 'assistant' || (s < 0 && r < 0) || s === 0 || r === 0) continue;
    const sent = messages[i]!.blocks.filter((b) => !isDroppedWhitespace(ctx, b, i));
    const firstThinking = sent.findIndex((b) => isThinking(b.info.type));
    if (firstThinking <= 0) continue;
    const head = sent[0]!;
    const late = sent.filter((b, j) => j > 0 && isThinking(b.info.type) && sent.slice(0, j).some((x) => !isThinking(x.info.type)));
    const arrayPath = head.info.path.slice(0, -1);
    const headIndex = head.info.path[head.info.path.length - 1] as number;
    report({
      at: sent[firstThinking]!,
      severity: 'error',
      message: `assistant message ${i + 1} starts with ${head.info.type}, not its thinking`,
      // The API's words for this shape; "Expected `thinking` … but found" is a different check:
      // a final assistant message with no thinking at all.
      apiError: `${apiPath(ctx, head)}: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found ${head.info.type}.`,
      fixes: [
        safeFix('move the thinking block(s) to the start of the response', ...late.map((b, k) => moveBlock(ctx, b, head, [...arrayPath, headIndex + k]))),
      ],
    });
  }
});
