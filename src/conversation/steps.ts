/**
 * Work that pauses between its steps: each `next()` runs one step (a graph, a
 * view's pass, one rule over one request) and the last returns the result.
 * Whoever drives it chooses when the next step runs, or drops it half done.
 */
export type Steps<T> = Generator<void, T, void>;

/** Work in steps, run to its end at once. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
