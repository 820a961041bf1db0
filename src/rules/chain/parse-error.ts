import { defineRule } from '../kit/define.js';
import { deleteLine, safeFix } from '../kit/fixes.js';
import { infoOf } from '../kit/where.js';

export default defineRule({ id: 'parse-error', scope: 'document', description: 'a torn or invalid line' }, (ctx, report) => {
  for (const pos of ctx.graph.unreadable) {
    const info = infoOf(ctx, pos);
    const blank = info.kind === 'blank';
    report({
      at: { pos },
      severity: blank ? 'info' : 'warning',
      message: blank ? 'blank line (skipped by Claude Code)' : `unreadable line, skipped by Claude Code: ${info.error}`,
      fixes: [safeFix('remove the line', deleteLine(ctx, pos))],
    });
  }
});
