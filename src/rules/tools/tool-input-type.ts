import { BAD_TOOL_INPUT, linesFlagged } from '../../transcript/columns.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { keyOf, safeFix } from '../kit/fixes.js';
import { apiPath, messageOf } from '../kit/where.js';

export default defineRule({ id: 'tool-input-type', description: 'a tool_use input is not a JSON object' }, (ctx, report) => {
  const flags = linesFlagged(ctx.doc.lines, BAD_TOOL_INPUT);
  if (!flags) return;
  for (const u of viewIndex(ctx.view).ofType('tool_use').blocks) {
    if (!(flags[u.pos]! & BAD_TOOL_INPUT) || u.info.inputIsObject || ctx.view.messages[messageOf(ctx, u)]!.role !== 'assistant') continue;
    report({
      at: u,
      severity: 'error',
      message: `tool_use ${u.info.id ?? ''} input is not an object`,
      apiError: `${apiPath(ctx, u)}.tool_use.input: Input should be a valid dictionary`,
      fixes: [safeFix('parse the input if it is JSON text, else make it {}', { op: 'parse-json', key: keyOf(ctx, u), path: [...u.info.path, 'input'] })],
    });
  }
});
