import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { largestToSave } from '../../src/rules/kit/largest.js';

/** The ranking spelled out: every block sorted by size down, of equal sizes the lower index first, stubbed until `excess` is saved. */
function byHand(sent: readonly number[], stubbed: readonly number[], excess: number): { order: number[]; fits: boolean } {
  const all = sent.map((_, k) => k).sort((a, b) => sent[b]! - sent[a]! || a - b);
  let left = excess;
  let count = 0;
  for (; count < all.length && left > 0; count++) left -= sent[all[count]!]! - stubbed[all[count]!]!;
  return left > 0 ? { order: [], fits: false } : { order: all.slice(0, count), fits: true };
}

const ranked = (sent: readonly number[], stubbed: readonly number[], excess: number) => {
  const r = largestToSave(Float64Array.from(sent), Float64Array.from(stubbed), excess);
  return { order: [...r.order], fits: r.fits };
};

describe('largestToSave ranks as a sort of every block would', () => {
  test('random sizes (many equal, tiny ones that grow when stubbed) and any excess', () => {
    const size = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(1_000, 5_000, 5_000, 40_000), fc.integer({ min: 0, max: 3_000_000 }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(size, fc.integer({ min: 60, max: 140 })), { maxLength: 300 }),
        fc.double({ min: 0.01, max: 1.2, noNaN: true }),
        (blocks, share) => {
          const sent = blocks.map(([s]) => s);
          const stubbed = blocks.map(([, t]) => t);
          const gain = blocks.reduce((a, [s, t]) => a + Math.max(0, s - t), 0);
          const excess = Math.max(1, Math.round(gain * share));
          expect(ranked(sent, stubbed, excess)).toEqual(byHand(sent, stubbed, excess));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a run that reaches the excess among tiny blocks, which then fall back under it', () => {
    // 1,000 saved, then 10 more (enough), then a block that grows by 101 when stubbed.
    expect(ranked([1000, 100, 99], [0, 90, 200], 1005)).toEqual({ order: [0, 1], fits: true });
    expect(ranked([1000, 100, 99], [0, 90, 200], 1011)).toEqual({ order: [], fits: false });
  });

  test('of equal sizes the earlier first; only as many as the excess needs', () => {
    expect(ranked([9, 12, 12, 12], [0, 0, 0, 0], 20)).toEqual({ order: [1, 2], fits: true });
  });
});
