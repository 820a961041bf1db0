import { createHash } from 'node:crypto';
import type { ViewBlock } from '../../conversation/apiView.js';
import type { RuleContext } from '../types.js';
import { infoOf } from './where.js';

/*
 * Lines a fix adds, made to look like the client's own so it reads them back:
 * deterministic uuids (the same fix twice makes the same line), the fields a
 * line copies from its neighbour, and the parent it hangs off.
 */

/** A uuid-shaped id derived from `seed`, so fixes are deterministic. */
export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Fields a new line copies from its neighbour so Claude Code reads it like its own. */
const INHERITED = ['userType', 'cwd', 'sessionId', 'version', 'gitBranch', 'timestamp', 'agentId'] as const;

/**
 * The uuid a result for the tool_use on line `pos` hangs off: that line's, or if
 * it lost its uuid (or another line carries it too, and so is what the uuid
 * names), the last line of the same response whose uuid names it (the view
 * gathers results hanging off any line of a response).
 */
function anchorUuid(ctx: RuleContext, pos: number): string | null {
  const names = (p: number) => {
    const uuid = infoOf(ctx, p).uuid;
    return !!uuid && ctx.graph.posOf(uuid) === p;
  };
  if (names(pos)) return infoOf(ctx, pos).uuid!;
  const lines = ctx.view.messages[ctx.view.messageOf.get(pos) ?? -1]?.lines ?? [];
  const anchor = lines.filter(names).at(-1);
  return anchor === undefined ? null : infoOf(ctx, anchor).uuid!;
}

/** A new user line holding tool_result `block`, hanging off the tool_use's own line (Claude Code's parallel-call layout). */
export function resultLine(ctx: RuleContext, toolUse: ViewBlock, block: Record<string, unknown>): Record<string, unknown> {
  const line = ctx.doc.lines[toolUse.pos]!;
  const info = line.info as unknown as Record<string, unknown>;
  const value: Record<string, unknown> = { parentUuid: anchorUuid(ctx, toolUse.pos), isSidechain: ctx.conversation === 'subagent' };
  for (const k of INHERITED) if (info[k] !== undefined) value[k] = info[k];
  Object.assign(value, {
    type: 'user',
    message: { role: 'user', content: [block] },
    uuid: derivedUuid(`ccmend-result:${toolUse.info.id}:${line.info.uuid ?? line.key}`),
  });
  return value;
}
