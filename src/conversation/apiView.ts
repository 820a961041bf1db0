import { type Steps, finish, memoised } from './steps.js';
import {
  API_ERROR,
  ASSISTANT,
  ATTACHMENT,
  BATCH_ENTRY,
  BATCH_ENTRY_ID,
  LOCAL_COMMAND,
  LONE_SURROGATE,
  MAX_TOOL_NAME,
  RESULTS,
  SENT,
  TASK_CALL,
  columnsOf,
  isLocalCommandInfo,
  linesFlagged,
  keyPositions,
} from '../transcript/columns.js';
import { type Doc, type Line, entryOf } from '../transcript/document.js';
import { internedCount } from '../transcript/intern.js';
import { valueAt } from '../transcript/jsonPath.js';
import { type BlockInfo, blockInfoOf, type LineInfo } from '../transcript/lineInfo.js';
import { type BehaviourId, ByAnswers, type Client, NEWEST } from './clients.js';
import type { Graph } from './graph.js';

/** One content block of the rebuilt request, with where it came from. */
export interface ViewBlock {
  /** Position of the line in `doc.lines` (for a block the client makes: the line it follows). */
  readonly pos: number;
  /** Index of the block among the line's blocks; -1 for a block the client makes. */
  readonly index: number;
  readonly info: BlockInfo;
  /** What the client sends instead of the line's block (or, for a block it makes, the block). */
  readonly replacement?: unknown;
  /** Text the client adds at the end of a text block. */
  readonly suffix?: string;
  /** The behaviour by which the client words a text block its own way (see REWORDINGS). */
  readonly reworded?: BehaviourId;
  /** The name the client sends a tool_use under instead of its own. */
  readonly renamed?: string;
  /** Reminder texts the client appends to a tool_result's content. */
  readonly folded?: readonly ViewBlock[];
  /** Sent with U+FFFD for each unpaired UTF-16 surrogate of its strings. */
  readonly sanitized?: boolean;
}

export interface ViewMessage {
  readonly role: 'user' | 'assistant';
  readonly blocks: readonly ViewBlock[];
  /** Positions of every line merged into this message, in send order (none for a message the client makes). */
  readonly lines: readonly number[];
}

/** Line position -> index of the message it went into. */
export interface MessageIndex {
  get(pos: number): number | undefined;
  /** How many lines went into messages. */
  readonly size: number;
}

/**
 * What a client changes on the way: a block it drops, changes or makes, or a
 * line it leaves out. Rules report these as what the client patches.
 */
export interface Patch {
  readonly by: BehaviourId;
  readonly change: 'dropped' | 'changed' | 'made' | 'moved';
  readonly pos: number;
  /** The block of the line; -1 for the whole line or a made block. */
  readonly index: number;
  /** The message it is (or would have been) in. */
  readonly message: number;
}

export interface ApiView {
  readonly client: Client;
  readonly messages: readonly ViewMessage[];
  readonly messageOf: MessageIndex;
  readonly patches: readonly Patch[];
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

/** What a client sends where a message would be left with nothing else, and where the conversation ends on a prompt. */
export const NO_CONTENT = '(no content)';
export const NO_RESPONSE = 'No response requested.';
export const CONTINUE = 'Continue from where you left off.';
export const TOOL_CALL_INTERRUPTED =
  "[Tool call interrupted: the session ended before this call's result was recorded, so its outcome is unknown. Check whether it took effect before relying on it or running it again.]";

/** Lines of the chain gone through per step of linesSent: a 2 GB session's million are a few dozen steps. */
const SENT_PER_STEP = 20_000;

/**
 * The lines a client sends for `chain`, in order. Every client sends a split
 * assistant response as one message, its lines gathered by message.id, then the
 * tool_result lines hanging off them, even when results were written between
 * its tool_use lines. A client that sends parallel calls whole also takes the
 * response's lines and results that sit on side branches (parallel tool calls
 * put all results but the last there); an older one only those on the chain.
 */
function* linesSent(doc: Doc, graph: Graph, client: Client, walked: readonly number[]): Steps<number[]> {
  // Each behaviour is asked where it decides something (see ByAnswers): a document without API errors,
  // local commands, side branches or a preserved segment is sent alike by clients that differ on them.
  const kept = walked.length > 0 && doc.lines[walked[0]!]!.info.preservedSegment !== undefined;
  const chain = kept && client.has('splice-preserved-segment') ? withPreservedSegment(doc, graph, walked, client.has('relink-preserved-messages')) : walked;
  // Which lines are sent, answer, or hold results: read from the columns, not from 30k line objects.
  const { flags, uid, mid, stamp } = columnsOf(doc.lines);
  const order: number[] = [];
  const emitted = new Uint8Array(doc.lines.length);
  // Where each line stands on the chain (1-based; 0: off it): a response's lines go in chain order.
  const inChain = new Uint32Array(doc.lines.length);
  chain.forEach((p, i) => {
    inChain[p] = i + 1;
  });
  const emit = (p: number) => {
    if (!emitted[p] && flags[p]! & SENT && (inChain[p] || client.has('side-branches')) && (!(flags[p]! & LOCAL_COMMAND) || client.has('send-local-commands'))) {
      emitted[p] = 1;
      order.push(p);
    }
  };
  const isSentAssistant = (p: number) => (flags[p]! & (SENT | ASSISTANT)) === (SENT | ASSISTANT);
  let read = 0;
  for (const p of chain) {
    if (++read % SENT_PER_STEP === 0) yield;
    if (emitted[p]) continue;
    if (flags[p]! & API_ERROR && client.has('send-api-errors')) {
      emitted[p] = 1;
      order.push(p);
      continue;
    }
    if (!isSentAssistant(p) || !client.has('gather-split-responses')) {
      emit(p);
      continue;
    }
    // The response's sent assistant lines (found through the graph's message index; a line that lost
    // its message.id is a response of its own), then the tool_result lines hanging off them.
    let group: ArrayLike<number> & Iterable<number> = mid[p]! >= 0 ? graph.linesOfMessage(mid[p]!) : [p];
    // A client that takes the side branches too puts the response's lines the chain holds first, then
    // the others, oldest first (after a gap it did not bridge, the response's opening lines come last).
    if (group.length > 1) group = withChainFirst(group, inChain, stamp);
    let results: number[] | undefined;
    for (const g of group) {
      if (!isSentAssistant(g)) continue;
      emit(g);
      // A line whose uuid a later line also carries names nothing: children of that uuid belong to the later line.
      if (uid[g]! < 0 || graph.posOfId(uid[g]!) !== g) continue;
      for (const c of graph.childrenOfId(uid[g]!)) if (flags[c]! & RESULTS) (results ??= []).push(c);
    }
    // A client that takes each call's results in turn sends them in the order they were written by their
    // timestamps (call by call where those tie or are missing); the others in file order.
    if (results && results.length > 1) {
      const inFile = [...results].sort((a, b) => a - b);
      const written = byTime(results, stamp);
      results = written.some((r, i) => r !== inFile[i]) && client.has('results-in-call-order') ? written : inFile;
    }
    results?.forEach(emit);
  }
  return order;
}

/** Positions in the order of their lines' timestamps, stably (kept as they are when one has none). */
function byTime(positions: number[], stamp: Float64Array): number[] {
  const at = positions.map((p) => stamp[p]!);
  if (at.some(Number.isNaN)) return positions;
  return positions
    .map((p, i) => ({ p, t: at[i]! }))
    .sort((a, b) => a.t - b.t)
    .map((x) => x.p);
}

/** A response's lines those the chain holds first, in chain order, then the others by timestamp (file order breaks ties). */
function withChainFirst(group: ArrayLike<number> & Iterable<number>, inChain: Uint32Array, stamp: Float64Array): ArrayLike<number> & Iterable<number> {
  // Most responses lie on the chain in its order already: they are taken as they are, with nothing copied.
  let ordered = true;
  for (let k = 0; k < group.length && ordered; k++) ordered = inChain[group[k]!]! > (k === 0 ? 0 : inChain[group[k - 1]!]!);
  if (ordered) return group;
  const lines = [...group];
  const onChain = lines.filter((g) => inChain[g]).sort((a, b) => inChain[a]! - inChain[b]!);
  if (onChain.length === lines.length) return onChain;
  const at = (g: number) => stamp[g]! || 0;
  return [...onChain, ...lines.filter((g) => !inChain[g]).sort((a, b) => at(a) - at(b) || a - b)];
}

/**
 * The chain with the messages a compaction kept (its boundary's preserved
 * segment, head to tail) put back right after the summary they follow.
 */
function withPreservedSegment(doc: Doc, graph: Graph, chain: readonly number[], byList: boolean): readonly number[] {
  const kept = chain.length ? doc.lines[chain[0]!]!.info.preservedSegment : undefined;
  if (!kept) return chain;
  const anchor = graph.posOf(kept.anchor);
  const at = anchor === undefined ? -1 : chain.indexOf(anchor);
  if (at === -1) return chain;
  const listed = byList ? preservedList(doc, graph, chain[0]!) : undefined;
  if (listed?.length) {
    // The listed messages follow the anchor in their order, each under the one before: the chain's own copies go.
    const inList = new Set(listed);
    return [...chain.slice(0, at + 1), ...listed, ...chain.slice(at + 1).filter((p) => !inList.has(p))];
  }
  const segment: number[] = [];
  const inChain = new Set(chain);
  for (let p = graph.posOf(kept.tail); p !== undefined && !inChain.has(p) && segment.length < doc.lines.length; ) {
    segment.push(p);
    if (doc.lines[p]!.info.uuid === kept.head) break;
    const parent = doc.lines[p]!.info.parentUuid;
    p = parent ? graph.posOf(parent) : undefined;
  }
  if (!segment.length || doc.lines[segment[segment.length - 1]!]!.info.uuid !== kept.head) return chain;
  return [...chain.slice(0, at + 1), ...segment.reverse(), ...chain.slice(at + 1)];
}

/** The lines a compact boundary lists as kept (`compactMetadata.preservedMessages.uuids`), in its order, those the file holds. */
function preservedList(doc: Doc, graph: Graph, boundary: number): number[] | undefined {
  const metadata = entryOf(doc, doc.lines[boundary]!)?.compactMetadata as { preservedMessages?: { uuids?: unknown } } | undefined;
  const uuids = metadata?.preservedMessages?.uuids;
  if (!Array.isArray(uuids)) return undefined;
  return uuids.flatMap((u) => {
    const p = typeof u === 'string' ? graph.posOf(u) : undefined;
    return p === undefined ? [] : [p];
  });
}

/**
 * linesSent, once per chain and answers: every generation that walks a
 * document alike sends the same lines (a chain belongs to one graph of one
 * document, so it is the key).
 */
const sentLines = new WeakMap<readonly number[], ByAnswers<readonly number[]>>();

function* sentLinesSteps(doc: Doc, graph: Graph, client: Client, chain: readonly number[]): Steps<readonly number[]> {
  let known = sentLines.get(chain);
  if (!known) sentLines.set(chain, (known = new ByAnswers()));
  return yield* known.stepwise(client, (asking) => linesSent(doc, graph, asking, chain));
}

/** A block the client makes: a text, or a tool_result answering an interrupted call. */
function madeBlock(pos: number, value: { type: string } & Record<string, unknown>, tid = -1): ViewBlock {
  const info = blockInfoOf(value, []);
  info.tid = tid;
  return { pos, index: -1, info, replacement: value };
}

const madeText = (pos: number, text: string) => madeBlock(pos, { type: 'text', text });

/**
 * A message of a view under construction. The steps below never change one:
 * a step that patches a message makes a new one, so views of generations that
 * differ only in steps that change nothing here share every message.
 */
interface Draft {
  readonly role: 'user' | 'assistant';
  readonly blocks: readonly ViewBlock[];
  readonly lines: readonly number[];
  /** The behaviour whose removal took its last block (a message empty as written is sent empty). */
  readonly emptied?: BehaviourId;
}

/** Messages and what the client changed making them: the state each step of a view passes on. */
interface Stage {
  readonly messages: readonly Draft[];
  readonly patches: readonly Patch[];
}

/**
 * Which behaviour makes a client send an attachment line, by `attachment.type`
 * (null: no client sends it on resume). A type not listed is sent by the
 * clients that send the newest kinds.
 */
const ATTACHMENT_SENT_BY: Readonly<Record<string, BehaviourId | null>> = {
  file: 'attach-files',
  skill_listing: 'attach-skills',
  deferred_tools_delta: 'attach-deferred-tools',
  agent_listing_delta: 'attach-agents',
  total_tokens_reminder: 'attach-token-budget',
  remote_session_change: 'attach-attribution',
  environment: 'attach-context',
  model: 'attach-context',
  date: 'attach-context',
  session_context: 'attach-context',
  task_reminder: null,
};

/** How a client words an attachment's text its own way, by the behaviour that makes it, and the type it applies to. */
const REWORDINGS: Partial<Record<BehaviourId, { readonly type: string; readonly reword: (text: string) => string }>> = {
  'deferred-tools-short-header': {
    type: 'deferred_tools_delta',
    reword: (text) => text.replace(/^(<system-reminder>\nThe following deferred tools are now available via ToolSearch)\.[^\n]*:\n/, '$1:\n'),
  },
  'attribution-short-note': {
    type: 'remote_session_change',
    reword: (text) =>
      text.replace(
        /^(<system-reminder>\nAttribution for git commits and pull requests you create from here on )\([^)]*\):/,
        '$1(this replaces any earlier attribution guidance):',
      ),
  },
  'file-result-arrows': {
    type: 'file',
    reword: (text) => {
      const body = READ_RESULT.exec(text)?.[1];
      if (body === undefined) return text;
      const numbered = body
        .split('\n')
        .map((l) => l.replace(/^(\d+)\t/, (_, n: string) => `${n.padStart(6)}\u2192`))
        .join('\n');
      return `<system-reminder>\nResult of calling the Read tool: ${JSON.stringify(`${numbered}\n\n${MALWARE_NOTE}\n`)}\n</system-reminder>`;
    },
  },
  'file-result-malware-note': {
    type: 'file',
    reword: (text) => {
      const body = READ_RESULT.exec(text)?.[1];
      return body === undefined ? text : `<system-reminder>\nResult of calling the Read tool:\n${body}\n\n${MALWARE_NOTE}\n\n</system-reminder>`;
    },
  },
};

