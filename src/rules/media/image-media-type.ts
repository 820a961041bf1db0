import { IMAGE_TYPES } from '../../transcript/image.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { safeFix, setAt } from '../kit/fixes.js';
import { describeImage, imageApiPath, stubImage } from './shared.js';

const TYPE_LIST = "'image/jpeg', 'image/png', 'image/gif' or 'image/webp'";

/*
 * An image's media_type must be one the API takes and must say what its bytes
 * are: JPEG bytes labelled PNG (a screenshot tool's wrong extension) or an SVG
 * from an MCP tool are rejected, in a prompt or inside a tool result. When the
 * bytes are an image the API takes, the label is corrected and the image kept.
 */
export default defineRule(
  { id: 'image-media-type', description: 'an image whose media_type is not JPEG, PNG, GIF or WebP, or not what its bytes are' },
  (ctx, report) => {
    for (const b of viewIndex(ctx.view).withImages.blocks) {
      for (const img of b.info.images) {
        if (!img.bytes) continue;
        const supported = IMAGE_TYPES.includes(img.mediaType);
        if (supported && (img.sniffed === undefined || img.sniffed === img.mediaType)) continue;
        const relabel =
          img.sniffed === undefined
            ? undefined
            : safeFix(`set its media_type to ${img.sniffed}, what its bytes are`, setAt(ctx, b, [...img.path, 'source', 'media_type'], img.sniffed));
        if (!supported) {
          const absent = img.mediaType === 'unknown';
          report({
            at: b,
            severity: 'error',
            message: absent ? 'image has no media_type' : `image media_type ${img.mediaType} is not one the API takes (${describeImage(img)})`,
            apiError: `${imageApiPath(ctx, b, img)}.media_type: ${absent ? 'Field required' : `Input should be ${TYPE_LIST}`}`,
            fixes: [relabel ?? stubImage(ctx, b, img, `the API takes only JPEG, PNG, GIF and WebP images`)],
          });
          continue;
        }
        report({
          at: b,
          severity: 'error',
          message: `image is labelled ${img.mediaType} but its bytes are ${img.sniffed}`,
          apiError: `${imageApiPath(ctx, b, img)}.data: Image does not match the provided media type ${img.mediaType}`,
          fixes: [relabel!],
        });
      }
    }
  },
);
