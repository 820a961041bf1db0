/**
 * A rough token count: about four characters a token, the usual figure for
 * English prose and code. It errs high on plain prose and low on dense JSON;
 * everything that sizes text calls this one function, so a calibrated
 * estimator can replace it in one place.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * What a hand-off may take of a fresh session's context: a few percent of the
 * window, so the new session has room to read files and work.
 */
export const HANDOFF_TOKEN_BUDGET = 8000;