/** A `file` attachment's rendered result: the file's lines, each after its number and a tab. */
const READ_RESULT = /^<system-reminder>\nResult of calling the Read tool:\n([\s\S]*)\n<\/system-reminder>$/;

/** The note older clients add to every file they read into the conversation. */
const MALWARE_NOTE =
  '<system-reminder>\nWhenever you read a file, you should consider whether it would be considered malware. You CAN and SHOULD provide analysis of malware, what it is doing. But you MUST refuse to improve or augment the code. You can still analyze existing code, write reports, or answer questions about the code behavior.\n</system-reminder>';

const isAttachment = (info: LineInfo) => info.type === 'attachment';

function sendsAttachment(client: Client, info: LineInfo): boolean {
  const by = info.attachment === undefined ? undefined : ATTACHMENT_SENT_BY[info.attachment];
  return by !== null && client.has(by ?? 'attach-context');
}

/**
 * Attachments bubble up before the user lines in front of them, as far as the
 * last assistant line or tool result: each run of them goes, in order, right
 * after that stopping point.
 */
function hoisted(doc: Doc, lines: readonly number[]): readonly number[] {
  const out: number[] = [];
  const pending: number[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const p = lines[i]!;
    const info = doc.lines[p]!.info;
    if (isAttachment(info)) {
      pending.push(p);
      continue;
    }
    if (pending.length && (info.role === 'assistant' || info.blocks[0]?.type === 'tool_result')) {
      out.push(...pending);
      pending.length = 0;
    }
    out.push(p);
  }
  out.push(...pending);
  return out.reverse();
}

/**
 * The lines a client sends merged into messages: a line of the same role joins
 * the message before it (an assistant line only with the same message.id: the
 * rest of one response). An attachment's parts join a user message before it
 * (a client that folds reminders puts them into a tool_result that ends it);
 * after anything else each part is a user message of its own. A client that
 * drops blank text drops it here, and a message it leaves with nothing goes
 * with it (see withoutEmptyMessages).
 */
