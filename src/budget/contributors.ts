import type { ApiView, ViewBlock } from '../conversation/apiView.js';
import { viewIndex } from '../rules/kit/blocks.js';
import type { Doc } from '../transcript/document.js';
import type { BlockInfo, LineInfo } from '../transcript/lineInfo.js';
import { blockTokens } from './estimate.js';
import { formatBytes, formatCount, formatEstimate } from './format.js';

/** The tool calls of a view by id, to name what a tool result is the output of. */
export type ToolCalls = ReadonlyMap<string, BlockInfo>;

/** Made once per view. */
export function toolCalls(view: ApiView): ToolCalls {
  let calls = callsOf.get(view);
  if (calls) return calls;
  const made = new Map<string, BlockInfo>();
  for (const m of view.messages) {
    if (m.role !== 'assistant') continue;
    for (const b of m.blocks) if (b.info.id !== undefined && (b.info.type === 'tool_use' || b.info.type === 'server_tool_use')) made.set(b.info.id, b.info);
  }
  callsOf.set(view, (calls = made));
  return calls;
}

const callsOf = new WeakMap<ApiView, ToolCalls>();

/**
 * The calls of a view that the tool results among `infos` answer, by id: to
 * name a few blocks, one pass over the interned ids of the view index's calls,
 * reading only the infos of those that answer (the infos of every call are
 * scattered over a large heap: reading them was most of what naming the
 * largest blocks of a long session cost).
 */
export function callsAnswered(view: ApiView, infos: readonly BlockInfo[]): ToolCalls {
  const known = callsOf.get(view);
  if (known) return known;
  const wanted = infos.filter((i) => i.type === 'tool_result' && i.toolUseId !== undefined);
  const made = new Map<string, BlockInfo>();
  if (!wanted.length) return made;
  // Ids compared as interned where both have one, else as strings (reading the call's info).
  const answers = (tid: number, call: ViewBlock, result: BlockInfo) => (tid >= 0 && result.tid >= 0 ? tid === result.tid : call.info.id === result.toolUseId);
  const ix = viewIndex(view);
  const found: { call: ViewBlock; m: number; slot: number }[] = [];
  for (const type of ['tool_use', 'server_tool_use']) {
    const { blocks, tid, message, slot } = ix.ofType(type);
    for (let k = 0; k < blocks.length; k++)
      if (wanted.some((r) => answers(tid[k]!, blocks[k]!, r)) && view.messages[message[k]!]!.role === 'assistant')
        found.push({ call: blocks[k]!, m: message[k]!, slot: slot[k]! });
  }
  // In send order, as the messages hold them: of two calls with one id, the later is named.
  found.sort((a, b) => a.m - b.m || a.slot - b.slot);
  for (const { call } of found) if (call.info.id !== undefined) made.set(call.info.id, call.info);
  return made;
}

/** A tool call as a person names it: the tool and its command, file, pattern or URL ("Bash `npm test`"). */
function callName(call: BlockInfo): string {
  const name = call.name ?? 'a tool';
  const input = call.preview.slice(name.length + 1);
  return input ? `${name} \`${input}\`` : name;
}

/** Whose text a text block of `line` is. */
function textKind(line: LineInfo | undefined): string {
  if (line?.isCompactSummary) return 'compaction summary';
  if (line?.type === 'attachment') return 'attachment';
  if (line?.role === 'user') return 'prompt';
  return line?.role === 'assistant' ? 'answer' : 'text';
}

/**
 * What a block (of `line`, when given) is, for a stub or a list of the
 * largest: the tool and its input, an image's size, a document's pages.
 */
