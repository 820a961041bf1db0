/** Size facts of a base64 image, read from its header without decoding it all. */
export interface ImageFacts {
  mediaType: string;
  bytes: number;
  width?: number;
  height?: number;
  /** The type its bytes say they are (by their magic number), when they are one the API takes. */
  sniffed?: string;
}

/** The media types the API takes for an image. */
export const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** The image type of `head` by its magic number, if it is one the API takes. */
export function sniffImageType(head: Buffer): string | undefined {
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 6 && (head.toString('latin1', 0, 6) === 'GIF87a' || head.toString('latin1', 0, 6) === 'GIF89a')) return 'image/gif';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * The length of an image's base64 data. The API measures an image by its base64
 * text, not its decoded bytes: a 4 MB PNG is rejected (openclaw/openclaw#9598,
 * aws/aws-sdk-js-v3#6785). Exact for padded base64.
 */
export const base64Length = (img: Pick<ImageFacts, 'bytes'>): number => Math.ceil(img.bytes / 3) * 4;

export function base64DecodedLength(data: string): number {
  let pad = 0;
  if (data.endsWith('==')) pad = 2;
  else if (data.endsWith('=')) pad = 1;
  return Math.floor((data.length * 3) / 4) - pad;
}

/** Width and height from a PNG, GIF, WebP or JPEG header; undefined if unknown. */
export function imageDimensions(head: Buffer): { width: number; height: number } | undefined {
  if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47) {
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  if (head.length >= 10 && head.toString('latin1', 0, 3) === 'GIF') {
    return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
  }
  if (head.length >= 30 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') {
    const kind = head.toString('latin1', 12, 16);
    if (kind === 'VP8X') return { width: 1 + head.readUIntLE(24, 3), height: 1 + head.readUIntLE(27, 3) };
    if (kind === 'VP8 ') return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
    if (kind === 'VP8L') {
      const b = head.readUInt32LE(21);
      return { width: (b & 0x3fff) + 1, height: ((b >> 14) & 0x3fff) + 1 };
    }
  }
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) return jpegDimensions(head);
  return undefined;
}

function jpegDimensions(buf: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return undefined;
    const marker = buf[i + 1]!;
    const len = buf.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  return undefined;
}

/** JPEG size markers can sit behind large EXIF blocks, so decode a generous head. */
const HEAD_CHARS = 87384;

export function imageFacts(source: unknown): ImageFacts | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const s = source as { type?: unknown; media_type?: unknown; data?: unknown };
  if (s.type !== 'base64' || typeof s.data !== 'string') return undefined;
  const head = Buffer.from(s.data.slice(0, HEAD_CHARS), 'base64');
  const facts: ImageFacts = {
    mediaType: typeof s.media_type === 'string' ? s.media_type : 'unknown',
    bytes: base64DecodedLength(s.data),
    ...imageDimensions(head),
  };
  const sniffed = sniffImageType(head);
  if (sniffed) facts.sniffed = sniffed;
  return facts;
}
