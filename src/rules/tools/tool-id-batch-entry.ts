import { RESULT_MISSING } from '../../conversation/apiView.js';
import { BATCH_ENTRY } from '../../transcript/columns.js';
import { GENERATIONS, versionRanges } from '../../conversation/clients.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { safeFix, setField } from '../kit/fixes.js';
import { infoOf } from '../kit/where.js';

/** The clients that take such a result for a batch entry, as people read versions ("2.1.236+"). */
const TAKING = versionRanges(GENERATIONS.filter((g) => g.has('batch-entry-results'))).join(', ');

/*
 * A valid pair whose id is another call's id and `_<n>` (a reused id told apart
 * so): the API takes it, but the clients with batch-entry-results send
 * its call answered by an error in place of its result, so the model loses
 * what the call did. Found in the request those clients send, by their patch.
 * The pair is renamed `<id>-<n>`, which no client reads as a batch entry.
 */
export default defineRule({ id: 'tool-id-batch-entry', description: "a tool_result id is another call's id and `_<n>`" }, (ctx, report) => {
  const taken = ctx.view.patches.filter((p) => p.by === 'batch-entry-results');
  if (!taken.length) return;
  const calls = viewIndex(ctx.view).ofType('tool_use').blocks;
  const used = new Set(calls.map((c) => c.info.id));
  for (const p of taken) {
    const info = infoOf(ctx, p.pos).blocks[p.index]!;
    const result = { pos: p.pos, index: p.index, info };
    const id = info.toolUseId!;
    const entry = BATCH_ENTRY.exec(id)!;
    const batch = id.slice(0, entry.index);
    // Its own call, in a message before the result's.
    const at = ctx.view.messageOf.get(p.pos)!;
    const call = calls.findLast((c) => c.info.id === id && ctx.view.messageOf.get(c.pos)! < at);
    let n = Number(entry[1]);
    while (used.has(`${batch}-${n}`)) n++;
    const fresh = `${batch}-${n}`;
    used.add(fresh);
    report({
      at: result,
      severity: 'warning',
      message: `tool_result id ${id} reads as entry ${entry[1]} of call ${batch}: Claude Code ${TAKING} answers this call "${RESULT_MISSING}" and drops its result`,
      fixes: call
        ? [safeFix(`rename the call's id to ${fresh}, and its result's`, setField(ctx, call, ['id'], fresh), setField(ctx, result, ['tool_use_id'], fresh))]
        : [],
    });
  }
});
