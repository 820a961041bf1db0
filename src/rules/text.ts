import { apiPath, atBlock, blockRule, diag, isDroppedWhitespace, removeOrStub } from './diagnostic.js';
import type { Diagnostic, Rule } from './types.js';

/** Text put where removing a block would leave a message with no content. */
export const EMPTY_STUB = '[empty]';

/**
 * Empty and whitespace-only text: the same problem in two API wordings. In an
 * assistant response Claude Code drops such a line when sending, so it is only
 * a warning there.
 */
function blankTextRule(id: string, blank: 'empty' | 'whitespace', apiText: string, what: string) {
  return blockRule(id, what, 'text', (ctx, m, b) => {
    if (!b.info[blank]) return undefined;
    const dropped = isDroppedWhitespace(ctx, m, b);
    return {
      severity: dropped ? 'warning' : 'error',
      message: dropped
        ? `${blank === 'empty' ? 'empty' : 'whitespace-only'} text line in an assistant response (Claude Code drops it when sending; other clients do not)`
        : what,
      apiError: `${apiPath(ctx, m, b)}: ${apiText}`,
      fixes: [removeOrStub(ctx, m, b, EMPTY_STUB)],
    };
  });
}

const textEmpty = blankTextRule('text-empty', 'empty', 'text content blocks must be non-empty', 'empty text block');
const textWhitespace = blankTextRule(
  'text-whitespace',
  'whitespace',
  'text content blocks must contain non-whitespace text',
  'text block contains only whitespace',
);

const messageEmpty: Rule = {
  id: 'message-empty',
  description: 'a message with no content',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    messages.forEach((m, i) => {
      if (m.blocks.length > 0) return;
      const finalAssistant = i === messages.length - 1 && m.role === 'assistant';
      if (finalAssistant) return;
      out.push(
        diag(
          ctx,
          this.id,
          'error',
          { pos: m.lines[0]!, turn: i },
          `${m.role} message ${i + 1} has no content`,
          `messages.${i}: all messages must have non-empty content except for the optional final assistant message`,
          [{ label: 'remove the empty line(s)', safe: true, edits: m.lines.map((p) => ({ op: 'delete-line' as const, key: ctx.doc.lines[p]!.key })) }],
        ),
      );
    });
    return out;
  },
};

const finalWhitespace: Rule = {
  id: 'final-whitespace',
  description: 'the final assistant message ends in whitespace',
  scope: 'view',
  check(ctx) {
    const { messages } = ctx.view;
    const last = messages[messages.length - 1];
    if (last?.role !== 'assistant') return [];
    const b = last.blocks[last.blocks.length - 1];
    if (b?.info.type !== 'text' || !b.info.trailingWhitespace || b.info.whitespace) return [];
    // Only an error if the request ends here (a prefill); a resume adds a user turn after it.
    return [
      diag(
        ctx,
        this.id,
        'warning',
        atBlock(messages.length - 1, b),
        'the last assistant message ends with whitespace (rejected if sent as the final message)',
        'final assistant content cannot end with trailing whitespace',
        [{ label: 'trim the trailing whitespace', safe: true, edits: [{ op: 'trim-end', key: ctx.doc.lines[b.pos]!.key, path: b.info.path }] }],
      ),
    ];
  },
};

export const textRules: Rule[] = [textEmpty, textWhitespace, messageEmpty, finalWhitespace];
