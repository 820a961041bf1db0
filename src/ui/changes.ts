import type { Doc, Line } from '../transcript/document.js';
import type { BlockInfo, LineInfo } from '../transcript/lineInfo.js';
import { describeBlock } from './rows.js';

export interface Changes {
  readonly removed: number;
  readonly changed: number;
  readonly added: number;
  readonly moved: number;
  /** One line per change, in file order: what the line is and what becomes of it. */
  readonly lines: readonly string[];
}

const clip = (t: string, n: number) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

/** A block in a few words: its kind, id and text. */
const blockWords = (b: BlockInfo) => describeBlock(b).replace(/\s+/g, ' ').trim();

/** What a line is: its entry type (user, assistant, system…) and its first block. */
function lineWords(info: LineInfo): string {
  if (info.kind !== 'entry') return `unreadable line (${info.error ?? info.kind})`;
  const what = [info.type, info.subtype].filter(Boolean).join('/') || 'entry';
  const first = info.blocks[0];
  const more = info.blocks.length > 1 ? ` (+${info.blocks.length - 1} more block${info.blocks.length > 2 ? 's' : ''})` : '';
  return first ? `${what}: ${clip(blockWords(first), 70)}${more}` : what;
}

/** Which indices of `xs` are in a longest increasing run of its values: the lines that kept their order. */
function increasing(xs: Int32Array): Uint8Array {
  const tails = new Int32Array(xs.length);
  let length = 0;
  const prev = new Int32Array(xs.length).fill(-1);
  for (let i = 0; i < xs.length; i++) {
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[tails[mid]!]! < xs[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
    if (lo === length) length++;
  }
  const keep = new Uint8Array(xs.length);
  for (let i = length ? tails[length - 1]! : -1; i !== -1; i = prev[i]!) keep[i] = 1;
  return keep;
}

/** How the blocks of a line differ: removed, added, reordered or rewritten ones. */
function blockChanges(before: readonly BlockInfo[], after: readonly BlockInfo[]): string[] {
  const a = before.map(blockWords);
  const b = after.map(blockWords);
  if (a.join('\n') === b.join('\n')) return [];
  if (a.length === b.length) {
    const differing = a.flatMap((w, i) => (w === b[i] ? [] : [i]));
    if (a.slice().sort().join('\n') === b.slice().sort().join('\n'))
      return [`blocks reordered: ${before.map((x) => x.type).join(', ')} → ${after.map((x) => x.type).join(', ')}`];
    return differing.map((i) => `block ${i + 1} (${after[i]!.type}) changed: "${clip(before[i]!.preview, 40)}" → "${clip(after[i]!.preview, 40)}"`);
  }
  const left = [...b];
  const out: string[] = [];
  for (const w of a) {
    const at = left.indexOf(w);
    if (at === -1) out.push(`removed ${clip(w, 60)}`);
    else left.splice(at, 1);
  }
  for (const w of left) out.push(`added ${clip(w, 60)}`);
  return out;
}

/**
 * What saving `present` over `saved` would change, line by line, in the order of
 * the file (lines keep their keys across edits): each removed line with its role
 * and text, each changed line with what changed in it (its parent link, its
 * blocks), each added line, each line moved among the others.
 */
export function changesBetween(saved: Doc, present: Doc): Changes {
  // Keys are small integers below nextKey: arrays indexed by key, not maps, keep this fast on a million lines.
  const keys = Math.max(saved.nextKey, present.nextKey);
  const at = new Int32Array(keys).fill(-1);
  saved.lines.forEach((l, i) => {
    at[l.key] = i;
  });
  const kept = new Uint8Array(keys);
  for (const l of present.lines) kept[l.key] = 1;
  const entries: { order: number; text: string }[] = [];
  let removed = 0;
  saved.lines.forEach((l, i) => {
    if (kept[l.key]) return;
    removed++;
    entries.push({ order: i, text: `- line ${i + 1} removed: ${lineWords(l.info)}` });
  });

  let byUuid: Map<string, number> | undefined;
  const lineOfUuid = (uuid: string) => {
    if (!byUuid) {
      byUuid = new Map();
      for (let i = 0; i < present.lines.length; i++) {
        const u = present.lines[i]!.info.uuid;
        if (u) byUuid.set(u, i);
      }
    }
    return byUuid.get(uuid);
  };
  const parentChange = (old: LineInfo, now: LineInfo): string[] => {
    if (old.parentUuid === now.parentUuid) return [];
    if (!now.parentUuid) return ['parent link cleared (it now starts the conversation)'];
    const p = lineOfUuid(now.parentUuid);
    if (p === undefined) return [`parent relinked to ${now.parentUuid.slice(0, 8)}… (not in the file)`];
    const was = at[present.lines[p]!.key]!;
    return [was === -1 ? `parent relinked to the new line ${p + 1}` : `parent relinked to line ${was + 1}`];
  };

  // Lines kept in their order; the others were moved past them.
  const oldIndex = new Int32Array(present.lines.length);
  let survivors = 0;
  for (const l of present.lines) if (at[l.key] !== -1) oldIndex[survivors++] = at[l.key]!;
  const inOrder = increasing(oldIndex.subarray(0, survivors));
  let added = 0;
  let changed = 0;
  let moved = 0;
  let survivor = -1;
  let lastOld = -1;
  // The line before this one, as the preview names it: a saved line's number, or (negative) a new line's.
  let previous = 0;
  const after = () => (previous === 0 ? ' first' : previous > 0 ? ` after line ${previous}` : ` after new line ${-previous}`);
  present.lines.forEach((l: Line, i) => {
    const old = at[l.key]!;
    if (old === -1) {
      added++;
      entries.push({ order: lastOld + 0.5, text: `+ new line ${i + 1} (${after().trim()}): ${lineWords(l.info)}` });
      previous = -(i + 1);
      return;
    }
    survivor++;
    lastOld = old;
    const before = saved.lines[old]!;
    const what = before === l ? [] : [...parentChange(before.info, l.info), ...blockChanges(before.info.blocks, l.info.blocks)];
    if (before !== l && !what.length) what.push('rewritten (the same blocks)');
    if (!inOrder[survivor]) what.unshift(`moved: now comes${after()}`);
    previous = old + 1;
    if (!what.length) return;
    if (before !== l) changed++;
    else moved++;
    entries.push({ order: old, text: `~ line ${old + 1} (${lineWords(l.info).split(':')[0]}): ${what.join('; ')}` });
  });
  entries.sort((x, y) => x.order - y.order);
  return { removed, changed, added, moved, lines: entries.map((e) => e.text) };
}
