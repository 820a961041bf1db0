import type { RequestBudget } from './budget.js';

/** A count as written: 181,020 (by hand: Intl's formatter costs microseconds a call, and diagnostics make thousands). */
export const formatCount = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** An estimate, to the hundred above a thousand: 187,400. */
export const formatEstimate = (n: number): string => formatCount(n >= 1000 ? Math.round(n / 100) * 100 : n);

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** "≈ 187,400 tokens (API count 181,020 at line 9,412, plus an estimate for 23 lines from there)". */
export function describeBudget(b: RequestBudget): string {
  const total = `≈ ${formatEstimate(b.total)} tokens`;
  if (!b.anchor) return `${total} (estimated: no usable API count in the file)`;
  const edited = Math.round(b.editedBefore);
  const edits = edited ? `, ${formatEstimate(Math.abs(edited))} ${edited < 0 ? 'fewer' : 'more'} for edits before it` : '';
  const lines = `${formatCount(b.afterLines)} line${b.afterLines === 1 ? '' : 's'}`;
  return `${total} (API count ${formatCount(b.anchor.count)} at line ${formatCount(b.anchor.pos + 1)}${edits}, plus an estimate for ${lines} from there)`;
}

/** "the context window of claude-opus-4-5 (200,000 tokens)". */
export function describeWindow(b: RequestBudget): string {
  const w = b.window;
  const why = w.reason === 'settings' ? ', asked for in the settings' : w.reason === 'observed' ? ', as the API accepted larger requests in this session' : '';
  return `the context window${w.model ? ` of ${w.model}` : ''} (${formatCount(w.tokens)} tokens${why})`;
}
