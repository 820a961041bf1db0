import type { ViewBlock } from '../../conversation/apiView.js';
import type { ImageRef } from '../../transcript/lineInfo.js';
import { safeFix, setAt } from '../kit/fixes.js';
import { apiPath } from '../kit/where.js';
import type { Fix, RuleContext } from '../types.js';

/** Where the API says an image is: messages.N.content.J[.tool_result.content.K].image.source.base64 */
export function imageApiPath(ctx: RuleContext, vb: ViewBlock, img: ImageRef): string {
  const nested = img.path.length > vb.info.path.length ? `.tool_result.content.${img.path[img.path.length - 1]}` : '';
  return `${apiPath(ctx, vb)}${nested}.image.source.base64`;
}

export function describeImage(img: ImageRef): string {
  const mb = (img.bytes / 1024 / 1024).toFixed(1);
  return `${img.mediaType}, ${mb} MB${img.width ? `, ${img.width}×${img.height} px` : ''}`;
}

/** Replaces the image (a block, or an item of a tool result's content) with a text note saying what it was. */
export function stubImage(ctx: RuleContext, vb: ViewBlock, img: ImageRef): Fix {
  return safeFix('replace the image with a text note', setAt(ctx, vb, img.path, { type: 'text', text: `[image removed by ccmend: ${describeImage(img)}]` }));
}
