import type { ApiView, ViewBlock, ViewMessage } from '../../conversation/apiView.js';
import { internedCount } from '../../transcript/intern.js';
import { type Blocks, perView, viewIndex } from './blocks.js';

/*
 * How a view's tool calls and results pair. Only an assistant's tool_use and
 * a user's tool_result take part. The pairing rules compare tool ids across
 * messages; each id is a string of its own somewhere on a large heap, and
 * reading them in every rule would be most of those rules' time on a long
 * session. So the ids are numbered once per view and compared as small
 * numbers in dense arrays; the numbering starts from the ids interned at load
 * (BlockInfo.tid, as the view index copied it), so it reads no string and no
 * block. The blocks themselves are read for reports.
 *
 * The API merges consecutive messages of one role before it pairs tool calls
 * (a response split in two, say by a line that lost its message.id, is still
 * one assistant turn), so pairing looks across a run of assistant messages.
 * Strict providers reject the run itself: that is role-alternation's report.
 */

/** A set of id numbers that `clear` empties at no cost, so a method can fill one per message. */
class IdSet {
  private readonly stamp: Int32Array;
  private current = 1;

  constructor(count: number) {
    this.stamp = new Int32Array(count);
  }

  clear(): this {
    this.current++;
    return this;
  }

  add(id: number): void {
    if (id >= 0) this.stamp[id] = this.current;
  }

  has(id: number): boolean {
    return id >= 0 && this.stamp[id] === this.current;
  }
}

const NONE: readonly ViewBlock[] = [];

/** A tool_use whose id an earlier tool_use of the view already has. */
export interface RepeatedCall {
  readonly call: ViewBlock;
  readonly message: number;
  /** The earlier call, and its message. */
  readonly first: ViewBlock;
  readonly firstMessage: number;
}

export class ToolPairs {
  private readonly messages: readonly ViewMessage[];
  private readonly uses: Blocks;
  private readonly results: Blocks;
  /** Per use, the number of its `id`; per result, of its `tool_use_id`. Equal ids get equal numbers; -1 is no id. */
  private readonly useId: Int32Array;
  private readonly resultId: Int32Array;
  /** How many different ids there are (numbers run from 0 to count - 1). */
  private readonly count: number;
  private readonly scratch: IdSet;

  constructor(view: ApiView) {
    const ix = viewIndex(view);
    this.messages = view.messages;
    this.uses = ix.ofType('tool_use');
    this.results = ix.ofType('tool_result');
    // Interned id -> its number here (-1: not seen yet).
    const numbers = new Int32Array(internedCount()).fill(-1);
    let count = 0;
    const number = (tid: number) => {
      if (tid < 0) return -1;
      const n = numbers[tid]!;
      return n >= 0 ? n : (numbers[tid] = count++);
    };
    const { uses, results } = this;
    this.useId = new Int32Array(uses.blocks.length);
    for (let k = 0; k < this.useId.length; k++) this.useId[k] = number(uses.tid[k]!);
    this.resultId = new Int32Array(results.blocks.length);
    for (let k = 0; k < this.resultId.length; k++) this.resultId[k] = number(results.tid[k]!);
    this.count = count;
    this.scratch = new IdSet(count);
  }

  private isUser(i: number): boolean {
    return this.messages[i]?.role === 'user';
  }

  private isAssistant(i: number): boolean {
    return this.messages[i]?.role === 'assistant';
  }

  /** Index of the message that answers assistant message `i`: the first after its run of assistant messages (maybe past the end). */
  answerOf(i: number): number {
    let j = i + 1;
    while (this.isAssistant(j)) j++;
    return j;
  }

  /** Index of the first message of the run of assistant messages just before message `i` (`i` if there is none). */
  runBefore(i: number): number {
    let k = i;
    while (k > 0 && this.isAssistant(k - 1)) k--;
    return k;
  }

  /** The tool calls of message `i` (none unless it is an assistant's). */
  callsIn(i: number): ViewBlock[] {
    return this.isAssistant(i) ? this.uses.in(i) : [];
  }

  hasCalls(i: number): boolean {
    return this.isAssistant(i) && this.uses.countIn(i) > 0;
  }

  /** The tool calls of the run of assistant messages just before message `i`: those its results answer. */
  callsBefore(i: number): ViewBlock[] {
    return this.uses.between(this.runBefore(i), i);
  }

  /** The tool results of message `i` (none unless it is a user's). */
  resultsOf(i: number): ViewBlock[] {
    return this.isUser(i) ? this.results.in(i) : [];
  }

  hasResults(i: number): boolean {
    return this.isUser(i) && this.results.countIn(i) > 0;
  }

  /** The calls of assistant message `i` with an id that the message answering it has no result for. */
  unansweredCalls(i: number): readonly ViewBlock[] {
    const { uses, results, useId, resultId } = this;
    const answered = this.scratch.clear();
    const next = this.answerOf(i);
    if (this.isUser(next)) for (let k = results.start[next]!; k < results.start[next + 1]!; k++) answered.add(resultId[k]!);
    let out: ViewBlock[] | undefined;
    for (let k = uses.start[i]!; k < uses.start[i + 1]!; k++) if (useId[k]! >= 0 && !answered.has(useId[k]!)) (out ??= []).push(uses.blocks[k]!);
    return out ?? NONE;
  }

  /** The results of user message `i` that answer no call of the run of assistant messages before it (an id-less one included). */
  orphanResults(i: number): readonly ViewBlock[] {
    if (!this.isUser(i)) return NONE;
    const { uses, results, useId, resultId } = this;
    const called = this.scratch.clear();
    for (let k = uses.start[this.runBefore(i)]!; k < uses.start[i]!; k++) called.add(useId[k]!);
    let out: ViewBlock[] | undefined;
    for (let k = results.start[i]!; k < results.start[i + 1]!; k++) if (!called.has(resultId[k]!)) (out ??= []).push(results.blocks[k]!);
    return out ?? NONE;
  }

  /** The results of user message `i` whose id an earlier result of the same message already answers. */
  repeatedResults(i: number): readonly ViewBlock[] {
    if (!this.isUser(i)) return NONE;
    const { results, resultId } = this;
    const seen = this.scratch.clear();
    let out: ViewBlock[] | undefined;
    for (let k = results.start[i]!; k < results.start[i + 1]!; k++) {
      const n = resultId[k]!;
      if (n < 0) continue;
      if (seen.has(n)) (out ??= []).push(results.blocks[k]!);
      else seen.add(n);
    }
    return out ?? NONE;
  }

  /** Assistant tool calls whose id an earlier assistant call already has, in send order. */
  repeatedCalls(): RepeatedCall[] {
    const { uses, useId } = this;
    // By id number, the first call with it (-1: none yet).
    const firstUse = new Int32Array(this.count).fill(-1);
    const out: RepeatedCall[] = [];
    for (let k = 0; k < useId.length; k++) {
      const n = useId[k]!;
      const message = uses.message[k]!;
      if (n < 0 || !this.isAssistant(message)) continue;
      const f = firstUse[n]!;
      if (f < 0) firstUse[n] = k;
      else out.push({ call: uses.blocks[k]!, message, first: uses.blocks[f]!, firstMessage: uses.message[f]! });
    }
    return out;
  }
}

/** The tool pairing of a view, made once per view. */
export const toolPairs = perView((view) => new ToolPairs(view));
