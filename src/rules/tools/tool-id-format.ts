import type { Edit } from '../../edit/types.js';
import { BAD_TOOL_ID, TOOL_ID, linesFlagged } from '../../transcript/columns.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { safeFix, setField } from '../kit/fixes.js';
import { derivedUuid } from '../kit/newLines.js';
import { toolPairs } from '../kit/pairs.js';
import { apiPath, infoOf, messageOf } from '../kit/where.js';

export default defineRule({ id: 'tool-id-format', description: 'a tool_use id is missing or does not match ^[a-zA-Z0-9_-]+$' }, (ctx, report) => {
  const flags = linesFlagged(ctx.doc.lines, BAD_TOOL_ID);
  if (!flags) return;
  const pairs = toolPairs(ctx.view);
  for (const u of viewIndex(ctx.view).ofType('tool_use').blocks) {
    if (!(flags[u.pos]! & BAD_TOOL_ID)) continue;
    const id = u.info.id;
    if (id !== undefined && TOOL_ID.test(id)) continue;
    const i = messageOf(ctx, u);
    if (ctx.view.messages[i]!.role !== 'assistant') continue;
    const fresh = id
      ? id.replace(/[^a-zA-Z0-9_-]/g, '_') || 'toolu_ccmend'
      : `toolu_ccmend_${derivedUuid(`${infoOf(ctx, u.pos).uuid}:${u.index}`).replace(/-/g, '')}`;
    const edits: Edit[] = [setField(ctx, u, ['id'], fresh)];
    if (id !== undefined) for (const r of pairs.resultsOf(pairs.answerOf(i))) if (r.info.toolUseId === id) edits.push(setField(ctx, r, ['tool_use_id'], fresh));
    report({
      at: u,
      severity: 'error',
      message: id === undefined ? 'tool_use has no id' : `tool_use id ${JSON.stringify(id)} has characters the API does not accept`,
      apiError:
        id === undefined ? `${apiPath(ctx, u)}.tool_use.id: Field required` : `${apiPath(ctx, u)}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`,
      fixes: [safeFix(`rename the id to ${fresh} in the tool_use and its result`, ...edits)],
    });
  }
});
