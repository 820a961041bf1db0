import type { ViewBlock } from '../../conversation/apiView.js';
import type { Edit } from '../../edit/types.js';
import { inArray } from '../../transcript/jsonPath.js';
import type { JsonPath } from '../../transcript/lineInfo.js';
import type { Fix, RuleContext } from '../types.js';
import { type LineAt, messageOf } from './where.js';

/*
 * Fix builders. A fix is data: a label and the edits src/edit applies. Edits
 * name lines by key; these take what a rule holds (a view block, or a line's
 * position) and find the key.
 */

/** The stable key of a line. */
export const keyOf = (ctx: RuleContext, at: LineAt): number => ctx.doc.lines[typeof at === 'number' ? at : at.pos]!.key;

/** A fix `fix` applies: it keeps all content that is sent. */
export const safeFix = (label: string, ...edits: Edit[]): Fix => ({ label, safe: true, edits });

export const removeBlock = (ctx: RuleContext, b: ViewBlock): Edit => ({ op: 'remove-block', key: keyOf(ctx, b), path: b.info.path });

/** Sets `path` (inside the line) of a line to `value`. */
export const setAt = (ctx: RuleContext, at: LineAt, path: JsonPath, value: unknown): Edit => ({ op: 'set', key: keyOf(ctx, at), path, value });

/** Sets a field of a block (`field` is a path inside the block). */
export const setField = (ctx: RuleContext, b: ViewBlock, field: JsonPath, value: unknown): Edit => setAt(ctx, b, [...b.info.path, ...field], value);

/** Replaces a block by `value`. */
export const replaceBlock = (ctx: RuleContext, b: ViewBlock, value: unknown): Edit => setAt(ctx, b, b.info.path, value);

/** Moves a block to `toPath` in the line at `to`. */
export const moveBlock = (ctx: RuleContext, b: ViewBlock, to: LineAt, toPath: JsonPath): Edit => ({
  op: 'move-block',
  key: keyOf(ctx, b),
  path: b.info.path,
  toKey: keyOf(ctx, to),
  toPath,
});

/** Inserts a new entry right after the line at `at`. */
export const insertAfter = (ctx: RuleContext, at: LineAt, value: Record<string, unknown>): Edit => ({
  op: 'insert-line',
  afterKey: keyOf(ctx, at),
  value,
});

export const deleteLine = (ctx: RuleContext, at: LineAt): Edit => ({ op: 'delete-line', key: keyOf(ctx, at) });

/** A text block saying `text`, fit for the block's slot: a string slot (string content, an attachment) takes a string. */
const textFor = (b: ViewBlock, text: string): unknown => (inArray(b.info.path) ? { type: 'text', text } : text);

/** Replaces a block by a text block saying `text` (a string, in a string slot). */
export const stubBlock = (ctx: RuleContext, b: ViewBlock, text: string): Edit => replaceBlock(ctx, b, textFor(b, text));

/** Removing a block that is a message's only content would empty the message: replace it instead. */
export function removeOrStub(ctx: RuleContext, b: ViewBlock, stub: string): Fix {
  if (ctx.view.messages[messageOf(ctx, b)]!.blocks.length > 1) return safeFix('remove the block', removeBlock(ctx, b));
  return safeFix(`replace it with "${stub}"`, stubBlock(ctx, b, stub));
}
