import { defineRule } from '../kit/define.js';
import { safeFix, setAt } from '../kit/fixes.js';
import { infoOf } from '../kit/where.js';
import type { RuleContext } from '../types.js';

/** The first line above `pos`'s parent that is no progress line: where a client that reads progress lines hangs `pos`. */
function aboveProgress(ctx: RuleContext, pos: number): string | undefined {
  const seen = new Set<number>();
  let parent = infoOf(ctx, pos).parentUuid;
  for (let p = parent ? ctx.graph.posOf(parent) : undefined; p !== undefined && !seen.has(p); p = parent ? ctx.graph.posOf(parent) : undefined) {
    seen.add(p);
    if (infoOf(ctx, p).type !== 'progress') return infoOf(ctx, p).uuid;
    parent = infoOf(ctx, p).parentUuid;
  }
  return undefined;
}

export default defineRule(
  { id: 'chain-progress-parent', scope: 'document', description: 'a parentUuid that names a progress line, which releases before 2.1.19 do not read' },
  (ctx, report) => {
    for (const gap of ctx.graph.gaps) {
      // A cut loses conversation only when something was written before the line; else it simply starts it.
      if (!gap.progress || gap.to === undefined) continue;
      const target = aboveProgress(ctx, gap.pos);
      report({
        at: { pos: gap.pos },
        severity: 'error',
        effect: 'loses',
        // Which releases do not read progress lines, settle adds: "(Claude Code before 2.1.19 resumes only what follows it)".
        message: `parent ${infoOf(ctx, gap.pos).parentUuid} is a progress line: a client that does not read progress lines loses everything before this line on resume`,
        fixes: target
          ? [safeFix(`relink to ${target}, the line above the progress lines (where newer clients hang it)`, setAt(ctx, gap.pos, ['parentUuid'], target))]
          : [],
      });
    }
  },
);
