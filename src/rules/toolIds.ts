import type { ApiView } from '../conversation/apiView.js';
import { internedCount } from '../transcript/intern.js';
import { type Blocks, perView, viewIndex } from './viewIndex.js';

/*
 * The pairing rules compare tool ids across messages. Each id is a string of
 * its own somewhere on a large heap, and reading them again in every rule was
 * most of those rules' time on a long session; numbered once per view, the
 * ids become small numbers the rules compare in dense arrays. The numbering
 * starts from the ids interned at load (BlockInfo.tid), so it reads no string:
 * through a Map of 40k strings it was ~12 ms of every edit on 200 MB.
 */

export interface ToolIds {
  /** The view's tool_use and tool_result blocks (from the view index). */
  readonly uses: Blocks;
  readonly results: Blocks;
  /** Per use, the number of its `id`; per result, of its `tool_use_id`. Equal ids get equal numbers; -1 is no id. */
  readonly useId: Int32Array;
  readonly resultId: Int32Array;
  /** How many different ids there are (numbers run from 0 to count - 1). */
  readonly count: number;
}

function build(view: ApiView): ToolIds {
  const ix = viewIndex(view);
  const uses = ix.ofType('tool_use');
  const results = ix.ofType('tool_result');
  // Interned id -> its number here (-1: not seen yet).
  const numbers = new Int32Array(internedCount()).fill(-1);
  let count = 0;
  const number = (tid: number) => {
    if (tid < 0) return -1;
    const n = numbers[tid]!;
    return n >= 0 ? n : (numbers[tid] = count++);
  };
  const useId = new Int32Array(uses.blocks.length);
  for (let k = 0; k < useId.length; k++) useId[k] = number(uses.blocks[k]!.info.tid);
  const resultId = new Int32Array(results.blocks.length);
  for (let k = 0; k < resultId.length; k++) resultId[k] = number(results.blocks[k]!.info.tid);
  return { uses, results, useId, resultId, count };
}

/** The numbered tool ids of a view. */
export const toolIds = perView(build);

/** A set of id numbers that `clear` empties at no cost, so a rule can fill one per message. */
export class IdSet {
  private readonly stamp: Int32Array;
  private current = 1;

  constructor(count: number) {
    this.stamp = new Int32Array(count);
  }

  clear(): void {
    this.current++;
  }

  add(id: number): void {
    if (id >= 0) this.stamp[id] = this.current;
  }

  has(id: number): boolean {
    return id >= 0 && this.stamp[id] === this.current;
  }
}
