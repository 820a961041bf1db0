/**
 * Work that pauses between its steps: each `next()` runs one step (a graph, a
 * view's pass, one rule over one request) and the last returns the result.
 * Whoever drives it chooses when the next step runs, or drops it half done.
 */
export type Steps<T> = Generator<void, T, void>;

/**
 * `map`'s value for `key`, else what `make` makes of it, a step at a time, which `map` then keeps.
 * One another computation left there meanwhile (the editor runs two analyses) is the one kept and
 * returned, so that both share it.
 */
export function* memoised<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => Steps<V>): Steps<V> {
  const known = map.get(key);
  if (known !== undefined) return known;
  const made = yield* make();
  const now = map.get(key);
  if (now !== undefined) return now;
  map.set(key, made);
  return made;
}

/** Work in steps, run to its end at once. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
