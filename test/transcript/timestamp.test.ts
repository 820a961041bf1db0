import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { timestampMs } from '../../src/transcript/timestamp.js';

/** Date.parse's answer, NaN included, is the one to give. */
const same = (s: string): void => {
  expect(Object.is(timestampMs(s), Date.parse(s))).toBe(true);
};

describe('timestampMs is Date.parse', () => {
  test('on the timestamps Claude Code writes, any instant from 1970 to 2199', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2199, 11, 31, 23, 59, 59, 999) }), (t) => {
        const s = new Date(t).toISOString();
        expect(timestampMs(s)).toBe(t);
        same(s);
      }),
      { numRuns: 2000 },
    );
  });

  test('on strings of that shape with any digits in each place (days past a month end, hour 24, minute 60, month 0 or 13)', () => {
    const field = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
    fc.assert(
      fc.property(fc.tuple(field(4), field(2), field(2), field(2), field(2), field(2), field(3)), ([y, mo, d, h, mi, s, ms]) => {
        same(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
      }),
      { numRuns: 3000 },
    );
    for (const s of [
      '2026-02-30T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
    ])
      same(s);
  });

  test('on other strings: other shapes, non-digits, nothing', () => {
    for (const s of [
      '',
      'yesterday',
      '2026-01-15',
      '2026-01-15T10:23:45Z',
      '2026-01-15T10:23:45.12Z',
      '2026-01-15T10:23:45.1234Z',
      '2026-01-15T10:23:45.123+01:00',
      '2026-01-15 10:23:45.123Z',
      '2026-0a-15T10:23:45.123Z',
      '+02026-01-15T10:23:45.123Z',
    ])
      same(s);
    fc.assert(fc.property(fc.string({ minLength: 24, maxLength: 24 }), same), { numRuns: 2000 });
  });
});
