import type { ViewBlock } from '../conversation/apiView.js';
import { inArray } from '../transcript/jsonPath.js';
import type { Diagnostic, Fix, Rule, RuleContext, Severity } from './types.js';
import { viewIndex } from './viewIndex.js';

interface At {
  pos: number;
  turn?: number;
  block?: number;
}

/** Builds a diagnostic at a line (and optionally a message and block). */
export function diag(ctx: RuleContext, rule: string, severity: Severity, at: At, message: string, apiError: string | undefined, fixes: Fix[] = []): Diagnostic {
  const line = ctx.doc.lines[at.pos]!;
  return {
    rule,
    severity,
    message,
    apiError,
    pos: at.pos,
    line: at.pos + 1,
    key: line.key,
    turn: at.turn === undefined ? undefined : at.turn + 1,
    block: at.block,
    fixes,
  };
}

/** Location of a view block inside message `m`. */
export function atBlock(m: number, vb: ViewBlock): At {
  return { pos: vb.pos, turn: m, block: vb.index };
}

/**
 * A whitespace-only text line inside a split assistant response: Claude Code
 * drops such lines when it sends (Opus answers open with "\n\n" lines), so the
 * API never sees them; other clients and strict proxies send them as written.
 */
export function isDroppedWhitespace(ctx: RuleContext, m: number, vb: ViewBlock): boolean {
  const msg = ctx.view.messages[m]!;
  if (msg.role !== 'assistant' || vb.info.type !== 'text' || !(vb.info.whitespace || vb.info.empty)) return false;
  const line = ctx.doc.lines[vb.pos]!.info;
  return line.blocks.length === 1 && msg.blocks.length > 1;
}

/**
 * Index of a view block inside its message, as the API counts (messages.N.content.J):
 * lines Claude Code drops when sending do not count, except for the dropped block itself
 * (which only other clients send, with every block).
 */
export function apiPath(ctx: RuleContext, m: number, vb: ViewBlock): string {
  const blocks = ctx.view.messages[m]!.blocks;
  const all = isDroppedWhitespace(ctx, m, vb);
  // Counted in place: this runs for every diagnostic, and a filtered copy of a long message per call adds up.
  let j = 0;
  for (let k = 0; k < blocks.length && blocks[k] !== vb; k++) if (all || !isDroppedWhitespace(ctx, m, blocks[k]!)) j++;
  return `messages.${m}.content.${j}`;
}

/** Removing a block that is a message's only content would empty the message: replace it instead. */
export function removeOrStub(ctx: RuleContext, m: number, vb: ViewBlock, stub: string): Fix {
  const key = ctx.doc.lines[vb.pos]!.key;
  if (ctx.view.messages[m]!.blocks.length > 1) {
    return { label: 'remove the block', safe: true, edits: [{ op: 'remove-block', key, path: vb.info.path }] };
  }
  // A string slot (string content, a rendered attachment) takes a string; an array slot a block.
  const path = vb.info.path;
  const text = inArray(path) ? { type: 'text', text: stub } : stub;
  return { label: `replace it with "${stub}"`, safe: true, edits: [{ op: 'set', key, path: vb.info.path, value: text }] };
}

/** What a block rule says about one block, or undefined when the block is fine. */
export interface BlockFinding {
  readonly severity: Severity;
  readonly message: string;
  readonly apiError?: string;
  readonly fixes: Fix[];
}

/** A view rule that judges each block of one type (`info.type`) on its own, given its message `m`. */
export function blockRule(id: string, description: string, type: string, judge: (ctx: RuleContext, m: number, b: ViewBlock) => BlockFinding | undefined): Rule {
  return {
    id,
    description,
    scope: 'view',
    check(ctx) {
      const out: Diagnostic[] = [];
      const { blocks, message } = viewIndex(ctx.view).ofType(type);
      for (let k = 0; k < blocks.length; k++) {
        const f = judge(ctx, message[k]!, blocks[k]!);
        if (f) out.push(diag(ctx, id, f.severity, atBlock(message[k]!, blocks[k]!), f.message, f.apiError, f.fixes));
      }
      return out;
    },
  };
}
