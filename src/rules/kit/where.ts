import type { ViewBlock } from '../../conversation/apiView.js';
import type { LineInfo } from '../../transcript/lineInfo.js';
import type { RuleContext } from '../types.js';

/** A line, by position or as the line of a view block. */
export type LineAt = ViewBlock | number;

/** What was read of a line at load. */
export const infoOf = (ctx: RuleContext, at: LineAt): LineInfo => ctx.doc.lines[typeof at === 'number' ? at : at.pos]!.info;

/**
 * Whether line `b` is `a` written again byte for byte: a writer that repeats a
 * line repeats its uuid, parent and timestamp, and its length gives the rest
 * away. Clients keep one line per uuid, so such a copy is never sent twice.
 */
export const isCopy = (a: LineInfo, b: LineInfo): boolean =>
  a.bytes === b.bytes && a.type === b.type && a.uuid === b.uuid && a.parentUuid === b.parentUuid && a.timestamp === b.timestamp;

/** Index of the message a view block is in. */
export const messageOf = (ctx: RuleContext, vb: ViewBlock): number => ctx.view.messageOf.get(vb.pos)!;

/** Where the API says a view block is: messages.N.content.J, counted in the request this view is. */
export function apiPath(ctx: RuleContext, vb: ViewBlock): string {
  const m = messageOf(ctx, vb);
  return `messages.${m}.content.${ctx.view.messages[m]!.blocks.indexOf(vb)}`;
}

/** Each line's place in the chain (-1: not on it), made once per graph. */
const chainPlaces = new WeakMap<RuleContext['graph'], Int32Array>();

/** The line after `pos` on the chain the client walks, if `pos` is on it and not its end. */
export function nextOnChain(ctx: RuleContext, pos: number): number | undefined {
  let places = chainPlaces.get(ctx.graph);
  if (!places) {
    places = new Int32Array(ctx.doc.lines.length).fill(-1);
    ctx.graph.chain.forEach((p, k) => {
      places![p] = k;
    });
    chainPlaces.set(ctx.graph, places);
  }
  const k = places[pos]!;
  return k < 0 ? undefined : ctx.graph.chain[k + 1];
}
