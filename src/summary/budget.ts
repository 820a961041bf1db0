/**
 * What a hand-off may take of a fresh session's context: a few percent of the
 * window, so the new session has room to read files and work.
 */
export const HANDOFF_TOKEN_BUDGET = 8000;
