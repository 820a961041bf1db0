import type { BlockInfo, DocumentRef, ImageRef } from '../transcript/lineInfo.js';

/**
 * Tokens per unit of each kind of content, fitted (least squares, then
 * rounded) to the API's own counts in real transcripts: the growth of the
 * recorded request between two responses against what was added in between.
 * `scripts/calibrate-budget.mjs` prints the fit and the per-turn comparison on
 * any set of transcripts, to refit on new data.
 */
export const CALIBRATION = {
  /**
   * Per character of text (prompts, answers, attachments, compaction
   * summaries). Text is a small part of what the fixtures' counts grew by, too
   * little to fit: this is the usual 3.3 characters a token of English and code.
   */
  text: 0.3,
  /** Per character of a tool result's text: code, logs and paths split into more tokens than prose. */
  toolResult: 0.34,
  /** Per byte of a tool call as JSON (its input, id and name). */
  json: 0.34,
  /**
   * Per character of thinking. A transcript holds the summary the API returned,
   * while the API counts the thinking behind it when it is sent back.
   */
  thinking: 0.7,
  /** Framing of each content block (type, ids, separators). */
  block: 3,
  /** Framing of each message (role, turn markers). */
  message: 10,
} as const;

/** Images are scaled to at most this long edge and this many pixels, then cost a token per 750 pixels. */
const IMAGE_MAX_EDGE = 1568;
const IMAGE_MAX_PIXELS = 1_200_000;
const PIXELS_PER_TOKEN = 750;
/** An image whose size could not be read costs what the largest image costs. */
const IMAGE_MAX_TOKENS = Math.ceil(IMAGE_MAX_PIXELS / PIXELS_PER_TOKEN);
/**
 * A PDF page is sent as an image of the page and as its text. The image is
 * scaled to the vision limit, so it costs what the largest image costs.
 */
const PDF_PAGE_IMAGE_TOKENS = IMAGE_MAX_TOKENS;
/** A page whose text could not be read counts as a page of dense text: about 2,500 characters. */
const PDF_UNREAD_PAGE_TEXT_TOKENS = 750;
/** When a PDF's pages cannot be counted: about this many bytes a page. */
const PDF_BYTES_PER_PAGE = 60_000;

export function imageTokens(img: Pick<ImageRef, 'width' | 'height'>): number {
  const { width: w, height: h } = img;
  if (!w || !h) return IMAGE_MAX_TOKENS;
  const scale = Math.min(1, IMAGE_MAX_EDGE / Math.max(w, h), Math.sqrt(IMAGE_MAX_PIXELS / (w * h)));
  return Math.ceil((w * scale * (h * scale)) / PIXELS_PER_TOKEN);
}

/**
 * A PDF by its pages (or its size, when they cannot be counted) and the text
 * they show; any other document by its text.
 */
export function documentTokens(d: DocumentRef): number {
  if (d.mediaType !== 'application/pdf') return Math.ceil(d.bytes * CALIBRATION.text);
  const pages = d.pages ?? Math.max(1, Math.round(d.bytes / PDF_BYTES_PER_PAGE));
  const text = d.textChars === undefined ? pages * PDF_UNREAD_PAGE_TEXT_TOKENS : Math.ceil(d.textChars * CALIBRATION.text);
  return pages * PDF_PAGE_IMAGE_TOKENS + text;
}

/** The tokens a text costs when sent: for estimates elsewhere (a hand-off summary's size, say). */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length * CALIBRATION.text);
}

function mediaTokens(info: BlockInfo): number {
  let n = 0;
  for (const img of info.images) n += imageTokens(img);
  if (info.documents) for (const d of info.documents) n += documentTokens(d);
  return n;
}

/**
 * The estimated tokens of one block of the request, from what was measured
 * when its line was read: no line is read again, so a whole request is
 * estimated in a pass over its blocks.
 */
export function blockTokens(info: BlockInfo): number {
  switch (info.type) {
    case 'text':
      return Math.ceil(info.chars * CALIBRATION.text) + CALIBRATION.block;
    case 'thinking':
      return Math.ceil(info.chars * CALIBRATION.thinking) + CALIBRATION.block;
    case 'tool_result':
      return Math.ceil(info.chars * CALIBRATION.toolResult) + mediaTokens(info) + CALIBRATION.block;
    case 'image':
      return (info.images.length ? mediaTokens(info) : IMAGE_MAX_TOKENS) + CALIBRATION.block;
    case 'document':
      return mediaTokens(info) + CALIBRATION.block;
    default:
      return Math.ceil(info.sent * CALIBRATION.json) + CALIBRATION.block;
  }
}

/** The tokens a tool result would cost with `text` as its whole content. */
export function toolResultTokens(text: string): number {
  return Math.ceil(text.length * CALIBRATION.toolResult) + CALIBRATION.block;
}
