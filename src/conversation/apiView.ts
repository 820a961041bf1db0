import { type Doc, type Line, entryOf } from '../transcript/document.js';
import { valueAt } from '../transcript/jsonPath.js';
import type { BlockInfo } from '../transcript/lineInfo.js';
import type { Graph } from './graph.js';

/** One content block of the rebuilt request, with where it came from. */
export interface ViewBlock {
  /** Position of the line in `doc.lines`. */
  readonly pos: number;
  /** Index of the block among the line's blocks. */
  readonly index: number;
  readonly info: BlockInfo;
}

export interface ViewMessage {
  readonly role: 'user' | 'assistant';
  readonly blocks: readonly ViewBlock[];
  /** Positions of every line merged into this message, in send order. */
  readonly lines: readonly number[];
}

export interface ApiView {
  readonly messages: readonly ViewMessage[];
  /** line position -> index of the message it went into. */
  readonly messageOf: ReadonlyMap<number, number>;
}

/**
 * Lines Claude Code keeps in the file but never sends. A compact summary is
 * marked transcript-only by 2.1.x and still sent: it is the earlier context.
 */
function isSent(l: Line): boolean {
  const i = l.info;
  if (i.kind !== 'entry' || i.role === undefined || i.isSidechain || i.isApiErrorMessage) return false;
  return !i.isVisibleInTranscriptOnly || i.isCompactSummary;
}

/**
 * Rebuilds the messages Claude Code would send for `chain` (DESIGN §3): the
 * chain itself, plus the other lines of each split assistant response and the
 * tool_result lines hanging off them (parallel tool calls put all results but
 * the last on side branches), merged into alternating messages.
 */
export function buildApiView(doc: Doc, graph: Graph, chain: readonly number[] = graph.chain): ApiView {
  // The sent assistant lines of the response a line belongs to (found through the graph's message index).
  const responseLines = (mid: number) => Array.from(graph.linesOfMessage(mid)).filter((i) => doc.lines[i]!.info.type === 'assistant' && isSent(doc.lines[i]!));

  const order: number[] = [];
  const emitted = new Uint8Array(doc.lines.length);
  const emit = (p: number) => {
    if (!emitted[p] && isSent(doc.lines[p]!)) {
      emitted[p] = 1;
      order.push(p);
    }
  };
  for (const p of chain) {
    if (emitted[p]) continue;
    const l = doc.lines[p]!;
    // An assistant line that lost its message.id is a response of its own: its results are gathered too.
    const group = l.info.type !== 'assistant' || !isSent(l) ? undefined : l.info.mid >= 0 ? responseLines(l.info.mid) : [p];
    if (!group) {
      emit(p);
      continue;
    }
    group.forEach(emit);
    const results: number[] = [];
    for (const g of group) {
      // A line whose uuid a later line also carries names nothing: children of that uuid belong to the later line.
      const uuid = doc.lines[g]!.info.uuid;
      for (const c of uuid && graph.posOf(uuid) === g ? graph.childrenOf(uuid) : []) {
        const child = doc.lines[c]!;
        if (child.info.type === 'user' && child.info.blocks.some((b) => b.type === 'tool_result')) results.push(c);
      }
    }
    results.sort((a, b) => a - b).forEach(emit);
  }

  const messages: { role: 'user' | 'assistant'; blocks: ViewBlock[]; lines: number[]; messageId?: string }[] = [];
  const messageOf = new Map<number, number>();
  for (const p of order) {
    const info = doc.lines[p]!.info;
    const role = info.role!;
    const last = messages[messages.length - 1];
    const joins = last && last.role === role && (role === 'user' || (!!info.messageId && last.messageId === info.messageId));
    const target = joins ? last : { role, blocks: [], lines: [], messageId: info.messageId };
    if (!joins) messages.push(target);
    target.lines.push(p);
    info.blocks.forEach((b, index) => target.blocks.push({ pos: p, index, info: b }));
    messageOf.set(p, messages.length - 1);
  }
  return { messages: messages.map(({ role, blocks, lines }) => ({ role, blocks, lines })), messageOf };
}

/** The JSON body Claude Code would send as `messages`, read back from the lines. */
export function renderApiMessages(doc: Doc, view: ApiView): unknown[] {
  const entries = new Map<number, Record<string, unknown> | null>();
  const entryAt = (pos: number) => {
    if (!entries.has(pos)) entries.set(pos, entryOf(doc, doc.lines[pos]!));
    return entries.get(pos)!;
  };
  return view.messages.map((m) => ({
    role: m.role,
    content: m.blocks.map((vb) => {
      const v = valueAt(entryAt(vb.pos), vb.info.path);
      return typeof v === 'string' ? { type: 'text', text: v } : v;
    }),
  }));
}
