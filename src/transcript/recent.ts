/**
 * The last few values computed for objects, newest kept: a cache that stays
 * small however many document versions an editing session makes. The entries
 * keep their keys alive: the editor's last few documents stay whole for undo
 * and redo to hand back (see History), the older ones go.
 */
export class Recent<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly weight: number }>();
  private total = 0;

  /**
   * At most `capacity` entries and, with `weigh`, at most `budget` of their weights in all
   * (the newest is kept whatever it weighs): what suits a 200 MB transcript eight times over
   * may fit a 2 GB one only twice.
   */
  constructor(
    private readonly capacity: number,
    private readonly weigh: (key: K, value: V) => number = () => 0,
    private readonly budget = Number.POSITIVE_INFINITY,
  ) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    // Re-inserting moves it to the newest end of the Map's order.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: K, value: V): void {
    this.drop(key);
    const weight = this.weigh(key, value);
    this.entries.set(key, { value, weight });
    this.total += weight;
    while (this.entries.size > 1 && (this.entries.size > this.capacity || this.total > this.budget)) this.drop(this.entries.keys().next().value!);
  }

  /** Forgets the entry of `key`, if there is one. */
  delete(key: K): void {
    this.drop(key);
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private drop(key: K): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.total -= e.weight;
  }
}
