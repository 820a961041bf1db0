import { inArray } from '../../transcript/jsonPath.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { moveBlock, safeFix } from '../kit/fixes.js';
import { missingResultsError } from './shared.js';

export default defineRule({ id: 'tool-result-order', description: 'a user message has other content before its tool_results' }, (ctx, report) => {
  const { messages } = ctx.view;
  const results = viewIndex(ctx.view).ofType('tool_result');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== 'user' || results.leadIn(i)) continue;
    const firstOther = m.blocks.findIndex((b) => b.info.type !== 'tool_result');
    const head = m.blocks[firstOther]!;
    const late = m.blocks.slice(firstOther + 1).filter((b) => b.info.type === 'tool_result');
    // Move every late result to the front, in order: right after the results that already open the
    // message (in the last one's line), else just before the other content in its line. A string
    // content slot becomes a block array; a slot outside a message (an attachment, a local command)
    // cannot take blocks.
    const anchor = firstOther > 0 ? m.blocks[firstOther - 1]! : head;
    const path = anchor.info.path;
    const arrayPath = inArray(path) ? path.slice(0, -1) : path;
    const first = (inArray(path) ? (path[path.length - 1] as number) : 0) + (anchor === head ? 0 : 1);
    const fix = safeFix('move the tool_result blocks before the other content', ...late.map((b, k) => moveBlock(ctx, b, anchor, [...arrayPath, first + k])));
    const lastResult = results.lastSlotIn(i);
    report({
      at: m.blocks[lastResult]!,
      severity: 'error',
      message: `message ${i + 1} has ${head.info.type} before its tool_result blocks`,
      // The API does not name the order: it misses the results that do not open the message
      // (seen when a proxy put a text block before them).
      apiError: missingResultsError(
        i - 1,
        late.map((b) => b.info.toolUseId ?? '?'),
      ),
      fixes: path[0] === 'message' ? [fix] : [],
    });
  }
});
