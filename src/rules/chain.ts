import { diag } from './diagnostic.js';
import type { Diagnostic, Fix, Rule, RuleContext } from './types.js';

/*
 * Damage to the uuid chain itself. The API never sees these, but they decide
 * which messages are sent: context is silently lost or the wrong branch resumes.
 */

const onChain = (ctx: RuleContext, pos: number) => ctx.graph.chain.includes(pos);

const parseError: Rule = {
  id: 'parse-error',
  description: 'a torn or invalid line',
  scope: 'document',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const pos of ctx.graph.unreadable) {
      const l = ctx.doc.lines[pos]!;
      out.push(
        diag(
          ctx,
          this.id,
          l.info.kind === 'blank' ? 'info' : 'warning',
          { pos },
          l.info.kind === 'blank' ? 'blank line (skipped by Claude Code)' : `unreadable line, skipped by Claude Code: ${l.info.error}`,
          undefined,
          [{ label: 'remove the line', safe: true, edits: [{ op: 'delete-line', key: l.key }] }],
        ),
      );
    }
    return out;
  },
};

/** The nearest line before `pos` that is a main-chain turn and not a descendant of `pos`. */
function nearestEarlierTurn(ctx: RuleContext, pos: number): number | undefined {
  const own = ctx.doc.lines[pos]!.info.uuid;
  for (let p = pos - 1; p >= 0; p--) {
    const i = ctx.doc.lines[p]!.info;
    if (i.kind !== 'entry' || !i.uuid || i.isSidechain || (i.type !== 'user' && i.type !== 'assistant')) continue;
    // Walk up from p: if we meet `pos` it is a descendant and relinking would make a loop.
    let q: number | undefined = p;
    const seen = new Set<number>();
    while (q !== undefined && !seen.has(q)) {
      seen.add(q);
      const parent: string | null | undefined = ctx.doc.lines[q]!.info.parentUuid;
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

const chainDangling: Rule = {
  id: 'chain-dangling',
  description: 'a parentUuid that names no line',
  scope: 'document',
  check(ctx) {
    return ctx.graph.dangling.map((pos) => {
      const l = ctx.doc.lines[pos]!;
      const active = onChain(ctx, pos);
      const recovered = survivingAncestor(ctx, l.info.parentUuid!);
      const nearest = recovered === undefined ? nearestEarlierTurn(ctx, pos) : undefined;
      const target = recovered ?? (nearest === undefined ? undefined : ctx.doc.lines[nearest]!.info.uuid);
      const fixes: Fix[] = target
        ? [
            {
              label: recovered ? `relink to ${target}, the ancestor named by the torn line` : `relink to the nearest earlier turn (line ${nearest! + 1})`,
              safe: true,
              edits: [{ op: 'set', key: l.key, path: ['parentUuid'], value: target }],
            },
          ]
        : [];
      return diag(
        ctx,
        this.id,
        active && !l.info.isSidechain ? 'warning' : 'info',
        { pos },
        `parent ${l.info.parentUuid} is not in the file${active ? ': everything before this line is lost on resume' : ''}`,
        undefined,
        fixes,
      );
    });
  },
};

const chainCycle: Rule = {
  id: 'chain-cycle',
  description: 'parentUuid links that loop',
  scope: 'document',
  check(ctx) {
    if (ctx.graph.cycleAt === undefined) return [];
    // The walk stopped at a line it had seen: the chain's first line closes the loop.
    const pos = ctx.graph.chain[0]!;
    const l = ctx.doc.lines[pos]!;
    return [
      diag(
        ctx,
        this.id,
        'error',
        { pos },
        `parentUuid links loop back to line ${ctx.graph.cycleAt + 1}; Claude Code cannot rebuild the conversation`,
        undefined,
        [{ label: 'cut the loop here (make this line a root)', safe: true, edits: [{ op: 'set', key: l.key, path: ['parentUuid'], value: null }] }],
      ),
    ];
  },
};

/*
 * Claude Code itself writes some records twice under one uuid (a later copy with
 * new metadata such as slug, gitBranch or version; thousands of such groups in
 * real ~/.claude trees) and reads the later copy, so a rewritten record is only
 * info. Different records sharing a uuid, or an exact duplicate line, are worth
 * a look: the graph follows the later one, as Claude Code does.
 */
const uuidDuplicate: Rule = {
  id: 'uuid-duplicate',
  description: 'a uuid carried by two lines',
  scope: 'document',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const [uuid, positions] of ctx.graph.duplicateUuids) {
      const first = ctx.doc.lines[positions[0]!]!.info;
      for (const pos of positions.slice(1)) {
        const l = ctx.doc.lines[pos]!;
        const copy =
          l.info.bytes === first.bytes && l.info.type === first.type && l.info.parentUuid === first.parentUuid && l.info.timestamp === first.timestamp;
        const rewrite = !copy && l.info.type === first.type && l.info.messageId === first.messageId && l.info.role === first.role;
        out.push(
          diag(
            ctx,
            this.id,
            rewrite ? 'info' : 'warning',
            { pos },
            copy
              ? `uuid ${uuid} already used on line ${positions[0]! + 1} (a duplicated line)`
              : rewrite
                ? `a later copy of the record on line ${positions[0]! + 1} (uuid ${uuid}); Claude Code reads this one`
                : `uuid ${uuid} is also on line ${positions[0]! + 1}, a different record; Claude Code follows this later one`,
            undefined,
            copy ? [{ label: 'remove the duplicated line', safe: true, edits: [{ op: 'delete-line', key: l.key }] }] : [],
          ),
        );
      }
    }
    return out;
  },
};

export const chainRules: Rule[] = [parseError, chainDangling, chainCycle, uuidDuplicate];
