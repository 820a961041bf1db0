import type { At, Check, Diagnostic, Family, Provider, Report, Rule, RuleContext, RuleDefinition, RuleMeta, Severity, Tolerance } from '../types.js';

/** A rule, one per file (`src/rules/<family>/<id>.ts`): `export default defineRule({ id, description }, (ctx, report) => { … })`. */
export const defineRule = (meta: RuleMeta, check: Check): RuleDefinition => ({ ...meta, check });

/** The rules of one family's folder, as the registry lists them. */
export const family = (name: Family, rules: readonly RuleDefinition[]): Rule[] => rules.map((r) => ({ ...r, family: name, scope: r.scope ?? 'view' }));

const PROVIDER_NAMES: Record<Provider, string> = { anthropic: 'the Anthropic API', bedrock: 'Bedrock', vertex: 'Vertex' };

/** Position, 1-based message and block of what a finding is at. */
function locate(ctx: RuleContext, at: At): { pos: number; turn?: number; block?: number } {
  if ('info' in at) return { pos: at.pos, turn: ctx.view.messageOf.get(at.pos)! + 1, block: at.index };
  if ('blocks' in at) return { pos: at.lines[0]!, turn: ctx.view.messageOf.get(at.lines[0]!)! + 1 };
  return { pos: at.pos, turn: at.message === undefined ? undefined : at.message + 1 };
}

/** Whether what the finding is checked against lets it through. The target client is a current Claude Code. */
const tolerates = (ctx: RuleContext, t: Tolerance): boolean => t.by === 'client' || t.providers.includes(ctx.provider);

function toleratedMessage(message: string, t: Tolerance): string {
  if (t.by === 'client') return `${t.message} (Claude Code ${t.how}; other clients do not)`;
  const rejecting = (Object.keys(PROVIDER_NAMES) as Provider[]).filter((p) => !t.providers.includes(p)).map((p) => PROVIDER_NAMES[p]);
  return `${message} (rejected by ${rejecting.join(', ')} and strict proxies)`;
}

/**
 * The report function a rule gets: the one place a finding's severity is
 * settled (from who lets it through, and whether its part of the conversation
 * is sent at all), and where its line, key, turn and block are filled in.
 */
function reporter(ctx: RuleContext, rule: string, out: Diagnostic[]): Report {
  const preCompact = ctx.segment === 'pre-compact';
  return (f) => {
    let severity: Severity = f.severity;
    let message = f.message;
    if (f.tolerated && tolerates(ctx, f.tolerated)) {
      if (severity === 'error') severity = 'warning';
      message = toleratedMessage(message, f.tolerated);
    }
    const { pos, turn, block } = locate(ctx, f.at);
    out.push({
      rule,
      // What precedes the newest compaction is never sent: reported, but as info with no fix.
      severity: preCompact ? 'info' : severity,
      message: preCompact ? `${message} (before the last compaction, not sent)` : message,
      apiError: f.apiError,
      pos,
      line: pos + 1,
      key: ctx.doc.lines[pos]!.key,
      turn: preCompact ? undefined : turn,
      block,
      fixes: preCompact ? [] : (f.fixes ?? []),
    });
  };
}

/** Runs one rule on one context, adding what it reports to `out`. */
export function runRule(rule: Rule, ctx: RuleContext, out: Diagnostic[]): void {
  rule.check(ctx, reporter(ctx, rule.id, out));
}
