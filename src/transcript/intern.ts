/*
 * Small integer ids for uuids and message ids, shared by every document in
 * the process. Interning once at load lets the graph be rebuilt after each
 * edit with typed arrays instead of string-keyed maps (a 200 MB transcript
 * has ~100k uuids). An id means "this string", nothing else: it is never
 * written anywhere.
 */
const ids = new Map<string, number>();
/** The string of each id: the first copy seen, which every later sighting can share. */
const strings: string[] = [];

/** The id of `s`, assigned on first sight. */
export function intern(s: string): number {
  let id = ids.get(s);
  if (id === undefined) {
    id = strings.length;
    ids.set(s, id);
    strings.push(s);
  }
  return id;
}

/** The string an id stands for (the first copy interned). */
export function internedString(id: number): string {
  return strings[id]!;
}

/** The id of `s` if it was ever interned, else -1 (so a lookup never grows the table). */
export function internedId(s: string): number {
  return ids.get(s) ?? -1;
}

/** One more than the largest id handed out: the size of an array indexed by id. */
export function internedCount(): number {
  return ids.size;
}
