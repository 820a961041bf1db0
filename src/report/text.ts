import type { Analysis } from '../rules/analyze.js';

/*
 * Wording every front end shares (commands, doctor, the editor), so a count or
 * a size reads the same wherever it is shown.
 */

/** "1 error", "2 errors". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The count line used everywhere: always "<n> errors · <m> warnings". */
export function countLine(a: Pick<Analysis, 'counts'>): string {
  return `${plural(a.counts.error, 'error')} · ${plural(a.counts.warning, 'warning')}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Whether an environment variable's value means "on" (Claude Code's reading of its flags). */
export function truthy(v: string | undefined): boolean {
  return !!v && !['0', 'false', 'no', 'off', ''].includes(v.toLowerCase());
}