function* merge(doc: Doc, sent: readonly number[], client: Client): Steps<Stage> {
  // Each behaviour is asked where it decides something (see ByAnswers), so clients that differ only in
  // behaviours this document never calls on share the merge.
  const infos = doc.lines;
  // Which lines are attachments is read from the columns: a look at each line's info costs more than the merge resumed.
  const { flags } = columnsOf(infos);
  const attachments = sent.some((p) => flags[p]! & ATTACHMENT);
  const filtered = attachments ? sent.filter((p) => !(flags[p]! & ATTACHMENT) || sendsAttachment(client, infos[p]!.info)) : sent;
  const hoisting = attachments && filtered.some((p) => flags[p]! & ATTACHMENT) ? hoisted(doc, filtered) : filtered;
  const lines = hoisting !== filtered && hoisting.some((p, i) => p !== filtered[i]) && client.has('hoist-attachments') ? hoisting : filtered;
  // What the loop asks is kept with its trace: a later version resumes it only for a client that answers alike.
  const answers = new Map<BehaviourId, boolean>();
  const has = (id: BehaviourId) => {
    let yes = answers.get(id);
    if (yes === undefined) answers.set(id, (yes = client.has(id)));
    return yes;
  };
  const from = resumable(doc, lines, client);
  // Past the last line the edit changed, a message the trace opened where this merge opens one is merged alike from there on.
  const tail = endOf(doc, lines, client);
  // Finding where to resume and which end to take is a pass over each end of the lines: a step of its own.
  yield;
  // What is taken from the traces went the same way for their answers: they are asked again, so ByAnswers keeps them.
  for (const t of [from?.trace, tail?.trace]) if (t) for (const [id] of t.answers) has(id);
  const c = from?.draft ?? 0;
  const drafts: RawDraft[] = from ? from.trace.drafts.slice(0, c) : [];
  const patches: Patch[] = from ? from.trace.patches.slice(0, from.trace.patchesBefore[c]) : [];
  const starts = from ? from.trace.starts.slice(0, c) : [];
  const openers = from ? from.trace.openers.slice(0, c) : [];
  const patchesBefore = from ? from.trace.patchesBefore.slice(0, c) : [];
  const droppedBefore = from ? from.trace.droppedBefore.slice(0, c) : [];
  let openerId = from ? from.trace.openers[c] : undefined;
  let droppedBlank = from ? from.trace.droppedBefore[c]! : false;
  const apart = new Set<ViewBlock>();
  let i = from ? from.trace.starts[c]! : 0;
  /**
   * Takes the messages of `tail` from its `d`th on, as merged: here they are `shift` messages later,
   * opened `tail.lines` lines earlier, and (when the tail moved) each line where its key is now.
   */
  const adopt = function* (tail: Tail, d: number): Steps<void> {
    const { trace: t, lines: back } = tail;
    const shift = drafts.length - d;
    const base = patches.length - t.patchesBefore[d]!;
    const at = tail.moved ? movedTo(doc, t.docLines) : undefined;
    for (let k = d; k < t.drafts.length; k++) {
      if ((k - d) % ADOPTED_PER_STEP === ADOPTED_PER_STEP - 1) yield;
      starts.push(t.starts[k]! - back);
      openers.push(t.openers[k]);
      patchesBefore.push(t.patchesBefore[k]! + base);
      droppedBefore.push(t.droppedBefore[k]!);
      drafts.push(at ? draftAt(t.drafts[k]!, at) : t.drafts[k]!);
    }
    for (let k = t.patchesBefore[d]!; k < t.ownPatches; k++) {
      if (k % ADOPTED_PER_STEP === ADOPTED_PER_STEP - 1) yield;
      const patch = t.patches[k]!;
      patches.push(shift || at ? { ...patch, pos: at ? at(patch.pos) : patch.pos, message: patch.message + shift } : patch);
    }
    droppedBlank = t.dropped;
  };
  const open = (draft: RawDraft) => {
    starts.push(i);
    openers.push(openerId);
    patchesBefore.push(patches.length);
    droppedBefore.push(droppedBlank);
    drafts.push(draft);
  };
  for (let read = 0; i < lines.length; i++) {
    if (++read % MERGED_PER_STEP === 0) yield;
    const p = lines[i]!;
    const info = infos[p]!.info;
    const role = info.role!;
    let last = drafts[drafts.length - 1];
    if (isAttachment(info)) {
      const reworded = REWORDING_IDS.find((id) => REWORDINGS[id]!.type === info.attachment && has(id));
      info.blocks.forEach((b, index) => {
        const block: ViewBlock = { pos: p, index, info: b, ...(reworded ? { reworded } : {}) };
        if (last?.role !== 'user') {
          open({ role: 'user', blocks: [block], lines: [p] });
          return;
        }
        // A reminder a client keeps apart stays a block of its own after the result, and the next is still folded into it.
        let at = last.blocks.length - 1;
        while (at >= 0 && apart.has(last.blocks[at]!)) at--;
        const end = last.blocks[at];
        if (!last.lines.includes(p)) last.lines.push(p);
        const afterResult = end?.info.type === 'tool_result' && has('fold-reminders-into-results');
        if (afterResult && info.attachment === 'remote_session_change' && has('attribution-apart-from-results')) {
          apart.add(block);
          last.blocks.push(block);
        } else if (afterResult && (!end!.info.listContent || has('fold-reminders-into-list-results'))) {
          last.blocks[at] = { ...end!, folded: [...(end!.folded ?? []), block] };
          patches.push({ by: 'fold-reminders-into-results', change: 'moved', pos: p, index, message: drafts.length - 1 });
        } else last.blocks.push(block);
      });
      last = drafts[drafts.length - 1];
      openerId = undefined;
      continue;
    }
    if (!last || role !== last.role || (role === 'assistant' && (!info.messageId || info.messageId !== openerId))) {
      const d = tail && i > tail.after ? openedAt(tail.trace, i + tail.lines) : -1;
      if (d !== -1 && tail!.trace.droppedBefore[d] === droppedBlank) {
        yield* adopt(tail!, d);
        break;
      }
      last = { role, blocks: [], lines: [] };
      open(last);
      openerId = info.messageId;
    } else if (role === 'user' && info.blocks[0]?.type === 'text') {
      // Joining a user entry to the message before ends that message's text with a newline.
      const end = last.blocks[last.blocks.length - 1];
      if (end?.info.type === 'text' && has('seam-newline')) last.blocks[last.blocks.length - 1] = endingInNewline(end);
    }
    last.lines.push(p);
    const blocks = info.blocks;
    for (let index = 0; index < blocks.length; index++) {
      const b = blocks[index]!;
      const drops = b.type === 'text' && (b.empty || b.whitespace) && has('drop-blank-text') && !(b.empty && keepsEmpty(role, blocks, has));
      if (drops) {
        droppedBlank = true;
        patches.push({ by: 'drop-blank-text', change: 'dropped', pos: p, index, message: drafts.length - 1 });
        continue;
      }
      last.blocks.push({ pos: p, index, info: b });
    }
  }
  // A client that drops blank text also drops messages empty as written.
  const drops = droppedBlank || (drafts.some((d) => !d.blocks.length) && client.has('drop-blank-text'));
  const ownPatches = patches.length;
  const stage = drops ? yield* withoutEmptyMessages(drafts, patches, client) : { messages: drafts, patches };
  remember(stage, {
    source: doc.source,
    lines,
    docLines: infos,
    answers: [...answers],
    drafts,
    patches,
    starts,
    openers,
    patchesBefore,
    droppedBefore,
    ownPatches,
    dropped: droppedBlank,
  });
  return stage;
}

/** Where each line of `was` (a version before `doc`) is in `doc`, by its key: for lines `doc` still has. */
function movedTo(doc: Doc, was: readonly Line[]): (pos: number) => number {
  const now = keyPositions(doc.lines);
  return (pos) => now[was[pos]!.key]!;
}

/** A message of a merge with each of its lines, and its blocks' (a folded reminder's too), where `at` says they are now. */
function draftAt(m: RawDraft, at: (pos: number) => number): RawDraft {
  return { role: m.role, blocks: m.blocks.map((b) => blockAt(b, at)), lines: m.lines.map(at) };
}

function blockAt(b: ViewBlock, at: (pos: number) => number): ViewBlock {
  return { ...b, pos: at(b.pos), ...(b.folded ? { folded: b.folded.map((f) => blockAt(f, at)) } : {}) };
}

/** Lines merged per step: a long session's merge is a few steps (see apiViewSteps). */
const MERGED_PER_STEP = 2000;
/** Messages taken per step from a merge an edit's merge resumes (each copied when its lines moved): on 2 GB they are 188k. */
const ADOPTED_PER_STEP = 4000;

/** A message as the merge builds it: only the newest one changes, and once the next opens it is never changed again. */
type RawDraft = { role: 'user' | 'assistant'; blocks: ViewBlock[]; lines: number[] };

/**
 * How a merge went, message by message: what the merge of a later version of
 * the document resumes from. The merge reads each line's info, in the order
 * sent, and the client's answers, and nothing else; so where a later version
 * sends the same line objects at the same positions, in the same order, up to
 * where a message opened, the merge went the same way up to there, for a
 * client that answers alike: the messages before it are taken as they are.
 */
