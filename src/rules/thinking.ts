import type { ViewBlock } from '../conversation/apiView.js';
import { apiPath, atBlock, blockRule, diag, isDroppedWhitespace } from './diagnostic.js';
import type { Diagnostic, Fix, Rule, RuleContext } from './types.js';
import { type Blocks, viewIndex } from './viewIndex.js';

const isThinking = (t: string) => t === 'thinking' || t === 'redacted_thinking';

/** Index in message `m` of the first of its `blocks`, or -1 when it has none. */
const firstSlot = (blocks: Blocks, m: number) => (blocks.start[m] === blocks.start[m + 1] ? -1 : blocks.slot[blocks.start[m]!]!);

/** The report for assistant message `i` if a block it sends comes before its first thinking block. */
function thinkingNotFirst(ctx: RuleContext, rule: string, i: number): Diagnostic | undefined {
  const sent = ctx.view.messages[i]!.blocks.filter((b) => !isDroppedWhitespace(ctx, i, b));
  const firstThinking = sent.findIndex((b) => isThinking(b.info.type));
  if (firstThinking <= 0) return undefined;
  const head = sent[0]!;
  const thinking = sent.filter((b, j) => j > 0 && isThinking(b.info.type) && sent.slice(0, j).some((x) => !isThinking(x.info.type)));
  const arrayPath = head.info.path.slice(0, -1);
  const headIndex = head.info.path[head.info.path.length - 1] as number;
  const toKey = ctx.doc.lines[head.pos]!.key;
  return diag(
    ctx,
    rule,
    'error',
    atBlock(i, sent[firstThinking]!),
    `assistant message ${i + 1} starts with ${head.info.type}, not its thinking`,
    // The API's words for this shape (anthropics/claude-code#20705, #20692); "Expected `thinking` … but found"
    // is a different check: a final assistant message with no thinking at all.
    `${apiPath(ctx, i, head)}: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found ${head.info.type}.`,
    [
      {
        label: 'move the thinking block(s) to the start of the response',
        safe: true,
        edits: thinking.map((b, k) => ({
          op: 'move-block' as const,
          key: ctx.doc.lines[b.pos]!.key,
          path: b.info.path,
          toKey,
          toPath: [...arrayPath, headIndex + k],
        })),
      },
    ],
  );
}

const thinkingOrder: Rule = {
  id: 'thinking-order',
  description: 'an assistant message with thinking does not start with it',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    const ix = viewIndex(ctx.view);
    const thinking = ix.ofType('thinking');
    const redacted = ix.ofType('redacted_thinking');
    for (let i = 0; i < messages.length; i++) {
      // Only a message with thinking that does not open it can be out of order: the rest are skipped unread.
      const s = firstSlot(thinking, i);
      const r = firstSlot(redacted, i);
      if (messages[i]!.role !== 'assistant' || (s < 0 && r < 0) || s === 0 || r === 0) continue;
      const d = thinkingNotFirst(ctx, this.id, i);
      if (d) out.push(d);
    }
    return out;
  },
};

const removeThinking = (ctx: RuleContext, b: ViewBlock, label: string): Fix => ({
  label,
  safe: true,
  edits: [{ op: 'remove-block', key: ctx.doc.lines[b.pos]!.key, path: b.info.path }],
});

const thinkingEmpty = blockRule('thinking-empty', 'a thinking block with no thinking', 'thinking', (ctx, m, b) => {
  // With thinking display "omitted" the API returns (and takes back) empty thinking whose
  // signature carries the reasoning: only an unsigned empty block has nothing to send.
  if (!b.info.empty || b.info.signature === 'ok') return undefined;
  return {
    severity: 'error',
    message: 'thinking block is empty',
    apiError: `${apiPath(ctx, m, b)}.thinking: each thinking block must contain thinking`,
    fixes: [removeThinking(ctx, b, 'remove the thinking block')],
  };
});

const thinkingSignature = blockRule('thinking-signature', 'a thinking block without a valid signature', 'thinking', (ctx, m, b) => {
  if (b.info.signature === 'ok' || b.info.empty) return undefined;
  // An absent field fails schema validation; an empty or forged one fails the signature check.
  const unsigned = b.info.signature === 'absent' || b.info.signature === 'missing';
  return {
    severity: 'error',
    message: unsigned ? 'thinking block has no signature' : 'thinking block signature is not a signature (not base64; redacted or edited?)',
    apiError:
      b.info.signature === 'absent'
        ? `${apiPath(ctx, m, b)}.thinking.signature: Field required`
        : `${apiPath(ctx, m, b)}: Invalid \`signature\` in \`thinking\` block`,
    fixes: [removeThinking(ctx, b, 'remove the thinking block (its text is not resent anyway)')],
  };
});

export const thinkingRules: Rule[] = [thinkingOrder, thinkingEmpty, thinkingSignature];
