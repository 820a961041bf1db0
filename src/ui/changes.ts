import type { Doc } from '../transcript/document.js';

export interface Changes {
  readonly removed: readonly number[];
  readonly changed: readonly number[];
  readonly added: number;
  /** Human lines describing the changes, original line numbers first. */
  readonly lines: readonly string[];
}

/** What saving `present` over `saved` would change, by line (lines keep their keys across edits). */
export function changesBetween(saved: Doc, present: Doc): Changes {
  const before = new Map(saved.lines.map((l, i) => [l.key, { line: l, at: i }]));
  const after = new Set(present.lines.map((l) => l.key));
  const removed = saved.lines.filter((l) => !after.has(l.key)).map((l) => before.get(l.key)!.at + 1);
  const changed: number[] = [];
  let added = 0;
  const text: string[] = [];
  for (const l of present.lines) {
    const old = before.get(l.key);
    if (!old) {
      added++;
      text.push(`+ new ${l.info.type ?? 'line'}: ${l.info.blocks[0]?.preview ?? ''}`);
    } else if (old.line !== l) {
      changed.push(old.at + 1);
      text.push(`~ line ${old.at + 1} (${l.info.type ?? 'line'}) changed`);
    }
  }
  return { removed, changed, added, lines: [...removed.map((n) => `- line ${n} removed`), ...text] };
}
