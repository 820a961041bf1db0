import type { ViewBlock } from '../../conversation/apiView.js';
import type { Edit } from '../../edit/types.js';
import type { DocumentRef, ImageRef } from '../../transcript/lineInfo.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import type { RuleContext } from '../types.js';
import { stubDocument, stubImage } from './shared.js';

const MAX_MEDIA = 100;

interface Media {
  readonly b: ViewBlock;
  readonly m: number;
  readonly slot: number;
  readonly image?: ImageRef;
  readonly document?: DocumentRef;
  /** What it counts for: an image one, a PDF its pages (at least one). */
  readonly count: number;
}

/** Every image and document of the view, oldest first. */
function mediaOf(ctx: RuleContext): Media[] {
  const ix = viewIndex(ctx.view);
  const out: Media[] = [];
  const { withImages, withDocuments } = ix;
  for (let k = 0; k < withImages.blocks.length; k++) {
    const b = withImages.blocks[k]!;
    for (const image of b.info.images) out.push({ b, m: withImages.message[k]!, slot: withImages.slot[k]!, image, count: 1 });
  }
  for (let k = 0; k < withDocuments.blocks.length; k++) {
    const b = withDocuments.blocks[k]!;
    for (const document of b.info.documents!) {
      const count = document.pages ?? (document.validPdf ? 1 : 0);
      if (count) out.push({ b, m: withDocuments.message[k]!, slot: withDocuments.slot[k]!, document, count });
    }
  }
  const item = (x: Media) => (x.image ?? x.document)!.path.at(-1) as number;
  return out.sort((x, y) => x.m - y.m || x.slot - y.slot || item(x) - item(y));
}

/*
 * The API takes at most 100 images and PDF pages in one request, counted over
 * the whole history: a session that read many screenshots keeps them all, so
 * it fails once it passes 100, and so does /compact.
 */
export default defineRule({ id: 'media-count', description: 'more than 100 images and PDF pages in one request' }, (ctx, report) => {
  const ix = viewIndex(ctx.view);
  if (!ix.withImages.blocks.length && !ix.withDocuments.blocks.length) return;
  const media = mediaOf(ctx);
  let images = 0;
  let pages = 0;
  for (const x of media) {
    if (x.image) images++;
    else pages += x.count;
  }
  if (images + pages <= MAX_MEDIA) return;
  // Stubbing the oldest loses what they showed, so it is offered, never automatic.
  const edits: Edit[] = [];
  let left = images + pages - MAX_MEDIA;
  for (const x of media) {
    if (left <= 0) break;
    const fix = x.image
      ? stubImage(ctx, x.b, x.image, 'one of the oldest of too many images')
      : stubDocument(ctx, x.b, x.document!, 'one of the oldest of too many images and pages');
    edits.push(...fix.edits);
    left -= x.count;
  }
  report({
    at: media[0]!.b,
    severity: 'error',
    message: `the request holds ${images} images and ${pages} PDF pages; the API takes at most ${MAX_MEDIA} in all`,
    apiError: `Too much media: ${pages} document pages + ${images} images > ${MAX_MEDIA}`,
    fixes: [{ label: `replace the ${edits.length} oldest images/documents with a note`, safe: false, edits }],
  });
});