export function whatBlockIs(info: BlockInfo, calls: ToolCalls, line?: LineInfo): string {
  switch (info.type) {
    case 'text':
      return `${textKind(line)}, ${formatCount(info.chars)} characters`;
    case 'tool_result': {
      const call = info.toolUseId === undefined ? undefined : calls.get(info.toolUseId);
      return `${call ? `${callName(call)} output` : 'tool output'}, ${formatCount(info.chars)} characters${attachedMedia(info)}`;
    }
    case 'tool_use':
    case 'server_tool_use':
      return `${callName(info)} call, ${formatBytes(info.sent)} of input`;
    case 'image': {
      const img = info.images[0];
      if (!img) return 'image';
      return `${img.mediaType}${img.width ? `, ${img.width}×${img.height} px` : ''}, ${formatBytes(img.bytes)}`;
    }
    case 'document': {
      const d = info.documents?.[0];
      if (!d) return 'document';
      const pages = d.pages ? `, ${d.pages} page${d.pages === 1 ? '' : 's'}` : '';
      const size = d.mediaType === 'application/pdf' ? formatBytes(d.bytes) : `${formatCount(d.bytes)} characters`;
      return `${d.title ? `${d.title}, ` : ''}${d.mediaType}${pages}, ${size}`;
    }
    case 'thinking':
      return `thinking, ${formatCount(info.chars)} characters`;
    default:
      return `${info.type}, ${formatCount(info.chars)} characters`;
  }
}

/** The images and documents a tool result holds beside its text, as ` and 2 images` or ` and a PDF of 100 pages`. */
function attachedMedia(info: BlockInfo): string {
  const parts: string[] = [];
  if (info.images.length) parts.push(`${info.images.length} image${info.images.length === 1 ? '' : 's'}`);
  for (const d of info.documents ?? []) {
    const kind = d.mediaType === 'application/pdf' ? 'a PDF' : `a ${d.mediaType} document`;
    parts.push(d.pages ? `${kind} of ${d.pages} page${d.pages === 1 ? '' : 's'}` : kind);
  }
  return parts.length ? ` and ${parts.join(' and ')}` : '';
}

export interface Contributor {
  readonly block: ViewBlock;
  /** Index of its message in the view. */
  readonly message: number;
  /** Its size as ranked: estimated tokens, or what the ranking measured. */
  readonly tokens: number;
}

/**
 * The `n` blocks of the view largest by `size` (default: their estimated
 * tokens), largest first; of equal ones, the one sent first.
 */
export function largestBlocks(view: ApiView, n: number, size: (info: BlockInfo) => number = blockTokens): Contributor[] {
  const top: Contributor[] = [];
  view.messages.forEach((m, message) => {
    for (const block of m.blocks) {
      const tokens = size(block.info);
      if (top.length === n && tokens <= top[n - 1]!.tokens) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.tokens < tokens) at--;
      top.splice(at, 0, { block, message, tokens });
      if (top.length > n) top.pop();
    }
  });
  return top;
}

/**
 * The `n` largest blocks named for a diagnostic ("line 294, Task `x` output,
 * 1,800,000 characters (≈ 612,000)"), by estimated tokens or by bytes in the
 * request body; and the largest, where the problem is best seen.
 */
export function largestNamed(doc: Doc, view: ApiView, n: number, by: 'tokens' | 'bytes' = 'tokens'): { at?: ViewBlock; names: string } {
  return named(doc, view, by === 'tokens' ? largestBlocks(view, n) : largestBlocks(view, n, (info) => info.sent), by);
}

/** Blocks ranked by estimated tokens or by bytes, named as largestNamed names them. */
export function named(doc: Doc, view: ApiView, top: readonly Contributor[], by: 'tokens' | 'bytes'): { at?: ViewBlock; names: string } {
  const calls = callsAnswered(
    view,
    top.map((c) => c.block.info),
  );
  const size = (c: Contributor) => (by === 'tokens' ? `≈ ${formatEstimate(c.tokens)}` : formatBytes(c.tokens));
  const names = top
    .map((c) => `line ${formatCount(c.block.pos + 1)}, ${whatBlockIs(c.block.info, calls, doc.lines[c.block.pos]?.info)} (${size(c)})`)
    .join('; ');
  return { at: top[0]?.block, names };
}
