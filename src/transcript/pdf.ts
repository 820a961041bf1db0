/** What a document block is, read at load: its type, size and, for a base64 PDF, whether it is one and its pages. */
export interface DocumentFacts {
  mediaType: string;
  bytes: number;
  /** Its title, or the file it was read from, when the block says. */
  title?: string;
  /** For a base64 PDF: whether its bytes look like a whole PDF (a header and an end-of-file marker). */
  validPdf?: boolean;
  /**
   * Pages counted from its page objects. A PDF that keeps them in compressed
   * object streams shows none here: then the count is unknown, never too high.
   */
  pages?: number;
}

const PAGE_OBJECT = /\/Type\s*\/Page(?![a-zA-Z])/g;

/** Facts of a document block's `source`, or undefined when it has none that ccmend reads. */
export function documentFacts(source: unknown, title: unknown): DocumentFacts | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const s = source as { type?: unknown; media_type?: unknown; data?: unknown };
  if (typeof s.data !== 'string') return undefined;
  const mediaType = typeof s.media_type === 'string' ? s.media_type : 'unknown';
  const facts: DocumentFacts = { mediaType, bytes: s.data.length };
  if (typeof title === 'string') facts.title = title;
  if (s.type === 'base64' && mediaType === 'application/pdf') {
    // latin1 keeps one character per byte, so the markers are found where they are.
    const bytes = Buffer.from(s.data, 'base64');
    const text = bytes.toString('latin1');
    facts.bytes = bytes.length;
    facts.validPdf = text.slice(0, 1024).includes('%PDF-') && text.lastIndexOf('%%EOF') > 0;
    const pages = text.match(PAGE_OBJECT)?.length ?? 0;
    if (pages) facts.pages = pages;
  }
  return facts;
}
