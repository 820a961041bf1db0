import type { ViewBlock } from '../../conversation/apiView.js';
import type { DocumentRef, ImageRef } from '../../transcript/lineInfo.js';
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

/** Replaces the image (a block, or an item of a tool result's content) with a text note saying what it was, and why it went. */
export function stubImage(ctx: RuleContext, vb: ViewBlock, img: ImageRef, why?: string): Fix {
  const text = `[image removed by ccmend: ${describeImage(img)}${why ? `; ${why}` : ''}]`;
  return safeFix('replace the image with a text note', setAt(ctx, vb, img.path, { type: 'text', text }));
}

/** Where the API says a PDF is: messages.N.content.J[.tool_result.content.K].pdf.source.base64.data */
export function pdfApiPath(ctx: RuleContext, vb: ViewBlock, doc: DocumentRef): string {
  const nested = doc.path.length > vb.info.path.length ? `.tool_result.content.${doc.path[doc.path.length - 1]}` : '';
  return `${apiPath(ctx, vb)}${nested}.pdf.source.base64.data`;
}

export function describeDocument(doc: DocumentRef): string {
  const kb = doc.bytes / 1024;
  const size = kb < 1024 ? `${kb.toFixed(1)} KB` : `${(kb / 1024).toFixed(1)} MB`;
  const pages = doc.pages && doc.validPdf ? `, ${doc.pages} page${doc.pages === 1 ? '' : 's'}` : '';
  return `${doc.title ? `${doc.title}, ` : ''}${doc.mediaType}, ${size}${pages}`;
}

/** Replaces a document (a block, or an item of a tool result's content) with a text note saying what it was, and why it went. */
export function stubDocument(ctx: RuleContext, vb: ViewBlock, doc: DocumentRef, why: string): Fix {
  const text = `[document removed by ccmend: ${describeDocument(doc)}; ${why}]`;
  return safeFix('replace the document with a text note', setAt(ctx, vb, doc.path, { type: 'text', text }));
}
