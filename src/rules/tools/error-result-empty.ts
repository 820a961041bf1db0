import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { safeFix, setField } from '../kit/fixes.js';
import { apiPath, messageOf } from '../kit/where.js';

const ERROR_PLACEHOLDER = '[tool failed without output]';

export default defineRule({ id: 'error-result-empty', description: 'a tool_result with is_error has empty content' }, (ctx, report) => {
  for (const r of viewIndex(ctx.view).ofType('tool_result').blocks) {
    if (!r.info.isError || !r.info.empty || ctx.view.messages[messageOf(ctx, r)]!.role !== 'user') continue;
    report({
      at: r,
      severity: 'error',
      message: `error tool_result for ${r.info.toolUseId ?? '?'} has no content`,
      apiError: `${apiPath(ctx, r)}: content cannot be empty if \`is_error\` is true`,
      fixes: [safeFix(`set its content to "${ERROR_PLACEHOLDER}"`, setField(ctx, r, ['content'], ERROR_PLACEHOLDER))],
    });
  }
});
