import type { ViewBlock } from '../../conversation/apiView.js';
import type { LineInfo } from '../../transcript/lineInfo.js';
import type { RuleContext } from '../types.js';

/** A line, by position or as the line of a view block. */
export type LineAt = ViewBlock | number;

/** What was read of a line at load. */
export const infoOf = (ctx: RuleContext, at: LineAt): LineInfo => ctx.doc.lines[typeof at === 'number' ? at : at.pos]!.info;

/** Index of the message a view block is in. */
export const messageOf = (ctx: RuleContext, vb: ViewBlock): number => ctx.view.messageOf.get(vb.pos)!;

/**
 * A whitespace-only text line inside a split assistant response: Claude Code
 * drops such lines when it sends (Opus answers open with "\n\n" lines), so the
 * API never sees them; other clients and strict proxies send them as written.
 */
export function isDroppedWhitespace(ctx: RuleContext, vb: ViewBlock, m = messageOf(ctx, vb)): boolean {
  const msg = ctx.view.messages[m]!;
  if (msg.role !== 'assistant' || vb.info.type !== 'text' || !(vb.info.whitespace || vb.info.empty)) return false;
  return infoOf(ctx, vb).blocks.length === 1 && msg.blocks.length > 1;
}

/**
 * Where the API says a view block is (messages.N.content.J): lines Claude Code
 * drops when sending do not count, except for the dropped block itself (which
 * only other clients send, with every block).
 */
export function apiPath(ctx: RuleContext, vb: ViewBlock): string {
  const m = messageOf(ctx, vb);
  const blocks = ctx.view.messages[m]!.blocks;
  const all = isDroppedWhitespace(ctx, vb, m);
  // Counted in place: this runs for every diagnostic, and a filtered copy of a long message per call adds up.
  let j = 0;
  for (let k = 0; k < blocks.length && blocks[k] !== vb; k++) if (all || !isDroppedWhitespace(ctx, blocks[k]!, m)) j++;
  return `messages.${m}.content.${j}`;
}
