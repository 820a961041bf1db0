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
});
