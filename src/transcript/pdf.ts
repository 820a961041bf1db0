import { base64DecodedLength } from './image.js';
import type { JsonPath } from './lineInfo.js';

/** What a document block holds, read at load: the API counts a PDF by its pages, a text document by its text. */
export interface DocumentFacts {
  mediaType: string;
  /** Decoded bytes of base64 data; 0 for a text document. */
  bytes: number;
  /** Pages of a PDF, when its page objects can be read. */
  pages?: number;
  /** Characters of a text document's text. */
  chars?: number;
}

export interface DocumentRef extends DocumentFacts {
  /** Path of the document block inside the entry. */
  path: JsonPath;
}

/** A page object (`/Type /Page`, not the `/Type /Pages` tree node above them). */
const PAGE_OBJECT = /\/Type\s*\/Page(?![a-zA-Z])/g;
/** The page count a page tree node states (`/Count 12`). */
const PAGE_COUNT = /\/Count\s+(\d+)/g;

/**
 * Pages of a PDF: its page objects, or, when those sit in compressed object
 * streams, the largest count a page tree node states; undefined when neither is
 * readable (the estimate then goes by size).
 */
export function pdfPages(pdf: Buffer): number | undefined {
  const text = pdf.toString('latin1');
  const objects = text.match(PAGE_OBJECT)?.length ?? 0;
  if (objects) return objects;
  let stated = 0;
  for (const m of text.matchAll(PAGE_COUNT)) stated = Math.max(stated, Number(m[1]));
  return stated || undefined;
}

function textOf(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const c of content) if (c && typeof c === 'object' && typeof (c as { text?: unknown }).text === 'string') chars += (c as { text: string }).text.length;
  return chars;
}

/** Facts of a document block's `source`; undefined when it is not one the API reads from the request itself (a URL, a file id). */
export function documentFacts(source: unknown): DocumentFacts | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const s = source as { type?: unknown; media_type?: unknown; data?: unknown; content?: unknown };
  const mediaType = typeof s.media_type === 'string' ? s.media_type : 'unknown';
  if (s.type === 'base64' && typeof s.data === 'string') {
    const facts: DocumentFacts = { mediaType, bytes: base64DecodedLength(s.data) };
    if (mediaType === 'application/pdf') {
      const pages = pdfPages(Buffer.from(s.data, 'base64'));
      if (pages !== undefined) facts.pages = pages;
    }
    return facts;
  }
  if (s.type === 'text' && typeof s.data === 'string') return { mediaType: 'text/plain', bytes: 0, chars: s.data.length };
  if (s.type === 'content') return { mediaType: 'text/plain', bytes: 0, chars: textOf(s.content) };
  return undefined;
}
