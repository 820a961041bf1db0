import { type Contributor, named } from '../../budget/contributors.js';
import type { ViewBlock } from '../../conversation/apiView.js';
import type { Edit } from '../../edit/types.js';
import { type ViewIndex, viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { replaceBlock, setField } from '../kit/fixes.js';
import type { RuleContext } from '../types.js';
import { MAX_REQUEST_BYTES, requestBytes } from './shared.js';

/**
 * Stubs the biggest tool results and images (of equal sizes, the one sent
 * first) until the request fits: the edits, and the bytes `left` over.
 */
function stubBiggest(ctx: RuleContext, ix: ViewIndex, excess: number): { edits: Edit[]; left: number } {
  const found: { b: ViewBlock; sent: number; m: number; slot: number }[] = [];
  for (const { blocks, sent, message, slot } of [ix.ofType('tool_result'), ix.ofType('image')]) {
    for (let k = 0; k < blocks.length; k++) found.push({ b: blocks[k]!, sent: sent[k]!, m: message[k]!, slot: slot[k]! });
  }
  found.sort((x, y) => y.sent - x.sent || x.m - y.m || x.slot - y.slot);
  const edits: Edit[] = [];
  let left = excess;
  for (const { b } of found) {
    if (left <= 0) break;
    const image = b.info.type === 'image';
    const stub = image ? { type: 'text', text: '[image removed by ccmend]' } : '[output removed by ccmend to fit the request size limit]';
    edits.push(image ? replaceBlock(ctx, b, stub) : setField(ctx, b, ['content'], stub));
    left -= b.info.sent - JSON.stringify(image ? stub : { type: 'tool_result', tool_use_id: b.info.toolUseId, content: stub }).length;
  }
  return { edits, left };
}

/**
 * The `n` blocks largest in the request body, ranked on the index's sizes (no block is read but
 * those): of equal ones, the one sent first, as largestBlocks ranks them.
 */
function largestSent(ix: ViewIndex, n: number): Contributor[] {
  const top: { type: string; k: number; sent: number; m: number; slot: number }[] = [];
  // Whether a block of size `sent` in slot `slot` of message `m` ranks before one of `b`.
  const ahead = (sent: number, m: number, slot: number, b: (typeof top)[number]) =>
    sent > b.sent || (sent === b.sent && (m < b.m || (m === b.m && slot < b.slot)));
  for (const type of ix.types) {
    const { sent, message, slot } = ix.ofType(type);
    for (let k = 0; k < sent.length; k++) {
      const size = sent[k]!;
      const m = message[k]!;
      const s = slot[k]!;
      if (top.length === n && !ahead(size, m, s, top[n - 1]!)) continue;
      let at = top.length;
      while (at > 0 && ahead(size, m, s, top[at - 1]!)) at--;
      top.splice(at, 0, { type, k, sent: size, m, slot: s });
      if (top.length > n) top.pop();
    }
  }
  return top.map((t) => ({ block: ix.ofType(t.type).blocks[t.k]!, message: t.m, tokens: t.sent }));
}

export default defineRule({ id: 'request-too-large', description: 'the rebuilt request is over 32 MB' }, (ctx, report) => {
  const { messages } = ctx.view;
  const sent = requestBytes(ctx.view);
  if (sent <= MAX_REQUEST_BYTES) return;
  const ix = viewIndex(ctx.view);
  // Stubbing the biggest tool results and images is lossy, so never automatic.
  const { edits, left } = stubBiggest(ctx, ix, sent - MAX_REQUEST_BYTES);
  report({
    at: { pos: messages[messages.length - 1]!.lines.at(-1)! },
    severity: 'error',
    message: `the request would be over ${(sent / 1024 / 1024).toFixed(1)} MB; the API accepts at most 32 MB; the largest: ${named(ctx.doc, ctx.view, largestSent(ix, 3), 'bytes').names}`,
    apiError: 'HTTP 413 request_too_large: Request exceeds the maximum allowed number of bytes',
    // Offered only if stubbing outputs can make it fit (it cannot when the bulk is, say, a tool's input).
    fixes: left <= 0 ? [{ label: `replace the ${edits.length} largest tool outputs/images with a note`, safe: false, edits }] : [],
  });
});
