import type { ViewMessage } from '../conversation/apiView.js';
import { derivedUuid } from './toolPairing.js';
import { diag } from './diagnostic.js';
import type { Diagnostic, Fix, Rule, RuleContext, Severity } from './types.js';

/*
 * The Anthropic API merges consecutive same-role turns and accepts an opening
 * assistant turn; Bedrock, Vertex and many proxies do not. Under the default
 * provider these are warnings, so a file ccmend calls clean still says so.
 */
const strictness = (ctx: RuleContext): Severity => (ctx.provider === 'anthropic' ? 'warning' : 'error');
const note = (ctx: RuleContext) => (ctx.provider === 'anthropic' ? ' (rejected by Bedrock, Vertex and strict proxies)' : '');

export const RESUMED_TEXT = '[conversation resumed]';

const firstRole: Rule = {
  id: 'first-role',
  description: 'the first message is not from the user',
  scope: 'view',
  check(ctx) {
    const first = ctx.view.messages[0];
    if (!first || first.role === 'user') return [];
    // Adopt the message's first line on the chain: other lines of a split response may sit on side branches or after it.
    const chain = ctx.segment === 'active' ? ctx.graph.chain : ctx.graph.preCompactChain;
    const pos = chain.find((p) => first.lines.includes(p)) ?? first.lines[0]!;
    const line = ctx.doc.lines[pos]!;
    const value = {
      parentUuid: line.info.parentUuid ?? null,
      isSidechain: false,
      type: 'user',
      message: { role: 'user', content: RESUMED_TEXT },
      uuid: derivedUuid(`ccmend-first-user:${line.info.uuid ?? line.key}`),
      ...(line.info.sessionId ? { sessionId: line.info.sessionId } : {}),
      ...(line.info.timestamp ? { timestamp: line.info.timestamp } : {}),
    };
    const edits = [{ op: 'insert-line' as const, afterKey: pos > 0 ? ctx.doc.lines[pos - 1]!.key : null, value, adopt: [line.key] }];
    return [
      diag(
        ctx,
        this.id,
        strictness(ctx),
        { pos, turn: 0 },
        `the conversation starts with an assistant message${note(ctx)}`,
        'messages: first message must use the "user" role',
        [{ label: `insert a user message "${RESUMED_TEXT}" before it`, safe: true, edits }],
      ),
    ];
  },
};

/** Merging a split response back into one: its lines take the previous response's message.id, if it has one. */
function mergeInto(ctx: RuleContext, m: ViewMessage, prevId: string | undefined): Fix[] {
  if (!prevId) return [];
  const edits = m.lines.map((p) => ({ op: 'set' as const, key: ctx.doc.lines[p]!.key, path: ['message', 'id'], value: prevId }));
  return [{ label: 'merge it into the previous response', safe: true, edits }];
}

const roleAlternation: Rule = {
  id: 'role-alternation',
  description: 'two messages of the same role in a row',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    // A loop with no closure in it: this visits every message, and a closure's context per message added up.
    for (let i = 1; i < messages.length; i++) {
      const prev = messages[i - 1]!;
      const m = messages[i]!;
      if (prev.role !== m.role) continue;
      // User lines always merge into one message, so this is two assistant responses.
      out.push(
        diag(
          ctx,
          this.id,
          strictness(ctx),
          { pos: m.lines[0]!, turn: i },
          `two ${m.role} messages in a row (${i} and ${i + 1})${note(ctx)}`,
          'messages: roles must alternate between "user" and "assistant"',
          mergeInto(ctx, m, ctx.doc.lines[prev.lines[0]!]!.info.messageId),
        ),
      );
    }
    return out;
  },
};

export const roleRules: Rule[] = [firstRole, roleAlternation];
