import { type ViewMessage, lastBelow } from '../conversation/apiView.js';
import type { Analysis } from '../rules/analyze.js';
import type { Diagnostic, Severity } from '../rules/types.js';
import { type Columns, columnsOf, keyPositions } from '../transcript/columns.js';
import type { BlockInfo } from '../transcript/lineInfo.js';

/**
 * One row of the tree (a turn or one of its blocks) or of the raw file view (a
 * line). Rows are cheap records; their text and markers are computed only for
 * the rows on screen (rowLabel, rowMarks), so a 200 MB transcript's tens of
 * thousands of rows cost little per edit.
 */
export interface Row {
  readonly kind: 'turn' | 'block' | 'line';
  /** Stable across edits while the node exists: built from line keys. */
  readonly id: string;
  /** Position of the line in doc.lines (for turns, its first line). */
  readonly pos: number;
  /** Index of the block among its line's blocks (block rows only). */
  readonly block?: number;
  /** Index of the API message (turn and block rows, and raw lines that are sent). */
  readonly turn?: number;
  /**
   * The file name of the subagent transcript the block's Task or Agent call ran: the row under
   * the call that shows it (its other keys act on the call, as on the call's own row).
   */
  readonly subagent?: string;
}

export interface Marks {
  /** Worst severity of the diagnostics at this row (for a turn, at any of its lines). */
  readonly severity?: Severity;
  readonly rules: readonly string[];
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function worst(ds: readonly Diagnostic[]): Severity | undefined {
  let best: Severity | undefined;
  for (const d of ds) if (!best || RANK[d.severity] > RANK[best]) best = d.severity;
  return best;
}

/** Diagnostics by line position, built once per analysis. */
export function diagnosticsByPos(a: Analysis): Map<number, Diagnostic[]> {
  const m = new Map<number, Diagnostic[]>();
  for (const d of a.diagnostics) {
    const list = m.get(d.pos);
    if (list) list.push(d);
    else m.set(d.pos, [d]);
  }
  return m;
}

export function describeBlock(b: BlockInfo): string {
  switch (b.type) {
    case 'text':
      return `text      ${b.empty ? '(empty)' : b.whitespace ? '(whitespace only)' : b.preview}`;
    case 'thinking':
      return `thinking  ${b.empty ? '(empty)' : b.preview}`;
    case 'tool_use':
      return `tool_use  ${b.preview}  [${b.id ?? 'no id'}]`;
    case 'tool_result':
      return `result    ${b.isError ? 'error' : 'ok   '} [${b.toolUseId ?? 'no id'}] ${b.preview}`;
    case 'image': {
      const img = b.images[0];
      return `image     ${img ? `${img.mediaType} ${img.width ?? '?'}×${img.height ?? '?'} ${Math.round(img.bytes / 1024)} KB` : ''}`;
    }
    default:
      return `${b.type.padEnd(9)} ${b.preview}`;
  }
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/**
 * The rows of the tree or of the raw view. The tree's are made where they are
 * read: a frame reads a screenful, an edit looks up the row the cursor was on,
 * so after an edit of a long session its tens of thousands of rows are counted,
 * not made.
 */
export interface Rows {
  readonly length: number;
  at(i: number): Row | undefined;
  /** Rows start to end (end excluded, both within the rows). */
  slice(start: number, end: number): Row[];
  /** The index of a row with this id (the first, if ids repeat); -1 if none. */
  indexOfId(id: string): number;
  /** The first row `test` accepts, from the top (it reads every row before it); -1 if none. */
  findIndex(test: (row: Row) => boolean): number;
  /** The row a diagnostic points at: its block, else its line's first row, else its turn; -1 if not shown. */
  rowOf(d: Diagnostic): number;
}

/** A message's rows as they were made: for the same turn number, collapse and subagents, they are the same. */
interface MessageRows {
  readonly turn: number;
  readonly collapsed: boolean;
  readonly subagents: ReadonlyMap<string, string>;
  readonly rows: readonly Row[];
}

/*
 * By message object. An edit's view takes the messages it does not change from
 * the version before, the very objects, with their lines where they were: so
 * their rows are the version before's too.
 */
const rowsOfMessage = new WeakMap<ViewMessage, MessageRows>();

/** How many subagent rows a message has, by message object, for the map of subagents it was counted with. */
const subagentRowsOfMessage = new WeakMap<ViewMessage, { subagents: ReadonlyMap<string, string>; count: number }>();

/** One map for callers with no subagents, so that their rows are kept too. */
const NO_SUBAGENTS: ReadonlyMap<string, string> = new Map();

/**
 * Tree rows: each API message, and its blocks unless the turn is collapsed; under a call whose
 * id `subagents` names (the file name of the transcript it ran, by call id), a row for that transcript.
 */
export function treeRows(a: Analysis, collapsed: ReadonlySet<number>, subagents: ReadonlyMap<string, string> = NO_SUBAGENTS): Rows {
  return new TreeRows(a, collapsed, subagents);
}

class TreeRows implements Rows {
  readonly length: number;
  /** The index of each message's turn row; the last entry, the number of rows. */
  private readonly first: Int32Array;
  private readonly key: Columns['key'];

  constructor(
    private readonly a: Analysis,
    private readonly collapsed: ReadonlySet<number>,
    private readonly subagents: ReadonlyMap<string, string>,
  ) {
    const { messages } = a.view;
    this.key = columnsOf(a.doc.lines).key;
    const first = new Int32Array(messages.length + 1);
    for (let t = 0; t < messages.length; t++) {
      const m = messages[t]!;
      first[t + 1] = first[t]! + 1 + (this.isCollapsed(m) ? 0 : m.blocks.length + this.subagentRows(m));
    }
    this.first = first;
    this.length = first[messages.length]!;
  }

  private isCollapsed(m: ViewMessage): boolean {
    return this.collapsed.size > 0 && this.collapsed.has(this.key[m.lines[0]!]!);
  }

  private subagentRows(m: ViewMessage): number {
    const { subagents } = this;
    if (!subagents.size) return 0;
    const known = subagentRowsOfMessage.get(m);
    if (known?.subagents === subagents) return known.count;
    let count = 0;
    for (const b of m.blocks) if (subagentOf(b.info, subagents) !== undefined) count++;
    subagentRowsOfMessage.set(m, { subagents, count });
    return count;
  }

  /** The rows of message `turn`, made on first sight (or taken as made for the same message object). */
  private rowsOf(turn: number): readonly Row[] {
    const m = this.a.view.messages[turn]!;
    const { key, subagents } = this;
    const isCollapsed = this.isCollapsed(m);
    const known = rowsOfMessage.get(m);
    if (known && known.turn === turn && known.collapsed === isCollapsed && known.subagents === subagents) return known.rows;
    const firstKey = key[m.lines[0]!]!;
    const rows: Row[] = [{ kind: 'turn', id: `t${firstKey}`, pos: m.lines[0]!, turn }];
    if (!isCollapsed)
      for (const b of m.blocks) {
        const row: Row = { kind: 'block', id: blockRowId(key[b.pos]!, b.index), pos: b.pos, block: b.index, turn };
        rows.push(row);
        const subagent = subagents.size ? subagentOf(b.info, subagents) : undefined;
        if (subagent !== undefined) rows.push({ ...row, id: `${row.id}:subagent`, subagent });
      }
    rowsOfMessage.set(m, { turn, collapsed: isCollapsed, subagents, rows });
    return rows;
  }

  at(i: number): Row | undefined {
    if (i < 0 || i >= this.length) return undefined;
    // The last message whose turn row is at or above row i (every message has one: `first` rises).
    const turn = lastBelow(this.first, i + 1);
    return this.rowsOf(turn)[i - this.first[turn]!];
  }

  slice(start: number, end: number): Row[] {
    const out: Row[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i)!);
    return out;
  }

  findIndex(test: (row: Row) => boolean): number {
    for (let turn = 0; turn < this.first.length - 1; turn++) {
      const at = this.rowsOf(turn).findIndex(test);
      if (at !== -1) return this.first[turn]! + at;
    }
    return -1;
  }

  /**
   * The messages with rows of line `pos`, in order: those whose lines hold it (a line's blocks go
   * into one message, or an attachment's parts into messages one after another). The tree shows
   * the lines as written (no client's patches), so no block stands for a line its message lacks.
   */
  private turnsOfLine(pos: number): number[] {
    const { messages, messageOf } = this.a.view;
    const last = messageOf.get(pos);
    if (last === undefined) return [];
    let from = last;
    while (from > 0 && messages[from - 1]!.lines.includes(pos)) from--;
    return Array.from({ length: last - from + 1 }, (_, k) => from + k);
  }

  /** The indexes of the rows of line `pos`, in order. */
  private rowsOfLine(pos: number): number[] {
    return this.turnsOfLine(pos).flatMap((turn) => this.rowsOf(turn).flatMap((r, k) => (r.pos === pos ? [this.first[turn]! + k] : [])));
  }

  indexOfId(id: string): number {
    // Ids are "t<key>", "b<key>:<block>" and "b<key>:<block>:subagent" (see rowsOf).
    const key = Number.parseInt(id.slice(1), 10);
    const pos = key >= 0 ? (keyPositions(this.a.doc.lines)[key] ?? -1) : -1;
    return this.rowsOfLine(pos).find((i) => this.at(i)!.id === id) ?? -1;
  }

  rowOf(d: Diagnostic): number {
    const ofLine = this.rowsOfLine(d.pos);
    if (ofLine.length) return ofLine.find((i) => pointsAt(this.at(i)!, d)) ?? ofLine[0]!;
    const turn = d.turn === undefined ? -1 : d.turn - 1;
    return turn >= 0 && turn < this.first.length - 1 ? this.first[turn]! : -1;
  }
}

/** The id of the tree row of block `index` of the line with `key`. */
export const blockRowId = (key: number, index: number) => `b${key}:${index}`;

/** Whether a row of a diagnostic's line is where it points: a block (or a raw line) it is in. */
const pointsAt = (r: Row, d: Diagnostic) => r.kind !== 'turn' && (d.block === undefined || r.block === undefined || r.block === d.block);

/** Rows made all at once: the raw view's, a row per line and one under it for each subagent it ran. */
class RowArray implements Rows {
  constructor(private readonly rows: readonly Row[]) {}

