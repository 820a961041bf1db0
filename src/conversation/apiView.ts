import { ASSISTANT, RESULTS, SENT, columnsOf } from '../transcript/columns.js';
import { type Doc, entryOf } from '../transcript/document.js';
import { valueAt } from '../transcript/jsonPath.js';
import type { BlockInfo, LineInfo } from '../transcript/lineInfo.js';
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

/** Line position -> index of the message it went into. */
export interface MessageIndex {
  get(pos: number): number | undefined;
  /** How many lines went into messages. */
  readonly size: number;
}

export interface ApiView {
  readonly messages: readonly ViewMessage[];
  readonly messageOf: MessageIndex;
}

/** A MessageIndex over a typed array (-1: not sent): filling a Map of 30k numbers costs more than the rest of the view. */
function messageIndex(at: Int32Array, size: number): MessageIndex {
  return {
    get: (pos) => {
      const m = at[pos] ?? -1;
      return m === -1 ? undefined : m;
    },
    size,
  };
}

/**
 * Rebuilds the messages Claude Code would send for `chain` (DESIGN §3): the
 * chain itself, plus the other lines of each split assistant response and the
 * tool_result lines hanging off them (parallel tool calls put all results but
 * the last on side branches), merged into alternating messages.
 */
export function buildApiView(doc: Doc, graph: Graph, chain: readonly number[] = graph.chain): ApiView {
  const { lines } = doc;
  // Which lines are sent, answer, or hold results: read from the columns, not from 30k line objects.
  const { flags, uid, mid } = columnsOf(lines);
  const order: number[] = [];
  const emitted = new Uint8Array(lines.length);
  const emit = (p: number) => {
    if (!emitted[p] && flags[p]! & SENT) {
      emitted[p] = 1;
      order.push(p);
    }
  };
  const isSentAssistant = (p: number) => (flags[p]! & (SENT | ASSISTANT)) === (SENT | ASSISTANT);
  for (const p of chain) {
    if (emitted[p]) continue;
    if (!isSentAssistant(p)) {
      emit(p);
      continue;
    }
    // The response's sent assistant lines (found through the graph's message index; a line that lost
    // its message.id is a response of its own), then the tool_result lines hanging off them.
    const group = mid[p]! >= 0 ? graph.linesOfMessage(mid[p]!) : [p];
    let results: number[] | undefined;
    for (const g of group) {
      if (!isSentAssistant(g)) continue;
      emit(g);
      // A line whose uuid a later line also carries names nothing: children of that uuid belong to the later line.
      if (uid[g]! < 0 || graph.posOfId(uid[g]!) !== g) continue;
      for (const c of graph.childrenOfId(uid[g]!)) if (flags[c]! & RESULTS) (results ??= []).push(c);
    }
    results?.sort((a, b) => a - b).forEach(emit);
  }

  // Merge the lines into messages. Each message's arrays are made at their final size: grown by push,
  // 18k messages' spare capacity was most of what a long session's view allocated.
  const messages: ViewMessage[] = [];
  const messageOf = new Int32Array(lines.length).fill(-1);
  const close = (from: number, to: number) => {
    if (to <= from) return;
    const at = order.slice(from, to);
    let count = 0;
    for (const p of at) count += lines[p]!.info.blocks.length;
    const blocks = new Array<ViewBlock>(count);
    let b = 0;
    for (const p of at) {
      const infos = lines[p]!.info.blocks;
      for (let index = 0; index < infos.length; index++) blocks[b++] = { pos: p, index, info: infos[index]! };
    }
    messages.push({ role: lines[at[0]!]!.info.role!, blocks, lines: at });
  };
  // The line that opened the current message: a line of the same role joins it (an assistant line only
  // with the same message.id: the rest of one response).
  let opener: LineInfo | undefined;
  let first = 0;
  for (let k = 0; k < order.length; k++) {
    const info = lines[order[k]!]!.info;
    if (!opener || info.role !== opener.role || (info.role === 'assistant' && (!info.messageId || info.messageId !== opener.messageId))) {
      close(first, k);
      first = k;
      opener = info;
    }
    messageOf[order[k]!] = messages.length;
  }
  close(first, order.length);
  return { messages, messageOf: messageIndex(messageOf, order.length) };
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
