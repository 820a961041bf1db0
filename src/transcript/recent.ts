/**
 * The last few values computed for objects, newest kept: a cache that stays
 * small however many document versions an editing session makes. The entries
 * keep their keys alive: the editor's last few documents stay whole for undo
 * and redo to hand back (see History), the older ones go.
 */
export class Recent<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      // Re-inserting moves it to the newest end of the Map's order.
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
