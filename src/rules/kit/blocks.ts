import type { ApiView, ViewBlock } from '../../conversation/apiView.js';
import { type Steps, finish } from '../../conversation/steps.js';

/*
 * One walk over a view's blocks, shared by the rules. A long session has tens
 * of thousands of blocks spread over a large heap: a rule that walked them all
 * to judge the few of one type spent its time reaching them, and every rule
 * did it again. The index lists each type's blocks once per view, with what
 * else a rule would otherwise walk every block for.
 */

/** Some blocks of a view, in send order. */
export interface Blocks {
  readonly blocks: readonly ViewBlock[];
  /** The blocks in message `m`. */
  in(m: number): ViewBlock[];
  /** The blocks in messages `from` up to (not including) `to`. */
  between(from: number, to: number): ViewBlock[];
  countIn(m: number): number;
  /** Index in message `m` of the first (last) of these blocks, or -1 when it has none. */
  firstSlotIn(m: number): number;
  lastSlotIn(m: number): number;
  /** Whether message `m`'s blocks of this kind are its first ones (true when it has none). */
  leadIn(m: number): boolean;
  // The arrays behind these, for passes that rank or count blocks without reaching the block objects.
  /** The message each block is in. */
  readonly message: Int32Array;
  /** Each block's index among its message's blocks. */
  readonly slot: Int32Array;
  /** Each block's `info.sent`, to rank blocks by size without reading them again. */
  readonly sent: Float64Array;
  /** Each block's `info.tid`, to pair tool ids without reading them again. */
  readonly tid: Int32Array;
  /** The blocks of message m are those from start[m] up to start[m + 1]. */
  readonly start: Int32Array;
}

export interface ViewIndex {
  /** The blocks of one `info.type`. */
  ofType(type: string): Blocks;
  /** The `info.type`s the view has blocks of. */
  readonly types: readonly string[];
  /** The blocks holding images (a tool result nests them too). */
  readonly withImages: Blocks;
  /** The blocks holding documents (a tool result nests them too). */
  readonly withDocuments: Blocks;
  readonly blockCount: number;
  /** The sum of the blocks' `info.sent`. */
  readonly sentBytes: number;
}

/**
 * Blocks gathered into arrays of their final size. The index is built right
 * after the view, whose young objects a garbage collection would have to copy:
 * growing arrays as blocks arrive made the allocations that set one off.
 */
class List implements Blocks {
  readonly blocks: ViewBlock[];
  readonly message: Int32Array;
  readonly slot: Int32Array;
  readonly sent: Float64Array;
  readonly tid: Int32Array;
  readonly start: Int32Array;
  private length = 0;

  constructor(size: number, messageCount: number) {
    this.blocks = new Array<ViewBlock>(size);
    this.message = new Int32Array(size);
    this.slot = new Int32Array(size);
    this.sent = new Float64Array(size);
    this.tid = new Int32Array(size);
    this.start = new Int32Array(messageCount + 1);
  }

  /** Adds block `b`, in slot `slot` of message `m`, of size `sent` and tool id `tid`; blocks come in send order. */
  add(b: ViewBlock, m: number, slot: number, sent: number, tid: number): void {
    const k = this.length++;
    this.blocks[k] = b;
    this.message[k] = m;
    this.slot[k] = slot;
    this.sent[k] = sent;
    this.tid[k] = tid;
    this.start[m + 1]!++;
  }

  in(m: number): ViewBlock[] {
    return this.between(m, m + 1);
  }

  between(from: number, to: number): ViewBlock[] {
    return this.blocks.slice(this.start[from], this.start[to]);
  }

  countIn(m: number): number {
    return this.start[m + 1]! - this.start[m]!;
  }

  firstSlotIn(m: number): number {
    return this.countIn(m) ? this.slot[this.start[m]!]! : -1;
  }

  lastSlotIn(m: number): number {
    return this.countIn(m) ? this.slot[this.start[m + 1]! - 1]! : -1;
  }

  leadIn(m: number): boolean {
    return this.lastSlotIn(m) === this.countIn(m) - 1;
  }

  /** Turns the per-message counts in `start` into positions, once every block is in. */
  done(): this {
    for (let m = 1; m < this.start.length; m++) this.start[m]! += this.start[m - 1]!;
    return this;
  }
}

/** Messages indexed per step: each of the index's two passes over a long session is a few steps. */
const INDEXED_PER_STEP = 3000;

