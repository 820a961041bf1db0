import { base64Length } from '../../transcript/image.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { describeImage, imageApiPath, stubImage } from './shared.js';

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export default defineRule({ id: 'image-too-large', description: 'an image over 5 MB' }, (ctx, report) => {
  for (const b of viewIndex(ctx.view).withImages.blocks) {
    for (const img of b.info.images) {
      const size = base64Length(img);
      if (size <= MAX_IMAGE_BYTES) continue;
      report({
        at: b,
        severity: 'error',
        message: `image too large (${describeImage(img)}; ${size} bytes as base64)`,
        apiError: `${imageApiPath(ctx, b, img)}: image exceeds 5 MB maximum: ${size} bytes > ${MAX_IMAGE_BYTES} bytes`,
        fixes: [stubImage(ctx, b, img)],
      });
    }
  }
});
