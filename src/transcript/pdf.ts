import { inflateSync } from 'node:zlib';

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
  /**
   * Characters its pages show as text, read from its content streams (plain
   * or Flate-compressed). Undefined when a stream could not be read: then how
   * much text it holds is unknown.
   */
  textChars?: number;
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
    const shown = shownTextChars(bytes, text);
    if (shown !== undefined) facts.textChars = shown;
  }
  return facts;
}

const STREAM = /<<((?:[^<>]|<<(?:[^<>]|<[^<>]*>)*>>|<[^<>]*>)*)>>\s*stream\r?\n/g;
/** Streams that hold no page text: images, embedded fonts, object and cross-reference streams, metadata. */
const NOT_CONTENT = /\/(?:Subtype\s*\/(?:Image|Type1C|CIDFontType0C|OpenType)|Type\s*\/(?:ObjStm|XRef|Metadata)|Length[123])(?![a-zA-Z])/;
const FILTER = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/;
/** Operands of the text-showing operators: literal strings `(…)` and hex strings `<…>`. */
const SHOWN_STRING = /\((?:\\[\s\S]|[^\\)])*\)|<[0-9A-Fa-f\s]*>/g;
const TEXT_OBJECT = /\bBT\b([\s\S]*?)\bET\b/g;

/**
 * The characters a PDF's content streams show, or undefined when one of its
 * streams is compressed in a way ccmend does not read. The API counts a
 * page's text beside the image it makes of the page, so this is what the
 * text part of a PDF's tokens follows.
 */
function shownTextChars(bytes: Buffer, text: string): number | undefined {
  let chars = 0;
  for (const m of text.matchAll(STREAM)) {
    const dict = m[1]!;
    if (NOT_CONTENT.test(dict)) continue;
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) return undefined;
    const filter = FILTER.exec(dict)?.[1]?.replace(/[[\]\s]/g, '');
    let content: string;
    if (!filter) content = text.slice(start, end);
    else if (filter === '/FlateDecode') {
      try {
        content = inflateSync(bytes.subarray(start, end)).toString('latin1');
      } catch {
        return undefined;
      }
    } else return undefined;
    for (const t of content.matchAll(TEXT_OBJECT)) for (const shown of t[1]!.matchAll(SHOWN_STRING)) chars += stringChars(shown[0]);
  }
  return chars;
}

/** The characters one string operand shows: a literal's characters (an escape is one), a hex string's bytes. */
function stringChars(operand: string): number {
  if (operand.startsWith('<')) return Math.floor(operand.slice(1, -1).replace(/\s/g, '').length / 2);
  return operand.slice(1, -1).replace(/\\(?:[0-7]{1,3}|[\s\S])/g, '_').length;
}
