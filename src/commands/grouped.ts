/** How many items of one kind (one rule) a text report lists before it says how many more there are. */
export const SHOWN_PER_KIND = 3;

export type Grouped<T> = { readonly item: T } | { readonly kind: string; readonly more: number };

/**
 * Items in their order, with only the first few of each kind: where the next
 * one of a kind would be, a note of how many of that kind are left out.
 */
export function groupRepeats<T>(items: readonly T[], kindOf: (t: T) => string, shown = SHOWN_PER_KIND): Grouped<T>[] {
  const total = new Map<string, number>();
  for (const t of items) total.set(kindOf(t), (total.get(kindOf(t)) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: Grouped<T>[] = [];
  for (const t of items) {
    const kind = kindOf(t);
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    if (n <= shown) out.push({ item: t });
    else if (n === shown + 1) out.push({ kind, more: total.get(kind)! - shown });
  }
  return out;
}
