import { type Contributor, namedContributors } from '../../budget/contributors.js';
import type { ViewBlock } from '../../conversation/apiView.js';
import type { Edit } from '../../edit/types.js';
import type { BlockInfo } from '../../transcript/lineInfo.js';
import { type Blocks, type ViewIndex, viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { replaceBlock, setField } from '../kit/fixes.js';
import { toolPairs } from '../kit/pairs.js';
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

/** One block of an index list: the list and its place there. */
type Entry = { readonly list: Blocks; readonly k: number };

/** Whether block `k` of `list` ranks after `e`: smaller, or as big and sent later. Read off the index's arrays: no block is reached. */
const ranksAfter = (list: Blocks, k: number, e: Entry): boolean =>
  (e.list.sent[e.k]! - list.sent[k]! || list.message[k]! - e.list.message[e.k]! || list.slot[k]! - e.list.slot[e.k]!) >= 0;

/** The `n` largest blocks of the view, largest first; of equal sizes, the one sent first (as largestBlocks ranks them). */
function topOf(ix: ViewIndex, n: number): Entry[] {
  const top: Entry[] = [];
  for (const type of ix.types) {
    const list = ix.ofType(type);
    for (let k = 0; k < list.blocks.length; k++) {
      if (top.length === n && ranksAfter(list, k, top[n - 1]!)) continue;
      let at = top.length;
      while (at > 0 && !ranksAfter(list, k, top[at - 1]!)) at--;
      top.splice(at, 0, { list, k });
      if (top.length > n) top.pop();
    }
  }
  return top;
}

/** The later in send order of two blocks of one view (either may be missing). */
function later(ctx: RuleContext, a: ViewBlock | undefined, b: ViewBlock | undefined): ViewBlock | undefined {
  if (!a || !b) return a ?? b;
  const [ma, mb] = [ctx.view.messageOf.get(a.pos)!, ctx.view.messageOf.get(b.pos)!];
  if (ma !== mb) return ma > mb ? a : b;
  const blocks = ctx.view.messages[ma]!.blocks;
  return blocks.indexOf(a) > blocks.indexOf(b) ? a : b;
}

/**
 * The `n` blocks largest in the request body, named with the calls of the
 * tool results among them: the last call of an assistant message with the id
 * each names, as toolCalls would find it, without a map of every call.
 */
function largest(ctx: RuleContext, ix: ViewIndex, n: number): { top: Contributor[]; calls: Map<string, BlockInfo> } {
  const top = topOf(ix, n);
  const results = ix.ofType('tool_result');
  const servers = ix.ofType('server_tool_use').blocks;
  const calls = new Map<string, BlockInfo>();
  for (const { list, k } of top) {
    const id = list.blocks[k]!.info.toolUseId;
    if (list !== results || id === undefined) continue;
    let call = toolPairs(ctx.view).lastCallFor(k);
    for (const s of servers) if (s.info.id === id && ctx.view.messages[ctx.view.messageOf.get(s.pos)!]!.role === 'assistant') call = later(ctx, call, s);
    if (call) calls.set(id, call.info);
  }
  return { top: top.map(({ list, k }) => ({ block: list.blocks[k]!, message: list.message[k]!, tokens: list.sent[k]! })), calls };
}

export default defineRule({ id: 'request-too-large', description: 'the rebuilt request is over 32 MB' }, (ctx, report) => {
  const { messages } = ctx.view;
  const sent = requestBytes(ctx.view);
  if (sent <= MAX_REQUEST_BYTES) return;
  const ix = viewIndex(ctx.view);
  // Stubbing the biggest tool results and images is lossy, so never automatic.
  const { edits, left } = stubBiggest(ctx, ix, sent - MAX_REQUEST_BYTES);
  const { top, calls } = largest(ctx, ix, 3);
  report({
    at: { pos: messages[messages.length - 1]!.lines.at(-1)! },
    severity: 'error',
    message: `the request would be over ${(sent / 1024 / 1024).toFixed(1)} MB; the API accepts at most 32 MB; the largest: ${namedContributors(ctx.doc, top, calls, 'bytes').names}`,
    apiError: 'HTTP 413 request_too_large: Request exceeds the maximum allowed number of bytes',
    // Offered only if stubbing outputs can make it fit (it cannot when the bulk is, say, a tool's input).
    fixes: left <= 0 ? [{ label: `replace the ${edits.length} largest tool outputs/images with a note`, safe: false, edits }] : [],
  });
});