interface MergeTrace {
  readonly source: Doc['source'];
  /** The lines merged, in order, and the document's lines they are positions in (a line an edit changes is another object). */
  readonly lines: readonly number[];
  readonly docLines: readonly Line[];
  /** What the merge asked the client. */
  readonly answers: readonly (readonly [BehaviourId, boolean])[];
  readonly drafts: readonly RawDraft[];
  /** The merge's own patches, the first `ownPatches` (withoutEmptyMessages adds its after them). */
  readonly patches: readonly Patch[];
  readonly ownPatches: number;
  /** Whether the merge dropped a blank text. */
  readonly dropped: boolean;
  /** For each message: the index in `lines` of the line that opened it, and the merge's state then. */
  readonly starts: readonly number[];
  readonly openers: readonly (string | undefined)[];
  readonly patchesBefore: readonly number[];
  readonly droppedBefore: readonly boolean[];
}

/**
 * The merges made last, of any document: an edit's merge looks for its previous version's among them.
 * A version's analysis merges for several generations (sent and as written), so the previous version's
 * are among the last few dozen.
 */
const RECENT_MERGES = 64;
const recentMerges: WeakRef<MergeTrace>[] = [];
/** A trace lives as long as the merge it traced (it goes with the views made from it). */
const traceOf = new WeakMap<Stage, MergeTrace>();

function remember(stage: Stage, trace: MergeTrace): void {
  traceOf.set(stage, trace);
  recentMerges.push(new WeakRef(trace));
  if (recentMerges.length > RECENT_MERGES) recentMerges.shift();
}

