import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { imageApiPath, stubImage } from './shared.js';

export default defineRule({ id: 'image-empty', description: 'an image whose base64 data is empty' }, (ctx, report) => {
  for (const b of viewIndex(ctx.view).withImages.blocks) {
    for (const img of b.info.images) {
      if (img.bytes > 0) continue;
      report({
        at: b,
        severity: 'error',
        message: `image (${img.mediaType}) has no data`,
        apiError: `${imageApiPath(ctx, b, img)}: image cannot be empty`,
        fixes: [stubImage(ctx, b, img, 'it was empty')],
      });
    }
  }
});
