import { EMPTY_ERROR_RESULT, linesFlagged } from '../../transcript/columns.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { safeFix, setField } from '../kit/fixes.js';
import { apiPath, messageOf } from '../kit/where.js';

const ERROR_PLACEHOLDER = '[tool failed without output]';

export default defineRule({ id: 'error-result-empty', description: 'a tool_result with is_error has empty content' }, (ctx, report) => {
  // A result the client makes in place of one is never empty: only the lines' own results can be.
  const flags = linesFlagged(ctx.doc.lines, EMPTY_ERROR_RESULT);
  if (!flags) return;
  for (const r of viewIndex(ctx.view).ofType('tool_result').blocks) {
    if (!(flags[r.pos]! & EMPTY_ERROR_RESULT) || !r.info.isError || !r.info.empty || ctx.view.messages[messageOf(ctx, r)]!.role !== 'user') continue;
    report({
      at: r,
      severity: 'error',
      message: `error tool_result for ${r.info.toolUseId ?? '?'} has no content`,
      apiError: `${apiPath(ctx, r)}: content cannot be empty if \`is_error\` is true`,
      fixes: [safeFix(`set its content to "${ERROR_PLACEHOLDER}"`, setField(ctx, r, ['content'], ERROR_PLACEHOLDER))],
    });
  }
});
