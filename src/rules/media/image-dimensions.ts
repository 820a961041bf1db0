import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { imageApiPath, stubImage } from './shared.js';

const MAX_IMAGE_PX = 8000;
const MANY_IMAGES = 20;
const MAX_MANY_IMAGE_PX = 2000;

export default defineRule(
  { id: 'image-dimensions', description: 'an image over 8000 px, or over 2000 px in a request with more than 20 images' },
  (ctx, report) => {
    const all = viewIndex(ctx.view).withImages.blocks.flatMap((b) => b.info.images.map((img) => ({ img, b })));
    const many = all.length > MANY_IMAGES;
    const limit = many ? MAX_MANY_IMAGE_PX : MAX_IMAGE_PX;
    for (const { img, b } of all) {
      if (!img.width || Math.max(img.width, img.height ?? 0) <= limit) continue;
      report({
        at: b,
        severity: 'error',
        message: `image is ${img.width}×${img.height} px; the limit is ${limit} px${many ? ` when a request has more than ${MANY_IMAGES} images` : ''}`,
        apiError: `${imageApiPath(ctx, b, img)}.data: At least one of the image dimensions exceed max allowed size${many ? ' for many-image requests' : ''}: ${limit} pixels`,
        fixes: [stubImage(ctx, b, img)],
      });
    }
  },
);
