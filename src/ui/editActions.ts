import type { Analysis } from '../rules/analyze.js';
import type { Edit } from '../edit/types.js';
import { entryOf } from '../transcript/document.js';
import { inArray, valueAt } from '../transcript/jsonPath.js';
import type { JsonPath } from '../transcript/lineInfo.js';
import type { Row } from './rows.js';

/*
 * What each editing key means for the selected row, as a list of core edits
 * (or a reason why it cannot apply there). The reducer applies them.
 */

export type Planned = { edits: Edit[]; done: string } | { refused: string };

const keyAt = (a: Analysis, pos: number) => a.doc.lines[pos]!.key;

function blockPath(a: Analysis, row: Row): JsonPath {
  return a.doc.lines[row.pos]!.info.blocks[row.block!]!.path;
}

function messageKeys(a: Analysis, turn: number): number[] {
  return a.view.messages[turn]!.lines.map((p) => keyAt(a, p));
}

/** Removing a string slot's block removes what holds it (see the remove-block edit). */
const removeBlock = (a: Analysis, row: Row): Edit => ({ op: 'remove-block', key: keyAt(a, row.pos), path: blockPath(a, row) });

export function planDelete(a: Analysis, row: Row): Planned {
  if (row.kind === 'block') return { edits: [removeBlock(a, row)], done: `deleted ${a.doc.lines[row.pos]!.info.blocks[row.block!]!.type} block` };
  if (row.kind === 'turn') return { edits: messageKeys(a, row.turn!).map((key) => ({ op: 'delete-line', key })), done: `deleted turn #${row.turn! + 1}` };
  return { edits: [{ op: 'delete-line', key: keyAt(a, row.pos) }], done: `deleted line ${row.pos + 1}` };
}

/** Moves a block within its line, or its whole line past the neighbouring line of the request. */
export function planMove(a: Analysis, row: Row, dir: -1 | 1): Planned {
  if (row.kind === 'line') {
    const other = a.doc.lines[row.pos + dir];
    if (!other) return { refused: 'nothing to move past' };
    return { edits: [{ op: 'swap-lines', key: keyAt(a, row.pos), withKey: other.key }], done: `moved line ${dir < 0 ? 'up' : 'down'}` };
  }
  if (row.kind === 'block') {
    const line = a.doc.lines[row.pos]!;
    const path = blockPath(a, row);
    const i = path[path.length - 1];
    const target = typeof i === 'number' ? i + dir : -1;
    if (typeof i === 'number' && target >= 0 && target < line.info.blocks.length) {
      return {
        edits: [{ op: 'move-block', key: line.key, path, toKey: line.key, toPath: [...path.slice(0, -1), target] }],
        done: `moved block ${dir < 0 ? 'up' : 'down'}`,
      };
    }
    // A response split over lines (one block each): the block's line moves past the next line of its turn.
    const lines = a.view.messages[row.turn!]!.lines;
    const neighbour = lines[lines.indexOf(row.pos) + dir];
    const edge = dir < 0 ? 'first' : 'last';
    if (neighbour === undefined) return { refused: `already the ${edge} block of turn #${row.turn! + 1} (select the turn to move the whole turn)` };
    return {
      edits: [{ op: 'swap-lines', key: line.key, withKey: keyAt(a, neighbour) }],
      done: `moved block ${dir < 0 ? 'up' : 'down'}: its line ${row.pos + 1} now comes ${dir < 0 ? 'before' : 'after'} line ${neighbour + 1}`,
    };
  }
  // A turn moves past the neighbouring turn, one line at a time.
  const turn = row.turn!;
  const other = a.view.messages[turn + dir];
  if (!other) return { refused: 'already at the edge of the conversation' };
  const mine = messageKeys(a, turn);
  const pivot = keyAt(a, dir < 0 ? other.lines[other.lines.length - 1]! : other.lines[0]!);
  const sequence = dir < 0 ? mine : [...mine].reverse();
  return { edits: sequence.map((key) => ({ op: 'swap-lines', key: pivot, withKey: key })), done: `moved turn #${turn + 1} ${dir < 0 ? 'up' : 'down'}` };
}

function textOf(a: Analysis, pos: number, path: JsonPath): string | undefined {
  const v = valueAt(entryOf(a.doc, a.doc.lines[pos]!), path);
  if (typeof v === 'string') return v;
  const t = (v as { text?: unknown } | undefined)?.text;
  return typeof t === 'string' ? t : undefined;
}

export function planMerge(a: Analysis, row: Row): Planned {
  if (row.kind === 'turn') {
    const turn = row.turn!;
    const m = a.view.messages[turn]!;
    const next = a.view.messages[turn + 1];
    if (!next || next.role !== m.role) return { refused: `the next turn is not a ${m.role} turn` };
    const into = keyAt(a, m.lines[m.lines.length - 1]!);
    return { edits: next.lines.map((p) => ({ op: 'merge-lines', key: keyAt(a, p), intoKey: into })), done: `merged turn #${turn + 2} into #${turn + 1}` };
  }
  if (row.kind !== 'block') return { refused: 'select a turn or a text block to merge' };
  const m = a.view.messages[row.turn!]!;
  const i = m.blocks.findIndex((b) => b.pos === row.pos && b.index === row.block);
  const here = m.blocks[i]!;
  const next = m.blocks[i + 1];
  if (here.info.type !== 'text' || !next || next.info.type !== 'text') return { refused: 'merge needs a text block followed by another text block' };
  const a1 = textOf(a, here.pos, here.info.path);
  const a2 = textOf(a, next.pos, next.info.path);
  if (a1 === undefined || a2 === undefined) return { refused: 'these blocks have no text to merge' };
  const joined = [a1, a2].filter((t) => t.trim() !== '').join('\n\n');
  const hereKey = keyAt(a, here.pos);
  const setPath = inArray(here.info.path) ? [...here.info.path, 'text'] : here.info.path;
  return {
    edits: [{ op: 'set', key: hereKey, path: setPath, value: joined }, removeBlock(a, { kind: 'block', id: '', pos: next.pos, block: next.index })],
    done: 'merged two text blocks',
  };
}

/** Keys of the lines after which the branch is cut. */
export function rewindKeys(a: Analysis, row: Row): number[] {
  return row.turn !== undefined && row.kind !== 'line' ? messageKeys(a, row.turn) : [keyAt(a, row.pos)];
}
