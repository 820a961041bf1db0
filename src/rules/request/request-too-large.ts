import { type Contributor, named } from '../../budget/contributors.js';
import type { ViewBlock } from '../../conversation/apiView.js';
import type { Edit } from '../../edit/types.js';
import { type ViewIndex, viewIndex } from '../kit/blocks.js';
import { internedCount, internedString } from '../../transcript/intern.js';
import { defineRule } from '../kit/define.js';
import { largestToSave } from '../kit/largest.js';
import { replaceBlock, setField } from '../kit/fixes.js';
import type { Fix, RuleContext } from '../types.js';
import { MAX_REQUEST_BYTES, requestBytes } from './shared.js';

const OUTPUT_STUB = '[output removed by ccmend to fit the request size limit]';
const IMAGE_STUB = { type: 'text', text: '[image removed by ccmend]' };
/** What a stubbed result still sends: the block but its id's JSON (a result with no id sends no field). */
const STUBBED_RESULT = JSON.stringify({ type: 'tool_result', tool_use_id: '', content: OUTPUT_STUB }).length - 2;
const STUBBED_RESULT_NO_ID = JSON.stringify({ type: 'tool_result', content: OUTPUT_STUB }).length;
const STUBBED_IMAGE = JSON.stringify(IMAGE_STUB).length;

/** A string JSON.stringify writes as itself between quotes: no quote, backslash, control character or surrogate. */
const PLAIN = /^[ !#-[\]-\ud7ff\ue000-\uffff]*$/;

/**
 * The JSON length of each interned tool id asked about, by id (0: not asked yet). Every pass of
 * every generation asks for the same ids: read from here, in send order, a long session's hundreds
 * of thousands of results are not reached again.
 */
let idJsonLengths = new Uint32Array(0);

/** What a stubbed result answering the interned tool id `tid` sends (-1: a result with no id). */
function stubbedResult(tid: number): number {
  if (tid < 0) return STUBBED_RESULT_NO_ID;
  if (tid >= idJsonLengths.length) {
    const grown = new Uint32Array(Math.max(internedCount(), tid + 1));
    grown.set(idJsonLengths);
    idJsonLengths = grown;
  }
  if (!idJsonLengths[tid]) {
    const id = internedString(tid);
    idJsonLengths[tid] = PLAIN.test(id) ? id.length + 2 : JSON.stringify(id).length;
  }
  return STUBBED_RESULT + idJsonLengths[tid]!;
}

/** The tool results and images of a view, in send order: the blocks stubbing can shrink. */
function stubbable(ix: ViewIndex): { blocks: ViewBlock[]; sent: Float64Array; stubbed: Float64Array } {
  const results = ix.ofType('tool_result');
  const images = ix.ofType('image');
  const n = results.blocks.length + images.blocks.length;
  const blocks = new Array<ViewBlock>(n);
  const sent = new Float64Array(n);
  const stubbed = new Float64Array(n);
  // The two lists merged by message and slot.
  for (let r = 0, i = 0, k = 0; k < n; k++) {
    const fromResults =
      i === images.blocks.length ||
      (r < results.blocks.length &&
        (results.message[r]! < images.message[i]! || (results.message[r] === images.message[i] && results.slot[r]! < images.slot[i]!)));
    const from = fromResults ? results : images;
    const at = fromResults ? r++ : i++;
    blocks[k] = from.blocks[at]!;
    sent[k] = from.sent[at]!;
    // A result's tid is its tool_use_id's (see internIds).
    stubbed[k] = fromResults ? stubbedResult(results.tid[at]!) : STUBBED_IMAGE;
  }
  return { blocks, sent, stubbed };
}

/**
 * The fix that stubs the biggest tool results and images (of equal sizes, the
 * one sent first) until the request fits, if stubbing can make it fit. Its
 * edits are made when first read, once (the editor knows an edit it applied
 * by its list): a fix is applied rarely, and a long session needs thousands.
 */
function stubBiggest(ctx: RuleContext, ix: ViewIndex, excess: number): Fix | undefined {
  const { blocks, sent, stubbed } = stubbable(ix);
  const { order, fits } = largestToSave(sent, stubbed, excess);
  if (!fits) return undefined;
  let edits: Edit[] | undefined;
  return {
    label: `replace the ${order.length} largest tool outputs/images with a note`,
    // Lossy, so never automatic.
    safe: false,
    get edits() {
      edits ??= Array.from(order, (k) => {
        const b = blocks[k]!;
        return b.info.type === 'image' ? replaceBlock(ctx, b, IMAGE_STUB) : setField(ctx, b, ['content'], OUTPUT_STUB);
      });
      return edits;
    },
  };
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
  const stub = stubBiggest(ctx, ix, sent - MAX_REQUEST_BYTES);
  report({
    at: { pos: messages[messages.length - 1]!.lines.at(-1)! },
    severity: 'error',
    message: `the request would be over ${(sent / 1024 / 1024).toFixed(1)} MB; the API accepts at most 32 MB; the largest: ${named(ctx.doc, ctx.view, largestSent(ix, 3), 'bytes').names}`,
    apiError: 'HTTP 413 request_too_large: Request exceeds the maximum allowed number of bytes',
    // Offered only if stubbing outputs can make it fit (it cannot when the bulk is, say, a tool's input).
    fixes: stub ? [stub] : [],
  });
});
