import type { ApiView } from '../conversation/apiView.js';
import { type Steps, finish, memoised } from '../conversation/steps.js';
import type { Doc } from '../transcript/document.js';
import { CALIBRATION, blockTokens } from './estimate.js';
import { type ContextWindow, contextWindow } from './window.js';

/*
 * What the request a resumed session sends costs, in tokens. Each response
 * line records the API's count of the request that produced it. That count
 * covers the messages before the response plus what the file does not hold
 * (the system prompt, the tool definitions, reminders the client added): its
 * "overhead" over the estimate of those messages. The total is the newest
 * trustworthy count's overhead plus the estimate of every message now sent, so
 * the estimate stands in only for what followed that count and for what edits
 * changed before it.
 */

/** Every Claude Code request carries a system prompt and tool definitions of at least this many tokens. */
const MIN_OVERHEAD = 1_000;
/**
 * More than this over the estimate of the messages means the count no longer
 * describes them (content was cut after it was recorded), not a larger system prompt.
 */
const MAX_OVERHEAD = 100_000;
/**
 * How far a count's overhead may rise above the conversation's lowest before
 * it is taken to include content since removed: the client's unrecorded
 * additions and the estimate's error stay within this.
 */
const DRIFT_TOKENS = 8_000;
const DRIFT_SHARE = 0.05;
/** The overhead assumed when the file has no usable count: a Claude Code 2.1 system prompt and its tools. */
export const DEFAULT_OVERHEAD = 25_000;

/** A response line that records the API's count, and the count's overhead. */
export interface Recorded {
  /** Message of the view the response is. */
  readonly message: number;
  /** Position of the line that records the count. */
  readonly pos: number;
  readonly count: number;
  /** count minus the estimate of the messages before the response. */
  readonly overhead: number;
}

/**
 * The overheads of a document's counts as loaded, by line key: after edits the
 * messages before a count change, but what the count covered does not, so an
 * edited document is measured against these.
 */
export type RecordedOverheads = ReadonlyMap<number, number>;

export interface RequestBudget {
  /** Estimated tokens of the whole request. */
  readonly total: number;
  /** The estimate of each message of the view (content and framing). */
  readonly messages: Float64Array;
  /** The count the total is anchored on; undefined when the file has none that is usable. */
  readonly anchor?: Recorded;
  /** The estimate of the messages from the anchor's response on (of every message, with no anchor). */
  readonly after: number;
  /** Lines sent from the anchor's response on (all lines sent, with no anchor). */
  readonly afterLines: number;
  /** What edits since the document was loaded changed before the anchor (negative: removed). */
  readonly editedBefore: number;
  readonly window: ContextWindow;
  /** Every response that records a count, in send order. */
  readonly recorded: readonly Recorded[];
}

export interface BudgetOptions {
  /** The overheads of the document as it was loaded (see RecordedOverheads); default: this document's own. */
  readonly loaded?: RecordedOverheads;
  /** The `model` of the Claude Code settings, if known. */
  readonly settingsModel?: string;
}

export interface Measured {
  /** The estimate of each message. */
  readonly messages: Float64Array;
  /** The responses that record a count, with each count's overhead over the estimates. */
  readonly recorded: Recorded[];
}

/**
 * The estimate of each message and the counts the responses record, in one
 * pass over the view: this runs after every edit, on views of 40k blocks.
 * Made once per view (the rule, the editor's header and its keys share it).
 */
export function measure(doc: Doc, view: ApiView): Measured {
  return finish(measureSteps(doc, view));
}

/** measure a step at a time, MEASURED_PER_STEP messages a step (the editor measures between keys). */
export function measureSteps(doc: Doc, view: ApiView): Steps<Measured> {
  return memoised(measured, view, () => measureView(doc, view));
}

const measured = new WeakMap<ApiView, Measured>();

/** Messages measured between pauses: on 2 GB, 188k of them are a tenth of a second. */
const MEASURED_PER_STEP = 20_000;

function* measureView(doc: Doc, view: ApiView): Steps<Measured> {
  const { lines } = doc;
  const messages = new Float64Array(view.messages.length);
  const recorded: Recorded[] = [];
  let before = 0;
  for (let m = 0; m < view.messages.length; m++) {
    if (m % MEASURED_PER_STEP === MEASURED_PER_STEP - 1) yield;
    const msg = view.messages[m]!;
    if (msg.role === 'assistant') {
      for (let k = 0; k < msg.lines.length; k++) {
        const count = lines[msg.lines[k]!]!.info.requestTokens;
        if (count === undefined) continue;
        recorded.push({ message: m, pos: msg.lines[k]!, count, overhead: count - before });
        break;
      }
    }
    const blocks = msg.blocks;
    let n = CALIBRATION.message;
    for (let j = 0; j < blocks.length; j++) n += blockTokens(blocks[j]!.info);
    messages[m] = n;
    before += n;
  }
  return { messages, recorded };
}

