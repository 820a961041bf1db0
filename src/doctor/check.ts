/** How one doctor check came out: `problem` makes `ccmend doctor` exit 1, `warning` does not. */
export type Status = 'ok' | 'warning' | 'problem';

export interface Check {
  readonly id: string;
  readonly status: Status;
  readonly message: string;
  /** The one thing to do about it; absent when there is nothing to do. */
  readonly action?: string;
}

export function countStatuses(checks: readonly Check[]): Record<Status, number> {
  const counts: Record<Status, number> = { ok: 0, warning: 0, problem: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}
