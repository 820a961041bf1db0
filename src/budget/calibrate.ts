import type { ApiView } from '../conversation/apiView.js';
import type { Doc } from '../transcript/document.js';
import { chooseAnchor, measure, totalOf } from './budget.js';
import { CALIBRATION } from './estimate.js';

/*
 * How the estimate compares with the API's own counts in a transcript, turn by
 * turn: what the calibration test asserts and what the calibration report
 * prints to refit the estimator on new transcripts.
 */

/** One response that records a count, and what ccmend would have said of its request. */
export interface TurnEstimate {
  /** 1-based line of the response. */
  readonly line: number;
  readonly message: number;
  /** The API's count of the request. */
  readonly count: number;
  /**
   * The estimate had the file ended just before this response: anchored on the
   * newest usable count before it; undefined for the conversation's first count.
   */
  readonly anchored?: number;
  /** The estimate from the conversation's first count alone (the estimator over everything since). */
  readonly fromFirst?: number;
}

/** Estimates of the request at each response of `view` that records a count. */
export function turnEstimates(doc: Doc, view: ApiView): TurnEstimate[] {
  const { messages, recorded } = measure(doc, view);
  const out: TurnEstimate[] = [];
  recorded.forEach((r, k) => {
    const upTo = messages.subarray(0, r.message);
    const earlier = recorded.slice(0, k);
    const anchor = chooseAnchor(earlier, upTo);
    const first = earlier.length ? chooseAnchor(earlier.slice(0, 1), upTo) : undefined;
    out.push({
      line: r.pos + 1,
      message: r.message,
      count: r.count,
      anchored: anchor ? totalOf(upTo, anchor) : undefined,
      fromFirst: first ? totalOf(upTo, first) : undefined,
    });
  });
  return out;
}

/** The features of the content added between two counts, in CALIBRATION's units. */
export type Features = Record<keyof typeof CALIBRATION, number>;

export interface Sample {
  readonly features: Features;
  /** How much the API's count grew. */
  readonly growth: number;
}

const FEATURES = Object.keys(CALIBRATION) as (keyof typeof CALIBRATION)[];

function add(f: Features, info: { type: string; chars: number; sent: number }): void {
  f.block++;
  if (info.type === 'text') f.text += info.chars;
  else if (info.type === 'thinking') f.thinking += info.chars;
  else if (info.type === 'tool_result') f.toolResult += info.chars;
  else f.json += info.sent;
}

/** For each pair of consecutive counts: what was added between them, and how much the count grew. */
export function growthSamples(doc: Doc, view: ApiView): Sample[] {
  const { recorded } = measure(doc, view);
  const out: Sample[] = [];
  for (let k = 1; k < recorded.length; k++) {
    const from = recorded[k - 1]!;
    const to = recorded[k]!;
    const features = Object.fromEntries(FEATURES.map((f) => [f, 0])) as Features;
    let media = false;
    for (let m = from.message; m < to.message; m++) {
      features.message++;
      for (const b of view.messages[m]!.blocks) {
        add(features, b.info);
        media ||= b.info.images.length > 0 || !!b.info.documents;
      }
    }
    // Images and documents are estimated by their size, not fitted: leave their spans out.
    if (!media) out.push({ features, growth: to.count - from.count });
  }
  return out;
}

/** Solves the square system `a x = b` by Gaussian elimination with partial pivoting; undefined when singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-9) return undefined;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * The coefficients that best explain the growth of the counts (least squares,
 * each squared error weighted by 1/growth so that a few huge tool outputs do not
 * decide it alone). Features no sample has keep their current value, and so
 * does the framing per block: most messages hold one block, so the data cannot
 * tell it from the framing per message.
 */
export function fitCalibration(samples: readonly Sample[]): Features | undefined {
  const used = FEATURES.filter((f) => f !== 'block' && samples.some((s) => s.features[f] > 0));
  const ata = used.map(() => used.map(() => 0));
  const atb = used.map(() => 0);
  for (const s of samples) {
    const w = 1 / (Math.abs(s.growth) + 200);
    const growth = s.growth - s.features.block * CALIBRATION.block;
    used.forEach((f, i) => {
      atb[i]! += w * s.features[f] * growth;
      used.forEach((g, j) => (ata[i]![j]! += w * s.features[f] * s.features[g]));
    });
  }
  const x = solve(ata, atb);
  if (!x) return undefined;
  const out = { ...CALIBRATION } as Features;
  used.forEach((f, i) => (out[f] = x[i]!));
  return out;
}
