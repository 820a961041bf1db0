import { defineRule } from '../kit/define.js';
import { safeFix, setAt } from '../kit/fixes.js';
import type { RuleContext } from '../types.js';
import { infoOf } from '../kit/where.js';

/** The nearest line before `pos` that is a main-chain turn and not a descendant of `pos`. */
function nearestEarlierTurn(ctx: RuleContext, pos: number): number | undefined {
  const own = infoOf(ctx, pos).uuid;
  for (let p = pos - 1; p >= 0; p--) {
    const i = infoOf(ctx, p);
    if (i.kind !== 'entry' || !i.uuid || i.isSidechain || (i.type !== 'user' && i.type !== 'assistant')) continue;
    // Walk up from p: if we meet `pos` it is a descendant and relinking would make a loop.
    let q: number | undefined = p;
    const seen = new Set<number>();
    while (q !== undefined && !seen.has(q)) {
      seen.add(q);
      const parent: string | null | undefined = infoOf(ctx, q).parentUuid;
      if (parent === own) break;
      q = parent ? ctx.graph.posOf(parent) : undefined;
    }
    if (q === undefined) return p;
  }
  return undefined;
}

/** Follows torn lines (whose uuid and parentUuid could still be read) up to a surviving ancestor. */
function survivingAncestor(ctx: RuleContext, missing: string): string | undefined {
  const torn = new Map<string, string | null | undefined>();
  for (const l of ctx.doc.lines) if (l.info.torn) torn.set(l.info.torn.uuid, l.info.torn.parentUuid);
  let cur: string | null | undefined = missing;
  const seen = new Set<string>();
  while (cur && torn.has(cur) && !seen.has(cur)) {
    seen.add(cur);
    cur = torn.get(cur);
  }
  return cur && ctx.graph.posOf(cur) !== undefined ? cur : undefined;
}

export default defineRule({ id: 'chain-dangling', scope: 'document', description: 'a parentUuid that names no line' }, (ctx, report) => {
  for (const pos of ctx.graph.dangling) {
    const info = infoOf(ctx, pos);
    // Met on the client's walk from its leaf: cut there (all before it is lost) or bridged across.
    const gap = info.isSidechain ? undefined : ctx.graph.gaps.find((g) => g.pos === pos);
    const recovered = survivingAncestor(ctx, info.parentUuid!);
    // Else the nearest earlier turn; else the line a bridging client would hang it under.
    const bridge = gap?.to !== undefined && infoOf(ctx, gap.to).uuid ? gap.to : undefined;
    const nearest = recovered === undefined ? (nearestEarlierTurn(ctx, pos) ?? bridge) : undefined;
    const target = recovered ?? (nearest === undefined ? undefined : infoOf(ctx, nearest).uuid);
    const seconds = gap && Number.isFinite(gap.gapMs) ? ` (written ${(gap.gapMs / 1000).toFixed(1)} s before it)` : '';
    // A cut loses conversation only when something was written before the line; else it simply starts it.
    const loses = gap !== undefined && !gap.bridged && gap.to !== undefined;
    report({
      at: { pos },
      severity: !gap ? 'info' : loses ? 'error' : 'warning',
      effect: 'loses',
      message: `parent ${info.parentUuid} is not in the file${
        !gap
          ? ''
          : gap.bridged
            ? `; it resumes under line ${gap.to! + 1}${seconds}`
            : loses
              ? ': everything before this line is lost on resume'
              : ': nothing before it, so the conversation starts here'
      }`,
      fixes: target
        ? [
            safeFix(
              recovered ? `relink to ${target}, the ancestor named by the torn line` : `relink to the nearest earlier turn (line ${nearest! + 1})`,
              setAt(ctx, pos, ['parentUuid'], target),
            ),
          ]
        : [],
    });
  }
});