/** The index of the last of `sorted` (ascending) below `bound`; -1 if none. */
export function lastBelow(sorted: ArrayLike<number>, bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The recent merge this one can resume, and the message it resumes at: the
 * last one opened by a line before the first the two send differently. (A
 * message opened by the first line that differs is made again: that line may
 * now join the message before, which is then made again too; and a line is
 * merged whole, from the first message it opened.)
 */
function resumable(doc: Doc, lines: readonly number[], client: Client): { trace: MergeTrace; draft: number } | undefined {
  // The newest merge of the same file for a client that answers alike: most often the version just edited.
  for (let r = recentMerges.length - 1; r >= 0; r--) {
    const trace = recentMerges[r]!.deref();
    if (!trace || trace.source !== doc.source || !trace.answers.every(([id, yes]) => client.has(id) === yes)) continue;
    const n = Math.min(lines.length, trace.lines.length);
    let same = 0;
    while (same < n && lines[same] === trace.lines[same] && doc.lines[lines[same]!] === trace.docLines[lines[same]!]) same++;
    // The last message opened by a line before `same` (its lines up to `same` merge alike).
    let draft = lastBelow(trace.starts, same);
    // An attachment after an answer opens a message for each of its parts: its line is merged again from its first.
    while (draft > 0 && trace.starts[draft - 1] === trace.starts[draft]) draft--;
    if (draft > 0) return { trace, draft };
  }
  return undefined;
}

/** A recent merge whose end a merge can take: past index `after` of its lines, they are the trace's, `lines` further on in the trace's. */
interface Tail {
  readonly trace: MergeTrace;
  readonly after: number;
  readonly lines: number;
  /** Whether lines of the end are at other positions than in the trace (the edit added or removed lines before them). */
  readonly moved: boolean;
}

/**
 * The recent merge of the same file, for a client that answers alike, that merged the longest run
 * of the same lines at the end (see sameAfter). One whose lines are where they were is taken first:
 * its messages are taken as they are, while those of a moved end are copied to the lines' new places.
 */
function endOf(doc: Doc, lines: readonly number[], client: Client): Tail | undefined {
  let still: Tail | undefined;
  let moved: Tail | undefined;
  const last = lines.length - 1;
  for (let r = recentMerges.length - 1; r >= 0; r--) {
    const trace = recentMerges[r]!.deref();
    if (!trace || trace.source !== doc.source || !trace.answers.every(([id, yes]) => client.has(id) === yes)) continue;
    const back = trace.lines.length - lines.length;
    if (last < 0 || last + back < 0) continue;
    // A trace whose last line is elsewhere has a moved end, which only counts while no end stayed.
    const endMoved = lines[last] !== trace.lines[last + back];
    if (endMoved && still) continue;
    // The recent merges of a long session share most of their end: one is scanned back from its last
    // line only if it matches where the best end so far stops matching (on 200 MB each scan read up to
    // 100k lines, for each of dozens of merges).
    const bound = (endMoved ? moved : still)?.after;
    if (bound !== undefined && (bound + back < 0 || doc.lines[lines[bound]!] !== trace.docLines[trace.lines[bound + back]!])) continue;
    const tail = sameAfter(doc, lines, trace);
    const best = tail.moved ? moved : still;
    if (tail.after < (best?.after ?? last)) {
      if (tail.moved) moved = tail;
      else still = tail;
    }
  }
  return still ?? moved;
}

/**
 * How the end of `lines` is the end of the lines `trace` merged: the last index where they differ
 * (-1 when none does), after which the two merge the same line objects in the same order (an edit
 * may have changed which lines are sent before them). A line an edit changed is another object; one
 * it left is the same object, at a position moved by the lines added or removed before it.
 */
function sameAfter(doc: Doc, lines: readonly number[], trace: MergeTrace): Tail {
  const back = trace.lines.length - lines.length;
  let k = lines.length - 1;
  let moved = false;
  for (; k >= 0 && k + back >= 0; k--) {
    const was = trace.lines[k + back]!;
    if (doc.lines[lines[k]!] !== trace.docLines[was]) break;
    if (lines[k] !== was) moved = true;
  }
  return { trace, after: k, lines: back, moved };
}

/**
 * The message of `trace` that line `i` of its lines opened (a line that is no attachment opens one
 * at most), or -1. From there on a merge in the same state (a message opened at the same line, the
 * same blank text dropped before) of the same lines goes as the trace went: a message's merge reads
 * no message before it.
 */
function openedAt(trace: MergeTrace, i: number): number {
  const d = lastBelow(trace.starts, i + 1);
  return d >= 0 && trace.starts[d] === i ? d : -1;
}

const REWORDING_IDS = Object.keys(REWORDINGS) as BehaviourId[];

/** A text block sent with a newline at its end: where the next user entry joins its message (seam-newline). */
const endingInNewline = (b: ViewBlock): ViewBlock => ({ ...b, suffix: `${b.suffix ?? ''}\n` });

/** Whether the client keeps an empty text of this line (else, dropping blank text, it drops it): of a response, or beside an image. */
function keepsEmpty(role: 'user' | 'assistant', blocks: readonly BlockInfo[], has: (id: BehaviourId) => boolean): boolean {
  return role === 'assistant' ? has('keep-empty-response-text') : blocks.some((b) => b.type === 'image') && has('keep-empty-text-beside-image');
}

/**
 * A message left with no block (its text lines all blank) is dropped, and the
 * user messages around it are sent as one (user messages that were apart
 * already, such as an attachment's parts, stay apart). The last assistant
 * message is answered "No response requested." instead. Works on the fresh
 * drafts of a merge.
 */
function* withoutEmptyMessages(drafts: readonly RawDraft[], patches: Patch[], client: Client): Steps<Stage> {
  // The drafts are left as they are (a later merge may resume from them): a message changed here is a copy.
  const out: RawDraft[] = [];
  const copied = new Set<RawDraft>();
  const lastOut = () => {
    const prev = out[out.length - 1];
    if (!prev || copied.has(prev)) return prev;
    const copy = { role: prev.role, blocks: [...prev.blocks], lines: [...prev.lines] };
    copied.add(copy);
    out[out.length - 1] = copy;
    return copy;
  };
  const lastAssistant = drafts.findLastIndex((d) => d.role === 'assistant');
  let dropped = false;
  for (let i = 0; i < drafts.length; i++) {
    if (i % READ_PER_STEP === READ_PER_STEP - 1) yield;
    let d = drafts[i]!;
    if (!d.blocks.length) {
      // A client that asks to continue after tool results drops a last answer left with nothing after
      // them, and asks so (see endOnAnswer).
      const afterResults = out[out.length - 1]?.blocks.at(-1)?.info.type === 'tool_result';
      if (i === lastAssistant && !(afterResults && i === drafts.length - 1 && client.has('continue-after-results'))) {
        d = { ...d, blocks: [madeText(d.lines[d.lines.length - 1]!, NO_RESPONSE)] };
        patches.push({ by: 'drop-blank-text', change: 'made', pos: d.lines[d.lines.length - 1]!, index: -1, message: out.length });
      } else {
        lastOut()?.lines.push(...d.lines);
        dropped = true;
        continue;
      }
    }
    const prev = out[out.length - 1];
    const joins = dropped && prev?.role === d.role && d.role === 'user';
    dropped = false;
    if (prev && joins) {
      const into = lastOut()!;
      into.blocks.push(...d.blocks);
      into.lines.push(...d.lines);
      continue;
    }
    out.push(d);
  }
  return { messages: out, patches };
}

/**
 * What a step makes of a stage, pausing as it reads the messages (see eachMessage): undefined
 * when it changes nothing (then every generation with or without the step shares what follows).
 */
type Step = (messages: readonly Draft[], client: Client, doc: Doc) => Steps<Stepped | undefined>;

/** The messages a step made of a stage, and its patches. */
type Stepped = { messages: Draft[]; patches: Patch[] };

/** Messages a client's step reads between pauses: a pass over a 2 GB session's 188k is dozens of steps, not one. */
const READ_PER_STEP = 4000;

/** Calls `visit` on each message in turn, pausing every READ_PER_STEP of them. */
function* eachMessage(messages: readonly Draft[], visit: (m: Draft, i: number) => void): Steps<void> {
  for (let i = 0; i < messages.length; i++) {
    if (i % READ_PER_STEP === READ_PER_STEP - 1) yield;
    visit(messages[i]!, i);
  }
}

/** Tool results open their user message: a client moves them before the text around them. */
const resultsFirst: Step = function* (messages) {
  let out: Draft[] | undefined;
  const patches: Patch[] = [];
  yield* eachMessage(messages, (m, i) => {
    if (m.role !== 'user') return;
    let results = 0;
    let misplaced = false;
    for (const b of m.blocks) {
      if (b.info.type !== 'tool_result') continue;
      if (m.blocks[results] !== b) misplaced = true;
      results++;
    }
    if (!misplaced) return;
    const first = m.blocks.filter((b) => b.info.type === 'tool_result');
    first.forEach((r) => {
      if (m.blocks.indexOf(r) >= first.length) patches.push({ by: 'results-first', change: 'moved', pos: r.pos, index: r.index, message: i });
    });
    out ??= messages.slice();
    out[i] = { ...m, blocks: [...first, ...m.blocks.filter((b) => b.info.type !== 'tool_result')] };
  });
  return out && { messages: out, patches };
};

/**
 * Whether the line at a position has `bit` (see columns.ts), or undefined when no line of `doc`
 * has it. A step after a shape few lines have reads the columns, not every message's lines and
 * blocks (on 2 GB such a pass over them was a step of 120-160 ms).
 */
function flaggedLines(doc: Doc, bit: number): ((pos: number) => boolean) | undefined {
  const flags = linesFlagged(doc.lines, bit);
  return flags && ((pos) => (flags[pos]! & bit) !== 0);
}

/** An interned-id set sized to every id, cleared by list. */
class Ids {
  private readonly has = new Uint8Array(internedCount());
  private readonly added: number[] = [];
  add(id: number): void {
    if (id < 0 || this.has[id]) return;
    this.has[id] = 1;
    this.added.push(id);
  }
  contains(id: number): boolean {
    return id >= 0 && this.has[id] === 1;
  }
  clear(): void {
    for (const id of this.added) this.has[id] = 0;
    this.added.length = 0;
  }
}

/** A step's copy of the messages, made on its first change, and the patches it makes. */
class Patching {
  messages?: Draft[];
  readonly patches: Patch[] = [];
  constructor(private readonly from: readonly Draft[]) {}

  /** The message at `i` as patched so far. */
  at(i: number): Draft | undefined {
    return (this.messages ?? this.from)[i];
  }

  /** Removes blocks from message `i`; one emptied is marked for `withoutEmptied` to take out. */
  remove(i: number, gone: ReadonlySet<ViewBlock>, by: BehaviourId): void {
    if (!gone.size) return;
    const m = this.at(i)!;
    for (const b of gone) this.patches.push({ by, change: 'dropped', pos: b.pos, index: b.index, message: i });
    const blocks = m.blocks.filter((b) => !gone.has(b));
    this.put(i, { ...m, blocks, ...(blocks.length ? {} : { emptied: by }) });
  }

  put(i: number, m: Draft): void {
    this.messages ??= this.from.slice();
    this.messages[i] = m;
  }

  result(): { messages: Draft[]; patches: Patch[] } | undefined {
    return this.messages && { messages: this.messages, patches: this.patches };
  }
}

/** The tool_use blocks of an assistant message. */
const callsOf = (m: Draft | undefined) => (m?.role === 'assistant' ? m.blocks.filter((b) => b.info.type === 'tool_use') : []);

const hasCalls = (m: Draft) => m.role === 'assistant' && m.blocks.some((b) => b.info.type === 'tool_use');

const NO_BLOCKS: ReadonlySet<ViewBlock> = new Set();

/**
 * The blocks `pick` takes, in order, as a set: none is made when it takes none. The steps below
 * ask this of every message of a long session, where they change next to nothing; sets and
 * filtered arrays made for each message were most of what those steps cost (garbage collections).
 */
function picked(blocks: readonly ViewBlock[], pick: (b: ViewBlock) => boolean): ReadonlySet<ViewBlock> {
  let out: Set<ViewBlock> | undefined;
  for (const b of blocks) if (pick(b)) (out ??= new Set()).add(b);
  return out ?? NO_BLOCKS;
}

/** The tool_use blocks of `m` whose id was seen before in `seen` (which then holds every call id of `m`). */
function repeatedCalls(m: Draft, seen: Ids): ReadonlySet<ViewBlock> {
  let out: Set<ViewBlock> | undefined;
  for (const b of m.blocks) {
    if (b.info.type !== 'tool_use') continue;
    if (seen.contains(b.info.tid)) (out ??= new Set()).add(b);
    else seen.add(b.info.tid);
  }
  return out ?? NO_BLOCKS;
}

/** A tool_result whose call is not in the previous message is removed (one that opens the request stays). */
const dropOrphanResults: Step = function* (messages) {
  const out = new Patching(messages);
  const called = new Ids();
  const orphan = (b: ViewBlock) => b.info.type === 'tool_result' && !called.contains(b.info.tid);
  yield* eachMessage(messages, (m, i) => {
    if (m.role !== 'user' || i === 0 || !m.blocks.some((b) => b.info.type === 'tool_result')) return;
    called.clear();
    const before = messages[i - 1]!;
    if (before.role === 'assistant') for (const b of before.blocks) if (b.info.type === 'tool_use') called.add(b.info.tid);
    out.remove(i, picked(m.blocks, orphan), 'drop-orphan-results');
  });
  return out.result();
};

/** A tool_use repeated within one response (its line written twice) is sent once: the later copy goes, the result stays. */
const dedupeCallsInResponse: Step = function* (messages) {
  const out = new Patching(messages);
  const seen = new Ids();
  yield* eachMessage(messages, (m, i) => {
    if (!hasCalls(m)) return;
    seen.clear();
    out.remove(i, repeatedCalls(m, seen), 'dedupe-calls-in-response');
  });
  return out.result();
};

/**
 * A tool_result line written again under itself (the copy's parent is the
 * line of the first result for that call) is sent once: the copy's result goes.
 * Two results of one call that both hang off the call are sent as written.
 */
const dedupeRewrittenResults: Step = function* (messages, _client, doc) {
  const out = new Patching(messages);
  // The line of each call's first result in the message, by call id.
  const first = new Map<number, number>();
  const rewritten = (b: ViewBlock) => {
    if (b.info.type !== 'tool_result' || b.info.tid < 0) return false;
    const at = first.get(b.info.tid);
    if (at === undefined) first.set(b.info.tid, b.pos);
    return at !== undefined && at !== b.pos && doc.lines[b.pos]!.info.parentUuid === doc.lines[at]!.info.uuid;
  };
  yield* eachMessage(messages, (m, i) => {
    if (m.role !== 'user') return;
    first.clear();
    out.remove(i, picked(m.blocks, rewritten), 'dedupe-rewritten-results');
  });
  return out.result();
};

/** What a client sends instead of the tool results a resumed request would open with. */
export const ORPHAN_REMOVED = '[Orphaned tool result removed due to conversation resume]';

/**
 * Tool results that open the request (what follows a gap the client did not
 * bridge) answer nothing: they are removed, or replaced by a note saying so.
 */
const dropOpeningOrphans: Step = function* (messages, client) {
  const first = messages[0];
  if (first?.role !== 'user' || !first.blocks.some((b) => b.info.type === 'tool_result')) return undefined;
  const out = new Patching(messages);
  const results = first.blocks.filter((b) => b.info.type === 'tool_result');
  out.remove(0, new Set(results), 'drop-opening-orphans');
  if (client.has('note-opening-orphans')) {
    const at = results[0]!.pos;
    const kept = out.at(0)!;
    out.put(0, { role: 'user', lines: kept.lines, blocks: [madeText(at, ORPHAN_REMOVED), ...kept.blocks] });
    out.patches.push({ by: 'note-opening-orphans', change: 'made', pos: at, index: -1, message: 0 });
  }
  return out.result();
};

/** A tool_use whose id was used before is removed, and its result with it. */
const dedupeToolIds: Step = function* (messages) {
  const out = new Patching(messages);
  const seen = new Ids();
  yield* eachMessage(messages, (m, i) => {
    if (!hasCalls(m)) return;
    const again = repeatedCalls(m, seen);
    if (!again.size) return;
    const ids = new Set([...again].map((c) => c.info.tid));
    out.remove(i, again, 'dedupe-tool-ids');
    const answer = out.at(i + 1);
    if (answer?.role === 'user')
      out.remove(i + 1, new Set(answer.blocks.filter((b) => b.info.type === 'tool_result' && ids.has(b.info.tid))), 'dedupe-tool-ids');
  });
  return out.result();
};

/** What a client sends as the result of a call whose result it took for an entry of a batch call. */
export const RESULT_MISSING = '[Tool result missing due to internal error]';

/**
 * A tool_result whose id is another call's id and `_<n>` is taken for the
 * result of one entry of a batch call by that id and folded into a result for
 * that call. Its own call is then unanswered: the client puts an is_error
 * result saying so first in the message, and drops the folded result, which
 * answers no call of the message before. (Where the other call is in the
 * message before too, the folded result stays; no recording shows that, so it
 * is sent as written here.)
 */
const batchEntryResults: Step = function* (messages, _client, doc) {
  // Most sessions have no such id, which the lines' flags tell (a result the client made answers a call: its line has the id).
  if (!flaggedLines(doc, BATCH_ENTRY_ID)) return undefined;
  const suffixed = (b: ViewBlock) => b.info.type === 'tool_result' && b.info.toolUseId !== undefined && BATCH_ENTRY.test(b.info.toolUseId);
  // No set of every call id is made for a session whose results have none.
  if (!messages.some((m) => m.role === 'user' && m.blocks.some(suffixed))) return undefined;
  const calls = new Set<string>();
  for (const m of messages) for (const c of callsOf(m)) if (c.info.id !== undefined) calls.add(c.info.id);
  const entryOf = (b: ViewBlock) => {
    if (!suffixed(b)) return undefined;
    const id = b.info.toolUseId!;
    const batch = id.slice(0, BATCH_ENTRY.exec(id)!.index);
    return calls.has(batch) ? batch : undefined;
  };
  const out = new Patching(messages);
  yield* eachMessage(messages, (m, i) => {
    if (m.role !== 'user' || i === 0) return;
    const before = callsOf(messages[i - 1]);
    const folded = m.blocks.filter((b) => {
      const batch = entryOf(b);
      return batch !== undefined && !before.some((c) => c.info.id === batch);
    });
    if (!folded.length) return;
    // Each in its call's order, made where the result it stands for was.
    const made = before.flatMap((c) => {
      const r = folded.find((b) => b.info.tid === c.info.tid);
      return r ? [madeBlock(r.pos, { type: 'tool_result', tool_use_id: c.info.id, content: RESULT_MISSING, is_error: true }, c.info.tid)] : [];
    });
    out.put(i, { ...m, blocks: [...made, ...m.blocks.filter((b) => !folded.includes(b))] });
    for (const r of folded) out.patches.push({ by: 'batch-entry-results', change: 'changed', pos: r.pos, index: r.index, message: i });
  });
  return out.result();
};

/** Each block of a line holding an unpaired UTF-16 surrogate is sent with U+FFFD in its place (at render). */
const sanitizeSurrogates: Step = function* (messages, _client, doc) {
  const holds = flaggedLines(doc, LONE_SURROGATE);
  if (!holds) return undefined;
  const out = new Patching(messages);
  yield* eachMessage(messages, (m, i) => {
    if (!m.lines.some(holds)) return;
    const blocks = m.blocks.map((b) => {
      if (b.replacement !== undefined || !holdsLoneSurrogate(doc.lines[b.pos]!.info, b.info.path)) return b;
      out.patches.push({ by: 'sanitize-surrogates', change: 'changed', pos: b.pos, index: b.index, message: i });
      return { ...b, sanitized: true };
    });
    if (blocks.some((b, k) => b !== m.blocks[k])) out.put(i, { ...m, blocks });
  });
  return out.result();
};

/** Whether one of the line's unpaired surrogates (found when it was read) is inside the value at `path`. */
const holdsLoneSurrogate = (info: LineInfo, path: readonly (string | number)[]) => info.loneSurrogates.some((at) => path.every((key, k) => at[k] === key));

/** The is_error result a recent client answers an interrupted call with, made after line `at`. */
function interruptedResult(call: ViewBlock, at: number, client: Client): ViewBlock {
  const content = client.has('interrupt-outcome-unknown') ? TOOL_CALL_INTERRUPTED : TOOL_USE_INTERRUPTION;
  return madeBlock(at, { type: 'tool_result', tool_use_id: call.info.id, content, is_error: true }, call.info.tid);
}

/**
 * A tool_use with no result in the next message is removed (by every version);
 * at the very end of the conversation a recent client answers it instead, and
 * so it does a call of the last response whose other calls were answered.
 */
const dropUnansweredCalls: Step = function* (messages, client) {
  const out = new Patching(messages);
  const answered = new Ids();
  const unansweredCall = (b: ViewBlock) => b.info.type === 'tool_use' && !answered.contains(b.info.tid);
  yield* eachMessage(messages, (m, i) => {
    if (!hasCalls(m)) return;
    const next = messages[i + 1];
    if (!next && client.has('interrupt-trailing-tool-use')) {
      const at = m.lines[m.lines.length - 1]!;
      const results = callsOf(m).map((c) => interruptedResult(c, at, client));
      out.put(i + 1, { role: 'user', blocks: results, lines: [] });
      for (const r of results) out.patches.push({ by: 'interrupt-trailing-tool-use', change: 'made', pos: r.pos, index: -1, message: i + 1 });
      return;
    }
    answered.clear();
    if (next?.role === 'user') for (const b of next.blocks) if (b.info.type === 'tool_result') answered.add(b.info.tid);
    const unanswered = picked(m.blocks, unansweredCall);
    if (unanswered.size && i + 1 === messages.length - 1 && unanswered.size < callsOf(m).length && client.has('interrupt-beside-results')) {
      // The made results go right after the results the message holds (before any text after them).
      const blocks = out.at(i + 1)!.blocks;
      const after = blocks.findLastIndex((b) => b.info.type === 'tool_result') + 1;
      const at = blocks[after - 1]!.pos;
      const results = [...unanswered].map((c) => interruptedResult(c, at, client));
      out.put(i + 1, { ...out.at(i + 1)!, blocks: [...blocks.slice(0, after), ...results, ...blocks.slice(after)] });
      // Each made result is reported at its call: what it mends is that call left unanswered.
      for (const c of unanswered) out.patches.push({ by: 'interrupt-beside-results', change: 'made', pos: c.pos, index: -1, message: i + 1 });
      return;
    }
    out.remove(i, unanswered, 'drop-unanswered-calls');
  });
  return out.result();
};

/** What a client that keeps emptied messages sends in an assistant one. */
export const TOOL_USE_INTERRUPTED = '[Tool use interrupted]';

/**
 * Messages that removals emptied are not sent (their lines stay with the
 * message before, for provenance), or, by a client that keeps them, sent with
 * a placeholder: "[Tool use interrupted]" from the assistant, "(no content)"
 * from the user.
 */
function withoutEmptied(messages: readonly Draft[], client: Client): { messages: readonly Draft[]; patches: Patch[] } {
  if (!messages.some((m) => m.emptied)) return { messages, patches: [] };
  // A response left with nothing by its unanswered calls goes even so, and so does an opening message of
  // orphan results (recorded: tool-use-unanswered-end, gap-orphan-first-60s).
  const keeps = (m: Draft) => m.emptied !== undefined && m.emptied !== 'drop-unanswered-calls' && m.emptied !== 'drop-opening-orphans';
  if (messages.some(keeps) && client.has('placeholder-emptied')) {
    const patches: Patch[] = [];
    const kept = messages.map((m, i) => {
      if (!keeps(m)) return m;
      const at = m.lines[m.lines.length - 1]!;
      patches.push({ by: 'placeholder-emptied', change: 'made', pos: at, index: -1, message: i });
      return { role: m.role, lines: m.lines, blocks: [madeText(at, m.role === 'assistant' ? TOOL_USE_INTERRUPTED : NO_CONTENT)] };
    });
    return { messages: dropEmptied(kept), patches };
  }
  return { messages: dropEmptied(messages), patches: [] };
}

function dropEmptied(messages: readonly Draft[]): readonly Draft[] {
  const out: Draft[] = [];
  for (const m of messages) {
    if (!m.emptied) out.push(m);
    else if (out.length) out[out.length - 1] = { ...out[out.length - 1]!, lines: [...out[out.length - 1]!.lines, ...m.lines] };
  }
  return out;
}

/** What Claude Code writes when the user stops a tool call. */
const TOOL_USE_INTERRUPTION = '[Request interrupted by user for tool use]';

/**
 * A conversation that ends on a user message gets an assistant answer before
 * the next prompt. A client that asks to continue after tool results first
 * adds that request to a message that ends on one (or, where it joined the
 * user lines at the end, that opens with one).
 */
const endOnAnswer = (messages: readonly Draft[], client: Client, doc: Doc): Stepped | undefined => {
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') return undefined;
  const end = last.blocks[last.blocks.length - 1];
  const at = end?.pos ?? last.lines[last.lines.length - 1]!;
  const patches: Patch[] = [];
  let prompt = last;
  const interruptedResults =
    client.has('continue-after-merged-interruption') && last.blocks[0]?.info.type === 'tool_result' && sentBlankResponseLine(doc, messages);
  if ((end?.info.type === 'tool_result' || interruptedResults) && client.has('continue-after-results')) {
    // The request to continue is a user entry of its own: joining it ends a text before it with a newline.
    const blocks = end?.info.type === 'text' && client.has('seam-newline') ? [...last.blocks.slice(0, -1), endingInNewline(end)] : last.blocks;
    prompt = { ...last, blocks: [...blocks, madeText(at, CONTINUE)] };
    patches.push({ by: 'continue-after-results', change: 'made', pos: at, index: -1, message: messages.length - 1 });
  }
  patches.push({ by: 'answer-final-prompt', change: 'made', pos: at, index: -1, message: messages.length });
  return { messages: [...messages.slice(0, -1), prompt, { role: 'assistant', blocks: [madeText(at, NO_RESPONSE)], lines: [] }], patches };
};

/** Whether an assistant line holding only blank text is among the lines sent (a client that drops it then joins the user lines around it). */
function sentBlankResponseLine(doc: Doc, messages: readonly Draft[]): boolean {
  return messages.some((m) =>
    m.lines.some((p) => {
      const info = doc.lines[p]!.info;
      return info.role === 'assistant' && info.blocks.length > 0 && info.blocks.every((b) => b.type === 'text' && (b.empty || b.whitespace));
    }),
  );
}

/**
 * The model a client resumes with, as far as the file tells: the one that
 * wrote its last answer (lines the client made itself say "<synthetic>").
 */
function resumingModel(doc: Doc): string | undefined {
  for (let p = doc.lines.length - 1; p >= 0; p--) {
    const model = doc.lines[p]!.info.model;
    if (model && model !== '<synthetic>') return model;
  }
  return undefined;
}

/** Thinking another model wrote is not sent to the model the session resumes with (its signature is that model's). */
const dropOtherModelsThinking: Step = function* (messages, _client, doc) {
  const model = resumingModel(doc);
  if (!model) return undefined;
  const out = new Patching(messages);
  const otherModels = (b: ViewBlock) => (b.info.type === 'thinking' || b.info.type === 'redacted_thinking') && isOtherModel(doc, b.pos, model);
  yield* eachMessage(messages, (m, i) => {
    if (m.role === 'assistant') out.remove(i, picked(m.blocks, otherModels), 'drop-other-models-thinking');
  });
  return out.result();
};

function isOtherModel(doc: Doc, pos: number, model: string): boolean {
  const written = doc.lines[pos]!.info.model;
  return written !== undefined && written !== '<synthetic>' && written !== model;
}

/** A conversation that ends on an answer gets a user message asking to continue (endOnAnswer then answers it). */
function askedToContinue(messages: readonly Draft[]): Stepped | undefined {
  const last = messages[messages.length - 1];
  if (last?.role !== 'assistant') return undefined;
  const at = last.lines[last.lines.length - 1] ?? last.blocks[last.blocks.length - 1]!.pos;
  return {
    messages: [...messages, { role: 'user', blocks: [madeText(at, CONTINUE)], lines: [] }],
    patches: [{ by: 'continue-after-attachment', change: 'made', pos: at, index: -1, message: messages.length }],
  };
}

/** Tool calls to `Task` are sent as calls to `Agent`, the name the tool took. */
const taskAsAgent: Step = function* (messages, _client, doc) {
  const holds = flaggedLines(doc, TASK_CALL);
  if (!holds) return undefined;
  const out = new Patching(messages);
  yield* eachMessage(messages, (m, i) => {
    if (!m.lines.some(holds) || !m.blocks.some(isTaskCall)) return;
    out.put(i, { ...m, blocks: m.blocks.map((b) => (isTaskCall(b) ? { ...b, renamed: 'Agent' } : b)) });
    for (const b of m.blocks) if (isTaskCall(b)) out.patches.push({ by: 'task-as-agent', change: 'changed', pos: b.pos, index: b.index, message: i });
  });
  return out.result();
};

const isTaskCall = (b: ViewBlock) => b.info.type === 'tool_use' && b.info.name === 'Task' && !b.renamed;

/** What some clients send in place of an image pasted into a prompt. */
export const IMAGE_PLACEHOLDER = '[image]';

/** An image of a user prompt (a tool result's images are inside its block, not here) is sent as "[image]". */
const promptImagePlaceholder: Step = function* (messages) {
  const out = new Patching(messages);
  yield* eachMessage(messages, (m, i) => {
    if (m.role !== 'user' || !m.blocks.some((b) => b.info.type === 'image')) return;
    const blocks = m.blocks.map((b) => {
      if (b.info.type !== 'image') return b;
      out.patches.push({ by: 'prompt-image-placeholder', change: 'changed', pos: b.pos, index: b.index, message: i });
      return { ...b, replacement: { type: 'text', text: IMAGE_PLACEHOLDER } };
    });
    out.put(i, { ...m, blocks });
  });
  return out.result();
};

const isOverlongCall = (b: ViewBlock) => b.info.type === 'tool_use' && (b.renamed ?? b.info.name ?? '').length > MAX_TOOL_NAME;

/** A tool_use name over the API's limit is sent cut to it. */
const truncateToolNames: Step = function* (messages) {
  const out = new Patching(messages);
  yield* eachMessage(messages, (m, i) => {
    if (m.role !== 'assistant' || !m.blocks.some(isOverlongCall)) return;
    const blocks = m.blocks.map((b) => (isOverlongCall(b) ? { ...b, renamed: (b.renamed ?? b.info.name!).slice(0, MAX_TOOL_NAME) } : b));
    out.put(i, { ...m, blocks });
    for (const b of m.blocks) if (isOverlongCall(b)) out.patches.push({ by: 'truncate-tool-names', change: 'changed', pos: b.pos, index: b.index, message: i });
  });
  return out.result();
};

/** The steps of a view after the merge, in order, each taken by the clients with its behaviour. */
const STEPS: readonly { readonly by: BehaviourId; readonly step: Step }[] = [
  { by: 'results-first', step: resultsFirst },
  { by: 'drop-orphan-results', step: dropOrphanResults },
  { by: 'drop-opening-orphans', step: dropOpeningOrphans },
  { by: 'dedupe-calls-in-response', step: dedupeCallsInResponse },
  { by: 'dedupe-rewritten-results', step: dedupeRewrittenResults },
  { by: 'batch-entry-results', step: batchEntryResults },
  { by: 'dedupe-tool-ids', step: dedupeToolIds },
  { by: 'drop-unanswered-calls', step: dropUnansweredCalls },
  { by: 'task-as-agent', step: taskAsAgent },
  { by: 'prompt-image-placeholder', step: promptImagePlaceholder },
  { by: 'truncate-tool-names', step: truncateToolNames },
  { by: 'drop-other-models-thinking', step: dropOtherModelsThinking },
  { by: 'sanitize-surrogates', step: sanitizeSurrogates },
];

/**
 * Stages by what they are made from and the answers that shaped them (see
 * ByAnswers): the merge of the lines sent, each step of the stage before it,
 * and what the client sends in the end. A step that changes nothing passes its
 * stage on, so generations that differ only in behaviours this document never
 * calls on share one view. (Lines sent belong to one chain, so every stage does.)
 */
const merged = new WeakMap<readonly number[], ByAnswers<Stage>>();
const stepped = new WeakMap<Stage, Map<BehaviourId, ByAnswers<Stage>>>();
const finished = new WeakMap<Stage, ByAnswers<Stage>>();
/** The lines sent without the local commands that end them, once per lines sent. */
const beforeTrailing = new WeakMap<readonly number[], { readonly lines: readonly number[]; readonly moved: readonly number[] }>();

function kept<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/**
 * The stage a client sends, a step at a time: the lines sent, their merge, each of the client's
 * steps, and the finish, each memoised on its own, so a view built in steps is the one built at once.
 */
function* sentStageSteps(doc: Doc, graph: Graph, client: Client, chain: readonly number[]): Steps<Stage> {
  const sentLines = yield* sentLinesSteps(doc, graph, client, chain);
  yield;
  // A client that moves the local commands ending the conversation into the new prompt's message sends them after the answer.
  const trailing = kept(beforeTrailing, sentLines, () => {
    const moved = trailingLocalCommands(doc, sentLines);
    return { lines: moved.length ? sentLines.slice(0, -moved.length) : sentLines, moved };
  });
  const moving = trailing.moved.length > 0 && client.has('move-trailing-local-commands');
  const lines = moving ? trailing.lines : sentLines;
  let stage = yield* kept(merged, lines, () => new ByAnswers<Stage>()).stepwise(client, (asking) => merge(doc, lines, asking));
  yield;
  for (const { by, step } of STEPS) {
    if (!client.has(by)) continue;
    const from = stage;
    const ofStage = kept(stepped, from, () => new Map<BehaviourId, ByAnswers<Stage>>());
    stage = yield* kept(ofStage, by, () => new ByAnswers<Stage>()).stepwise(client, function* (asking) {
      const made = yield* step(from.messages, asking, doc);
      return made ? { messages: made.messages, patches: [...from.patches, ...made.patches] } : from;
    });
    yield;
  }
  const last = stage;
  // Whether local commands were moved is in the stage: made from the lines before them.
  const moved = moving ? trailing.moved : [];
  return kept(finished, last, () => new ByAnswers<Stage>()).get(client, (asking) => sentAsFinished(doc, chain, last, moved, asking));
}

/**
 * What removals emptied goes, then the conversation is answered if it ends on
 * a prompt. A conversation whose last entry is an API error the client leaves
 * out is not answered: the new prompt joins the one that failed. A client that
 * does not look past local-command lines for the last message leaves a
 * conversation ending on one unanswered.
 */
function sentAsFinished(doc: Doc, chain: readonly number[], stage: Stage, moved: readonly number[], client: Client): Stage {
  const { messages, patches: emptiedPatches } = withoutEmptied(stage.messages, client);
  const patches = [...stage.patches, ...emptiedPatches];
  const end = chain.length ? doc.lines[chain[chain.length - 1]!]! : undefined;
  const answer =
    client.has('answer-final-prompt') &&
    !endsOnUnsentError(doc, chain, client) &&
    (!end || !isLocalCommandInfo(end.info) || client.has('answer-after-local-commands'));
  // A client that takes a conversation ending on an attachment for an interrupted turn asks to continue it.
  const afterAttachment = answer && end?.info.type === 'attachment' && client.has('continue-after-attachment');
  const asked = afterAttachment ? askedToContinue(messages) : undefined;
  const answered = answer ? endOnAnswer(asked?.messages ?? messages, client, doc) : undefined;
  if (asked) patches.push(...asked.patches);
  const sent = answered ? { messages: answered.messages, patches: [...patches, ...answered.patches] } : { messages, patches };
  return moved.length ? withMovedLocalCommands(doc, sent, moved, client.has('seam-newline')) : sent;
}

/** The local-command lines that end the lines sent. */
function trailingLocalCommands(doc: Doc, lines: readonly number[]): number[] {
  const { flags } = columnsOf(doc.lines);
  let i = lines.length;
  while (i > 0 && flags[lines[i - 1]!]! & LOCAL_COMMAND) i--;
  return lines.slice(i);
}

/** The local commands as the opening of the new prompt's message: each joined with the entry after it (the last with the prompt). */
function withMovedLocalCommands(doc: Doc, stage: Stage, moved: readonly number[], seam: boolean): Stage {
  const blocks: ViewBlock[] = moved.flatMap((p) =>
    doc.lines[p]!.info.blocks.map((info, index) => ({ pos: p, index, info, ...(seam ? { suffix: '\n' } : {}) })),
  );
  const message = stage.messages.length;
  return {
    messages: [...stage.messages, { role: 'user', blocks, lines: [...moved] }],
    patches: [...stage.patches, ...moved.map((pos) => ({ by: 'move-trailing-local-commands' as const, change: 'moved' as const, pos, index: -1, message }))],
  };
}

function endsOnUnsentError(doc: Doc, chain: readonly number[], client: Client): boolean {
  for (let i = chain.length - 1; i >= 0; i--) {
    const info = doc.lines[chain[i]!]!.info;
    if (info.role) return info.isApiErrorMessage && !client.has('send-api-errors');
  }
  return false;
}

/** Line position -> message, once per stage: generations that share a view share its index. */
const indexes = new WeakMap<readonly Draft[], MessageIndex>();

/** The message of each line a stage sends, made once per stage, READ_PER_STEP messages a step. */
function indexOf(doc: Doc, messages: readonly Draft[]): Steps<MessageIndex> {
  return memoised(indexes, messages, function* () {
    const at = new Int32Array(doc.lines.length).fill(-1);
    let size = 0;
    yield* eachMessage(messages, (m, i) => {
      for (const p of m.lines) {
        at[p] = i;
        size++;
      }
    });
    return messageIndex(at, size);
  });
}

/**
 * Rebuilds the messages `client` would send for `chain`: which lines it sends,
 * merged into alternating messages, and what it drops, changes or makes on the
 * way (see clients.ts for which version does what). Views of one chain share
 * what they send alike: their messages are not to be changed.
 */
export function buildApiView(doc: Doc, graph: Graph, client: Client = NEWEST, chain: readonly number[] = graph.chain): ApiView {
  return finish(apiViewSteps(doc, graph, client, chain));
}

/** buildApiView a step at a time (each one of the passes that make it), for work done between keys. */
export function* apiViewSteps(doc: Doc, graph: Graph, client: Client = NEWEST, chain: readonly number[] = graph.chain): Steps<ApiView> {
  const { messages, patches } = yield* sentStageSteps(doc, graph, client, chain);
  yield;
  return { client, messages, messageOf: yield* indexOf(doc, messages), patches };
}

/** The JSON body the client would send as `messages`, read back from the lines. */
export function renderApiMessages(doc: Doc, view: ApiView): unknown[] {
  const entries = new Map<number, Record<string, unknown> | null>();
  const entryAt = (pos: number) => {
    if (!entries.has(pos)) entries.set(pos, entryOf(doc, doc.lines[pos]!));
    return entries.get(pos)!;
  };
  return view.messages.map((m) => ({
    role: m.role,
    content: m.blocks.map(function render(vb: ViewBlock): unknown {
      if (vb.replacement !== undefined) return vb.replacement;
      const v = valueAt(entryAt(vb.pos), vb.info.path);
      let block = typeof v === 'string' ? { type: 'text', text: v } : v;
      if (vb.renamed) block = { ...(block as object), name: vb.renamed };
      if (vb.reworded) block = { ...(block as object), text: REWORDINGS[vb.reworded]!.reword((block as { text: string }).text) };
      if (vb.suffix) block = { ...(block as object), text: `${(block as { text: string }).text}${vb.suffix}` };
      if (vb.folded) block = withFolded(block as { content?: unknown }, vb.folded.map(render) as { text: string }[]);
      return vb.sanitized ? wellFormed(block) : block;
    }),
  }));
}

/**
 * A tool_result with reminder texts appended to its content: after a blank
 * line to a string, as text blocks to a list (whose last text block, where it
 * ends the list, then ends in a newline).
 */
function withFolded(result: { content?: unknown }, texts: readonly { text: string }[]): unknown {
  const { content } = result;
  if (typeof content === 'string') return { ...result, content: [content, ...texts.map((t) => t.text)].join('\n\n') };
  const list: unknown[] = Array.isArray(content) ? [...content] : [];
  const end = list[list.length - 1] as { type?: unknown; text?: unknown } | undefined;
  if (end?.type === 'text' && typeof end.text === 'string') list[list.length - 1] = { ...end, text: `${end.text}\n` };
  return { ...result, content: [...list, ...texts] };
}

/** A value with every unpaired surrogate of its strings replaced by U+FFFD. */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toWellFormed(), wellFormed(v)]));
  return value;
}
