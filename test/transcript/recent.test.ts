import { describe, expect, test } from 'vitest';
import { Recent } from '../../src/transcript/recent.js';

describe('Recent (the bounded caches of columns and analyses)', () => {
  test('keeps the newest values up to its capacity; a lookup makes a value newest again', () => {
    const r = new Recent<object, number>(2);
    const [a, b, c] = [{}, {}, {}];
    r.set(a, 1);
    r.set(b, 2);
    expect(r.get(a)).toBe(1); // a is now newer than b
    r.set(c, 3);
    expect(r.get(b)).toBeUndefined();
    expect(r.get(a)).toBe(1);
    expect(r.get(c)).toBe(3);
  });

  test('setting a key again replaces its value without growing', () => {
    const r = new Recent<string, number>(1);
    r.set('k', 1);
    r.set('k', 2);
    expect(r.get('k')).toBe(2);
  });

  test('with weights, keeps the newest values whose weights fit the budget, and the newest always', () => {
    const r = new Recent<number[], string>(8, (k) => k.length, 5);
    const [two, three, four, six] = [
      [1, 2],
      [1, 2, 3],
      [1, 2, 3, 4],
      [1, 2, 3, 4, 5, 6],
    ];
    r.set(two, 'two');
    r.set(three, 'three');
    expect(r.get(two)).toBe('two'); // 5 in all: both kept
    r.set(four, 'four'); // 9: the oldest (three) goes, then 6: two goes
    expect(r.get(three)).toBeUndefined();
    expect(r.get(two)).toBeUndefined();
    expect(r.get(four)).toBe('four');
    r.set(six, 'six'); // over the budget alone: kept, four goes
    expect(r.get(four)).toBeUndefined();
    expect(r.get(six)).toBe('six');
    r.set(two, 'two'); // 8: six, the oldest, goes
    expect(r.get(six)).toBeUndefined();
    expect(r.get(two)).toBe('two');
  });

  test('weights may come from the values; delete and clear forget entries', () => {
    const r = new Recent<string, number[]>(8, (_, v) => v.length, 4);
    r.set('a', [1, 2]);
    r.set('b', [1, 2]);
    expect(r.get('a')).toEqual([1, 2]);
    r.set('c', [1]); // 5: the oldest (b) goes
    expect(r.get('b')).toBeUndefined();
    r.delete('a');
    expect(r.get('a')).toBeUndefined();
    r.set('d', [1, 2, 3]); // 4 with c: both kept, as a's weight went with it
    expect(r.get('c')).toEqual([1]);
    r.clear();
    expect([r.get('c'), r.get('d')]).toEqual([undefined, undefined]);
    r.set('e', [1, 2, 3, 4]);
    expect(r.get('e')).toEqual([1, 2, 3, 4]);
  });
});