/** The counts with the overheads they had when the document was loaded, where it says. */
export function asLoaded(doc: Doc, recorded: readonly Recorded[], loaded: RecordedOverheads): Recorded[] {
  return recorded.map((r) => {
    const overhead = loaded.get(doc.lines[r.pos]!.key);
    return overhead === undefined ? r : { ...r, overhead };
  });
}

/** The same counts, with their overheads over other estimates of the messages (what they would be after cuts). */
export function remeasured(recorded: readonly Recorded[], messages: Float64Array): Recorded[] {
  const out: Recorded[] = [];
  let before = 0;
  let m = 0;
  for (const r of recorded) {
    for (; m < r.message; m++) before += messages[m]!;
    out.push({ ...r, overhead: r.count - before });
  }
  return out;
}

/** The overheads of a freshly loaded document, to measure its edited versions against. */
export function loadedOverheads(doc: Doc, view: ApiView): RecordedOverheads {
  return new Map(measure(doc, view).recorded.map((r) => [doc.lines[r.pos]!.key, r.overhead]));
}

const plausible = (r: Recorded) => r.overhead >= MIN_OVERHEAD && r.overhead <= MAX_OVERHEAD;

/**
 * The count to anchor on: the newest whose overhead is plausible and within the
 * drift allowed above the lowest plausible one. A count recorded before content
 * was cut has an overhead grown by what was cut; one recorded before content
 * was added (or a stand-in API's placeholder) has too little.
 */
export function chooseAnchor(recorded: readonly Recorded[], messages: Float64Array): Recorded | undefined {
  let lowest = Number.POSITIVE_INFINITY;
  for (const r of recorded) if (plausible(r)) lowest = Math.min(lowest, r.overhead);
  if (lowest === Number.POSITIVE_INFINITY) return undefined;
  let before = 0;
  let m = 0;
  let chosen: Recorded | undefined;
  for (const r of recorded) {
    for (; m < r.message; m++) before += messages[m]!;
    if (plausible(r) && r.overhead - lowest <= DRIFT_TOKENS + DRIFT_SHARE * before) chosen = r;
  }
  return chosen;
}

const sum = (a: Float64Array) => {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i]!;
  return n;
};

/** The total of a request whose messages are estimated at `messages`, anchored on `anchor`. */
export function totalOf(messages: Float64Array, anchor: Recorded | undefined): number {
  return Math.round((anchor ? anchor.overhead : DEFAULT_OVERHEAD) + sum(messages));
}

/** The model of the last response sent that names one. */
function lastModel(doc: Doc, view: ApiView): string | undefined {
  for (let m = view.messages.length - 1; m >= 0; m--) {
    const msg = view.messages[m]!;
    if (msg.role !== 'assistant') continue;
    for (let k = msg.lines.length - 1; k >= 0; k--) {
      const model = doc.lines[msg.lines[k]!]!.info.model;
      if (model) return model;
    }
  }
  return undefined;
}

/** What the request of `view` costs, and the window it must fit in. */
export function requestBudget(doc: Doc, view: ApiView, options: BudgetOptions = {}): RequestBudget {
  const measured = measure(doc, view);
  const { messages } = measured;
  const recorded = options.loaded ? asLoaded(doc, measured.recorded, options.loaded) : measured.recorded;
  const anchor = chooseAnchor(recorded, messages);
  const total = totalOf(messages, anchor);
  let before = 0;
  let after = 0;
  let afterLines = 0;
  for (let m = 0; m < view.messages.length; m++) {
    if (m < (anchor?.message ?? 0)) before += messages[m]!;
    else {
      after += messages[m]!;
      afterLines += view.messages[m]!.lines.length;
    }
  }
  let largest: number | undefined;
  for (const r of recorded) if (plausible(r)) largest = Math.max(largest ?? 0, r.count);
  return {
    total,
    messages,
    anchor,
    after: Math.round(after),
    afterLines,
    editedBefore: anchor ? Math.round(before - (anchor.count - anchor.overhead)) : 0,
    window: contextWindow({ model: lastModel(doc, view), settingsModel: options.settingsModel, largestRecorded: largest }),
    recorded,
  };
}
