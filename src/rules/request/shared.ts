import type { ApiView } from '../../conversation/apiView.js';
import { viewIndex } from '../kit/blocks.js';

/** The largest request body the API takes, and the most messages. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
export const MAX_MESSAGES = 100_000;

/** `{"role":"assistant","content":[` … `]}` and the separators around a message. */
const MESSAGE_WRAPPER = 36;

/** The request body's size: each block's size was measured when its line was read (BlockInfo.sent), plus a comma. */
export function requestBytes(view: ApiView): number {
  const ix = viewIndex(view);
  return 2 + view.messages.length * MESSAGE_WRAPPER + ix.sentBytes + ix.blockCount;
}