/** The index a step at a time: its two passes over the blocks, each INDEXED_PER_STEP messages a step. */
function* build(view: ApiView): Steps<ViewIndex> {
  const { messages } = view;
  let blockCount = 0;
  for (const m of messages) blockCount += m.blocks.length;

  // The only pass that reads the blocks' infos: each block's type (as a number), and what is counted.
  // (Indexed loops: an iterator per message was most of what the index allocated.)
  const typeNumber = new Map<string, number>();
  const typeCounts: number[] = [];
  const typeOf = new Int32Array(blockCount);
  const hasImages = new Uint8Array(blockCount);
  const hasDocuments = new Uint8Array(blockCount);
  let documentBlocks = 0;
  const sent = new Float64Array(blockCount);
  const tid = new Int32Array(blockCount);
  let imageBlocks = 0;
  let sentBytes = 0;
  for (let m = 0, p = 0; m < messages.length; m++) {
    if (m % INDEXED_PER_STEP === INDEXED_PER_STEP - 1) yield;
    const blocks = messages[m]!.blocks;
    for (let j = 0; j < blocks.length; j++, p++) {
      const info = blocks[j]!.info;
      let t = typeNumber.get(info.type);
      if (t === undefined) typeNumber.set(info.type, (t = typeCounts.push(0) - 1));
      typeCounts[t]!++;
      typeOf[p] = t;
      if (info.images.length) {
        hasImages[p] = 1;
        imageBlocks++;
      }
      if (info.documents) {
        hasDocuments[p] = 1;
        documentBlocks++;
      }
      sent[p] = info.sent;
      tid[p] = info.tid;
      sentBytes += info.sent;
    }
  }

  yield;
  const lists = typeCounts.map((n) => new List(n, messages.length));
  const withImages = new List(imageBlocks, messages.length);
  const withDocuments = new List(documentBlocks, messages.length);
  for (let m = 0, p = 0; m < messages.length; m++) {
    if (m % INDEXED_PER_STEP === INDEXED_PER_STEP - 1) yield;
    const blocks = messages[m]!.blocks;
    for (let j = 0; j < blocks.length; j++, p++) {
      lists[typeOf[p]!]!.add(blocks[j]!, m, j, sent[p]!, tid[p]!);
      if (hasImages[p]) withImages.add(blocks[j]!, m, j, sent[p]!, tid[p]!);
      if (hasDocuments[p]) withDocuments.add(blocks[j]!, m, j, sent[p]!, tid[p]!);
    }
  }
  lists.forEach((l) => l.done());
  const none = new List(0, messages.length);
  const ofType = (type: string) => {
    const t = typeNumber.get(type);
    return t === undefined ? none : lists[t]!;
  };
  return { ofType, types: [...typeNumber.keys()], withImages: withImages.done(), withDocuments: withDocuments.done(), blockCount, sentBytes };
}

/** What `build` makes of a view, made once: the first rule that asks builds it, the others share it. */
export function perView<T>(build: (view: ApiView) => T): (view: ApiView) => T {
  const made = new WeakMap<ApiView, T>();
  return (view) => {
    let value = made.get(view);
    if (value === undefined) made.set(view, (value = build(view)));
    return value;
  };
}

const indexes = new WeakMap<ApiView, ViewIndex>();

/**
 * The indexes made last, with the messages each was made of: an index reads nothing but the
 * messages, and views of one document for different releases often hold the very same message
 * objects in another array (on the 200 MB benchmark file, three of its nine rule passes).
 */
const RECENT_INDEXES = 16;
// Held weakly, as a view holds its index: neither keeps the other's document alive.
const recentIndexes: { readonly messages: WeakRef<ApiView['messages']>; readonly index: WeakRef<ViewIndex> }[] = [];

/** A recent index made of the same message objects in the same order, if any. */
function alikeIndex(messages: ApiView['messages']): ViewIndex | undefined {
  for (let r = recentIndexes.length - 1; r >= 0; r--) {
    const other = recentIndexes[r]!.messages.deref();
    if (other?.length !== messages.length) continue;
    let m = 0;
    while (m < messages.length && messages[m] === other[m]) m++;
    const index = m === messages.length ? recentIndexes[r]!.index.deref() : undefined;
    if (index) return index;
  }
  return undefined;
}

function keep(view: ApiView, index: ViewIndex): ViewIndex {
  indexes.set(view, index);
  recentIndexes.push({ messages: new WeakRef(view.messages), index: new WeakRef(index) });
  if (recentIndexes.length > RECENT_INDEXES) recentIndexes.shift();
  return index;
}

/** The index of a view, made once. */
export function viewIndex(view: ApiView): ViewIndex {
  return indexes.get(view) ?? finish(viewIndexSteps(view));
}

/** viewIndex a step at a time; an index made meanwhile (a rule asked for it) is the one kept. */
export function* viewIndexSteps(view: ApiView): Steps<ViewIndex> {
  const known = indexes.get(view);
  if (known) return known;
  const made = alikeIndex(view.messages) ?? (yield* build(view));
  return indexes.get(view) ?? keep(view, made);
}
