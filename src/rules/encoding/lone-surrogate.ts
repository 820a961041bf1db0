import { LONE_SURROGATE, linesFlagged } from '../../transcript/columns.js';
import { defineRule } from '../kit/define.js';
import { keyOf, safeFix } from '../kit/fixes.js';
import { infoOf } from '../kit/where.js';

export default defineRule({ id: 'lone-surrogate', description: 'an unpaired UTF-16 surrogate in a string' }, (ctx, report) => {
  const flags = linesFlagged(ctx.doc.lines, LONE_SURROGATE);
  if (!flags) return;
  // Lines whose blocks a client sends with U+FFFD in place of each unpaired surrogate.
  const sanitized = new Set(ctx.view.patches.filter((p) => p.by === 'sanitize-surrogates').map((p) => p.pos));
  const { messages } = ctx.view;
  // Indexed loops: this reads every line sent, and an iterator per message added up on a long session.
  for (let i = 0; i < messages.length; i++) {
    const lines = messages[i]!.lines;
    for (let j = 0; j < lines.length; j++) {
      const pos = lines[j]!;
      if (!(flags[pos]! & LONE_SURROGATE) || sanitized.has(pos)) continue;
      const info = infoOf(ctx, pos);
      // The API's JSON parser names the first bad unit: a high one with no low after it, or a low one alone.
      const what = info.firstLoneSurrogate === 'low' ? 'invalid high surrogate in string' : 'no low surrogate in string';
      report({
        at: { pos, message: i },
        severity: 'error',
        message: `unpaired UTF-16 surrogate in ${info.loneSurrogates.map((p) => p.join('.')).join(', ')}`,
        apiError: `The request body is not valid JSON: ${what}`,
        fixes: [safeFix('replace each unpaired surrogate with U+FFFD', { op: 'repair-surrogates', key: keyOf(ctx, pos) })],
      });
    }
  }
});
