import type { ApiView, ViewBlock } from '../conversation/apiView.js';
import type { Edit } from '../edit/types.js';
import type { Doc } from '../transcript/document.js';
import { type RecordedOverheads, type Recorded, asLoaded, chooseAnchor, measure, remeasured, totalOf } from './budget.js';
import { type ToolCalls, toolCalls, whatBlockIs } from './contributors.js';
import { blockTokens, estimateTextTokens, toolResultTokens, CALIBRATION } from './estimate.js';
import { formatEstimate } from './format.js';

/*
 * Cutting a request down to a number of tokens: what to replace with a short
 * stub, chosen so that as few blocks as possible go. Tool outputs go first,
 * largest first; then images and documents, oldest first. The user's own
 * words, compaction summaries, the assistant's answers and tool calls, and
 * the last few messages are never cut.
 */

/** Messages at the end of the request that are never cut: the work in progress. */
export const KEEP_LAST_MESSAGES = 6;
/** A cut must spare at least this much, or it is not worth losing the content. */
const MIN_SAVING = 100;

export type CutKind = 'tool output' | 'image' | 'document';

export interface Cut {
  readonly kind: CutKind;
  /** Position of the line, the block's index among the line's blocks, and its message in the view. */
  readonly pos: number;
  readonly block: number;
  readonly message: number;
  /** What was there: the tool and its input with the output's size, or the medium and its size. */
  readonly what: string;
  /** Estimated tokens of what is cut, and of the stub that replaces it. */
  readonly tokens: number;
  readonly stubTokens: number;
  readonly stub: string;
  readonly edit: Edit;
}

export interface FitPlan {
  readonly target: number;
  /** The request's total before and after the cuts. */
  readonly before: number;
  readonly after: number;
  readonly fits: boolean;
  /** The cuts, in the order they were chosen: all those allowed when the request cannot fit. */
  readonly cuts: readonly Cut[];
}

export interface FitOptions {
  readonly target: number;
  readonly keepLast?: number;
  /** The overheads of the document as loaded, when `doc` is an edited version of it. */
  readonly loaded?: RecordedOverheads;
}

const stubText = (what: string, tokens: number) => `[ccmend cut this to fit the context window: ${what}, ≈ ${formatEstimate(tokens)} tokens]`;

function toolOutputCut(doc: Doc, b: ViewBlock, message: number, calls: ToolCalls): Cut {
  const tokens = blockTokens(b.info);
  const stub = stubText(whatBlockIs(b.info, calls), tokens);
  // The result keeps its place, id and error flag: only its content goes.
  const edit: Edit = { op: 'set', key: doc.lines[b.pos]!.key, path: [...b.info.path, 'content'], value: stub };
  return { kind: 'tool output', pos: b.pos, block: b.index, message, what: whatBlockIs(b.info, calls), tokens, stubTokens: toolResultTokens(stub), stub, edit };
}

function mediaCut(doc: Doc, b: ViewBlock, message: number, calls: ToolCalls): Cut {
  const kind: CutKind = b.info.type === 'image' ? 'image' : 'document';
  const tokens = blockTokens(b.info);
  const what = whatBlockIs(b.info, calls);
  const stub = stubText(what, tokens);
  const edit: Edit = { op: 'set', key: doc.lines[b.pos]!.key, path: b.info.path, value: { type: 'text', text: stub } };
  return { kind, pos: b.pos, block: b.index, message, what, tokens, stubTokens: estimateTextTokens(stub) + CALIBRATION.block, stub, edit };
}

/** What may be cut, in the order it is cut. */
function candidates(doc: Doc, view: ApiView, keepLast: number): Cut[] {
  const calls = toolCalls(view);
  const outputs: Cut[] = [];
  const media: Cut[] = [];
  const end = Math.max(0, view.messages.length - keepLast);
  for (let m = 0; m < end; m++) {
    for (const b of view.messages[m]!.blocks) {
      // A block the client makes or replaces when sending has no line of its own to cut.
      if (b.index < 0 || b.replacement !== undefined) continue;
      const t = b.info.type;
      if (t === 'tool_result') outputs.push(toolOutputCut(doc, b, m, calls));
      else if (t === 'image' || t === 'document') media.push(mediaCut(doc, b, m, calls));
    }
  }
  const worth = (c: Cut) => c.tokens - c.stubTokens >= MIN_SAVING;
  // Of equal outputs, the older goes first; the sort is stable and the outputs are in send order.
  return [...outputs.filter(worth).sort((x, y) => y.tokens - x.tokens), ...media.filter(worth)];
}

/**
 * The total after the first `k` cuts. Measured twice, and the larger kept: against the
 * counts' overheads as loaded (exact while the document's history is known), and as a
 * fresh load of the saved file will measure it, where a cut before a count makes that
 * count look stale.
 */
function totalAfter(messages: Float64Array, recorded: readonly Recorded[], loaded: readonly Recorded[], cuts: readonly Cut[], k: number): number {
  const after = messages.slice();
  for (let i = 0; i < k; i++) after[cuts[i]!.message]! -= cuts[i]!.tokens - cuts[i]!.stubTokens;
  const asLoaded = totalOf(after, chooseAnchor(loaded, after));
  const fresh = totalOf(after, chooseAnchor(remeasured(recorded, after), after));
  return Math.max(asLoaded, fresh);
}

/** The fewest cuts, in the order above, that bring the request to `target` tokens or under. */
export function planFit(doc: Doc, view: ApiView, options: FitOptions): FitPlan {
  const { messages, recorded } = measure(doc, view);
  const loaded = options.loaded ? asLoaded(doc, recorded, options.loaded) : recorded;
  const cuts = candidates(doc, view, options.keepLast ?? KEEP_LAST_MESSAGES);
  const total = (k: number) => totalAfter(messages, recorded, loaded, cuts, k);
  const before = total(0);
  const plan = (k: number, after: number): FitPlan => ({ target: options.target, before, after, fits: after <= options.target, cuts: cuts.slice(0, k) });
  if (before <= options.target) return plan(0, before);
  const all = total(cuts.length);
  if (all > options.target) return plan(cuts.length, all);
  // Each cut only lowers the total: the fewest that fit are found by halving.
  let lo = 0;
  let hi = cuts.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (total(mid) <= options.target) hi = mid;
    else lo = mid;
  }
  return plan(hi, total(hi));
}
