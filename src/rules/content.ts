import type { ViewBlock } from '../conversation/apiView.js';
import { base64Length } from '../transcript/image.js';
import type { ImageRef } from '../transcript/lineInfo.js';
import { apiPath, diag } from './diagnostic.js';
import type { Diagnostic, Edit, Fix, Rule, RuleContext } from './types.js';
import { type ViewIndex, viewIndex } from './viewIndex.js';

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGE_PX = 8000;
export const MANY_IMAGES = 20;
export const MAX_MANY_IMAGE_PX = 2000;
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
export const MAX_MESSAGES = 100_000;

const loneSurrogate: Rule = {
  id: 'lone-surrogate',
  description: 'an unpaired UTF-16 surrogate in a string',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    // Indexed loops: this reads every line sent, and an iterator per message added up on a long session.
    for (let i = 0; i < messages.length; i++) {
      const lines = messages[i]!.lines;
      for (let j = 0; j < lines.length; j++) {
        const pos = lines[j]!;
        const line = ctx.doc.lines[pos]!;
        if (!line.info.loneSurrogates.length) continue;
        // The API's JSON parser names the first bad unit: a high one with no low after it, or a low one alone.
        const what = line.info.firstLoneSurrogate === 'low' ? 'invalid high surrogate in string' : 'no low surrogate in string';
        out.push(
          diag(
            ctx,
            this.id,
            'error',
            { pos, turn: i },
            `unpaired UTF-16 surrogate in ${line.info.loneSurrogates.map((p) => p.join('.')).join(', ')}`,
            `The request body is not valid JSON: ${what}`,
            [{ label: 'replace each unpaired surrogate with U+FFFD', safe: true, edits: [{ op: 'repair-surrogates', key: line.key }] }],
          ),
        );
      }
    }
    return out;
  },
};

/** Where the API says an image is: messages.N.content.J[.tool_result.content.K].image.source.base64 */
function imageApiPath(ctx: RuleContext, m: number, vb: ViewBlock, img: ImageRef): string {
  const nested = img.path.length > vb.info.path.length ? `.tool_result.content.${img.path[img.path.length - 1]}` : '';
  return `${apiPath(ctx, m, vb)}${nested}.image.source.base64`;
}

function describe(img: ImageRef): string {
  const mb = (img.bytes / 1024 / 1024).toFixed(1);
  return `${img.mediaType}, ${mb} MB${img.width ? `, ${img.width}×${img.height} px` : ''}`;
}

function stubFix(ctx: RuleContext, pos: number, img: ImageRef): Fix {
  return {
    label: 'replace the image with a text note',
    safe: true,
    edits: [{ op: 'set', key: ctx.doc.lines[pos]!.key, path: img.path, value: { type: 'text', text: `[image removed by ccmend: ${describe(img)}]` } }],
  };
}

const imageLimits: Rule = {
  id: 'image-too-large',
  description: 'an image over 5 MB',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { blocks, message } = viewIndex(ctx.view).withImages;
    blocks.forEach((b, k) => {
      const i = message[k]!;
      for (const img of b.info.images) {
        const size = base64Length(img);
        if (size <= MAX_IMAGE_BYTES) continue;
        const apiError = `${imageApiPath(ctx, i, b, img)}: image exceeds 5 MB maximum: ${size} bytes > ${MAX_IMAGE_BYTES} bytes`;
        out.push(
          diag(ctx, this.id, 'error', { pos: b.pos, turn: i, block: b.index }, `image too large (${describe(img)}; ${size} bytes as base64)`, apiError, [
            stubFix(ctx, b.pos, img),
          ]),
        );
      }
    });
    return out;
  },
};

const imageDimensions: Rule = {
  id: 'image-dimensions',
  description: 'an image over 8000 px, or over 2000 px in a request with more than 20 images',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { blocks, message } = viewIndex(ctx.view).withImages;
    const all = blocks.flatMap((b, k) => b.info.images.map((img) => ({ img, b, i: message[k]! })));
    const limit = all.length > MANY_IMAGES ? MAX_MANY_IMAGE_PX : MAX_IMAGE_PX;
    for (const { img, b, i } of all) {
      if (!img.width || Math.max(img.width, img.height ?? 0) <= limit) continue;
      out.push(
        diag(
          ctx,
          this.id,
          'error',
          { pos: b.pos, turn: i, block: b.index },
          `image is ${img.width}×${img.height} px; the limit is ${limit} px${limit === MAX_MANY_IMAGE_PX ? ` when a request has more than ${MANY_IMAGES} images` : ''}`,
          `${imageApiPath(ctx, i, b, img)}.data: At least one of the image dimensions exceed max allowed size${limit === MAX_MANY_IMAGE_PX ? ' for many-image requests' : ''}: ${limit} pixels`,
          [stubFix(ctx, b.pos, img)],
        ),
      );
    }
    return out;
  },
};

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
    edits.push({ op: 'set', key: ctx.doc.lines[b.pos]!.key, path: image ? b.info.path : [...b.info.path, 'content'], value: stub });
    left -= b.info.sent - JSON.stringify(image ? stub : { type: 'tool_result', tool_use_id: b.info.toolUseId, content: stub }).length;
  }
  return { edits, left };
}

/** `{"role":"assistant","content":[` … `]}` and the separators around a message. */
const MESSAGE_WRAPPER = 36;

const requestTooLarge: Rule = {
  id: 'request-too-large',
  description: 'the rebuilt request is over 32 MB',
  scope: 'view',
  check(ctx) {
    const { messages } = ctx.view;
    const ix = viewIndex(ctx.view);
    // Each block's size in the request body was measured when its line was read (BlockInfo.sent), plus a comma.
    const sent = 2 + messages.length * MESSAGE_WRAPPER + ix.sentBytes + ix.blockCount;
    if (sent <= MAX_REQUEST_BYTES) return [];

    // Stubbing the biggest tool results and images is lossy, so never automatic.
    const { edits, left } = stubBiggest(ctx, ix, sent - MAX_REQUEST_BYTES);
    return [
      diag(
        ctx,
        this.id,
        'error',
        { pos: messages[messages.length - 1]!.lines.at(-1)! },
        `the request would be over ${(sent / 1024 / 1024).toFixed(1)} MB; the API accepts at most 32 MB`,
        'HTTP 413 request_too_large: Request exceeds the maximum allowed number of bytes',
        // Offered only if stubbing outputs can make it fit (it cannot when the bulk is, say, a tool's input).
        left <= 0 ? [{ label: `replace the ${edits.length} largest tool outputs/images with a note`, safe: false, edits }] : [],
      ),
    ];
  },
};

const tooManyMessages: Rule = {
  id: 'too-many-messages',
  description: 'more than 100,000 messages',
  scope: 'view',
  check(ctx) {
    const n = ctx.view.messages.length;
    if (n <= MAX_MESSAGES) return [];
    return [
      diag(
        ctx,
        this.id,
        'error',
        { pos: ctx.view.messages[n - 1]!.lines[0]!, turn: n - 1 },
        `${n} messages; the API accepts at most ${MAX_MESSAGES}: rewind, or start a fresh session from \`ccmend summary\``,
        `messages: too many messages: ${n} > ${MAX_MESSAGES}`,
      ),
    ];
  },
};

export const contentRules: Rule[] = [loneSurrogate, imageLimits, imageDimensions, requestTooLarge, tooManyMessages];