  get length(): number {
    return this.rows.length;
  }

  at(i: number): Row | undefined {
    return this.rows[i];
  }

  slice(start: number, end: number): Row[] {
    return this.rows.slice(start, end);
  }

  indexOfId(id: string): number {
    return this.rows.findIndex((r) => r.id === id);
  }

  findIndex(test: (row: Row) => boolean): number {
    return this.rows.findIndex(test);
  }

  rowOf(d: Diagnostic): number {
    // A line's own row comes first (its subagents' after it) and stands for all of the line.
    return this.rows.findIndex((r) => r.pos === d.pos);
  }
}

/** The file name of the subagent transcript a block's call ran, if `subagents` (file names by call id) has one. */
const subagentOf = (b: BlockInfo, subagents: ReadonlyMap<string, string>) => (b.type === 'tool_use' && b.id !== undefined ? subagents.get(b.id) : undefined);

/** Raw rows: every line of the file, and under a line with a call that ran a subagent, a row for its transcript (as in treeRows). */
export function rawRows(a: Analysis, subagents: ReadonlyMap<string, string> = NO_SUBAGENTS): Rows {
  const rows: Row[] = [];
  a.doc.lines.forEach((l, pos) => {
    const row: Row = { kind: 'line', id: `l${l.key}`, pos, turn: a.view.messageOf.get(pos) };
    rows.push(row);
    if (!subagents.size) return;
    l.info.blocks.forEach((b, block) => {
      const subagent = subagentOf(b, subagents);
      if (subagent !== undefined) rows.push({ ...row, id: `${row.id}:${block}:subagent`, block, subagent });
    });
  });
  return new RowArray(rows);
}

/** The id of the call whose subagent transcript is at a row: its own row's, or its call's (a block, or a line's first such call). */
export function subagentCallAt(a: Analysis, row: Row | undefined, subagents: ReadonlyMap<string, string>): string | undefined {
  if (!row || row.kind === 'turn') return undefined;
  const blocks = a.doc.lines[row.pos]!.info.blocks;
  const call = (row.block === undefined ? blocks.find((b) => subagentOf(b, subagents) !== undefined) : blocks[row.block])?.id;
  return call !== undefined && subagents.has(call) ? call : undefined;
}

/** The lines of the active chain and of the chain before the last compaction. */
export interface ChainSets {
  readonly active: ReadonlySet<number>;
  readonly before: ReadonlySet<number>;
}

/** Why a line is not part of the request, for the raw view. */
function lineNote(a: Analysis, chains: ChainSets, pos: number): string {
  const i = a.doc.lines[pos]!.info;
  if (i.kind !== 'entry') return i.kind === 'blank' ? 'blank' : 'unreadable';
  if (i.isSidechain) return 'sidechain';
  if (chains.before.has(pos)) return 'before compaction';
  if (chains.active.has(pos)) return 'not sent';
  if (i.uuid) return 'dead branch';
  return 'metadata';
}

/** How far a subagent's row is indented: under its call's text. */
const SUBAGENT_INDENT = '      ';

/** A row's text as the tree shows it (`chains` is asked for raw lines only). */
export function rowLabel(a: Analysis, row: Row, collapsed: ReadonlySet<number>, chains: () => ChainSets): string {
  const { doc } = a;
  if (row.subagent !== undefined) return `${SUBAGENT_INDENT}↳ subagent ${row.subagent}`;
  if (row.kind === 'block') return `    ${describeBlock(doc.lines[row.pos]!.info.blocks[row.block!]!)}`;
  if (row.kind === 'turn') {
    const m = a.view.messages[row.turn!]!;
    const first = m.blocks.find((b) => b.info.type === 'text' && !b.info.whitespace && !b.info.empty) ?? m.blocks[0];
    const range = m.lines.length > 1 ? `lines ${m.lines[0]! + 1}–${m.lines[m.lines.length - 1]! + 1}` : `line ${m.lines[0]! + 1}`;
    const open = !collapsed.has(doc.lines[m.lines[0]!]!.key);
    return `${open ? '▾' : '▸'} #${row.turn! + 1} ${m.role.padEnd(9)} ${String(m.blocks.length).padStart(2)} block${m.blocks.length === 1 ? ' ' : 's'}  ${range}  ${first ? first.info.preview : ''}`;
  }
  const i = doc.lines[row.pos]!.info;
  const what = i.kind === 'entry' ? [i.type, i.subtype].filter(Boolean).join('/') : (i.error ?? '');
  const where = row.turn !== undefined ? `#${row.turn + 1}` : `(${lineNote(a, chains(), row.pos)})`;
  return `L${String(row.pos + 1).padEnd(6)} ${what.padEnd(22).slice(0, 22)} ${where.padEnd(6)} ${i.blocks[0]?.preview ?? ''}`;
}

/** The markers of a row: for a turn, the problems of all its lines; for a block, its own; none for a subagent's (the tree marks it with its transcript's). */
export function rowMarks(a: Analysis, byPos: Map<number, Diagnostic[]>, row: Row): Marks {
  if (row.subagent !== undefined) return { rules: [] };
  let ds: Diagnostic[];
  if (row.kind === 'turn') ds = a.view.messages[row.turn!]!.lines.flatMap((p) => byPos.get(p) ?? []).filter((d) => d.severity !== 'info');
  else if (row.kind === 'block') ds = (byPos.get(row.pos) ?? []).filter((d) => d.severity !== 'info' && (d.block === undefined || d.block === row.block));
  else ds = byPos.get(row.pos) ?? [];
  return { severity: worst(ds), rules: unique(ds.map((d) => d.rule)) };
}
