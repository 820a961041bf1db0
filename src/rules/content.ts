import type { ImageRef } from '../transcript/lineInfo.js';
import { diag } from './diagnostic.js';
import type { Diagnostic, Fix, Rule, RuleContext } from './types.js';

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
    ctx.view.messages.forEach((m, i) => {
      for (const pos of m.lines) {
        const line = ctx.doc.lines[pos]!;
        if (!line.info.loneSurrogates.length) continue;
        out.push(
          diag(
            ctx,
            this.id,
            'error',
            { pos, turn: i },
            `unpaired UTF-16 surrogate in ${line.info.loneSurrogates.map((p) => p.join('.')).join(', ')}`,
            'The request body is not valid JSON: no low surrogate in string',
            [{ label: 'replace each unpaired surrogate with U+FFFD', safe: true, edits: [{ op: 'repair-surrogates', key: line.key }] }],
          ),
        );
      }
    });
    return out;
  },
};

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
    ctx.view.messages.forEach((m, i) => {
      for (const b of m.blocks) {
        for (const img of b.info.images) {
          if (img.bytes <= MAX_IMAGE_BYTES) continue;
          out.push(
            diag(ctx, this.id, 'error', { pos: b.pos, turn: i, block: b.index }, `image too large (${describe(img)})`, `messages.${i}: image exceeds 5 MB maximum: ${img.bytes} bytes > ${MAX_IMAGE_BYTES} bytes`, [
              stubFix(ctx, b.pos, img),
            ]),
          );
        }
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
    const all = ctx.view.messages.flatMap((m, i) => m.blocks.flatMap((b) => b.info.images.map((img) => ({ img, b, i }))));
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
          `messages.${i}: At least one of the image dimensions exceed max allowed size${limit === MAX_MANY_IMAGE_PX ? ' for many-image requests' : ''}: ${limit} pixels`,
          [stubFix(ctx, b.pos, img)],
        ),
      );
    }
    return out;
  },
};

const requestTooLarge: Rule = {
  id: 'request-too-large',
  description: 'the rebuilt request is over 32 MB',
  scope: 'view',
  check(ctx) {
    const lines = ctx.view.messages.flatMap((m) => m.lines);
    const total = lines.reduce((n, p) => n + ctx.doc.lines[p]!.info.bytes, 0);
    if (total <= MAX_REQUEST_BYTES) return [];
    // Stub the biggest tool results and images until the request fits: lossy, so never automatic.
    const blocks = ctx.view.messages
      .flatMap((m) => m.blocks)
      .filter((b) => b.info.type === 'tool_result' || b.info.type === 'image')
      .sort((a, b) => ctx.doc.lines[b.pos]!.info.bytes - ctx.doc.lines[a.pos]!.info.bytes);
    const edits: Fix['edits'][number][] = [];
    let excess = total - MAX_REQUEST_BYTES;
    for (const b of blocks) {
      if (excess <= 0) break;
      const stub = b.info.type === 'image' ? { type: 'text', text: '[image removed by ccmend]' } : '[output removed by ccmend to fit the request size limit]';
      edits.push({ op: 'set', key: ctx.doc.lines[b.pos]!.key, path: b.info.type === 'image' ? b.info.path : [...b.info.path, 'content'], value: stub });
      excess -= ctx.doc.lines[b.pos]!.info.bytes;
    }
    return [
      diag(
        ctx,
        this.id,
        'error',
        { pos: lines[lines.length - 1]! },
        `the request would be ${(total / 1024 / 1024).toFixed(1)} MB; the API accepts at most 32 MB`,
        'HTTP 413 request_too_large: Request exceeds the maximum allowed number of bytes',
        [{ label: `replace the ${edits.length} largest tool outputs/images with a note`, safe: false, edits }],
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
