import { defineRule } from '../kit/define.js';
import { deleteLine, safeFix } from '../kit/fixes.js';
import { infoOf, isCopy } from '../kit/where.js';

/*
 * Claude Code itself writes some records twice under one uuid (a later copy with
 * new metadata such as slug, gitBranch or version; thousands of such groups in
 * real ~/.claude trees) and reads the later copy, so a rewritten record is only
 * info. Different records sharing a uuid, or an exact duplicate line, are worth
 * a look: the graph follows the later one, as Claude Code does.
 */
export default defineRule({ id: 'uuid-duplicate', scope: 'document', description: 'a uuid carried by two lines' }, (ctx, report) => {
  for (const [uuid, positions] of ctx.graph.duplicateUuids) {
    const first = infoOf(ctx, positions[0]!);
    for (const pos of positions.slice(1)) {
      const info = infoOf(ctx, pos);
      const copy = isCopy(info, first);
      const rewrite = !copy && info.type === first.type && info.messageId === first.messageId && info.role === first.role;
      report({
        at: { pos },
        severity: rewrite ? 'info' : 'warning',
        message: copy
          ? `uuid ${uuid} already used on line ${positions[0]! + 1} (a duplicated line)`
          : rewrite
            ? `a later copy of the record on line ${positions[0]! + 1} (uuid ${uuid}); Claude Code reads this one`
            : `uuid ${uuid} is also on line ${positions[0]! + 1}, a different record; Claude Code follows this later one`,
        fixes: copy ? [safeFix('remove the duplicated line', deleteLine(ctx, pos))] : [],
      });
    }
  }
});
