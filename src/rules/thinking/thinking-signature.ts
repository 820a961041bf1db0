import { BAD_THINKING_SIGNATURE, linesFlagged } from '../../transcript/columns.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { removeBlock, safeFix } from '../kit/fixes.js';
import { apiPath } from '../kit/where.js';

export default defineRule({ id: 'thinking-signature', description: 'a thinking block without a valid signature' }, (ctx, report) => {
  const flags = linesFlagged(ctx.doc.lines, BAD_THINKING_SIGNATURE);
  if (!flags) return;
  for (const b of viewIndex(ctx.view).ofType('thinking').blocks) {
    const { signature } = b.info;
    if (!(flags[b.pos]! & BAD_THINKING_SIGNATURE) || signature === 'ok' || b.info.empty) continue;
    // An absent field fails schema validation; an empty or forged one fails the signature check.
    const unsigned = signature === 'absent' || signature === 'missing';
    report({
      at: b,
      severity: 'error',
      message: unsigned ? 'thinking block has no signature' : 'thinking block signature is not a signature (not base64; redacted or edited?)',
      apiError:
        signature === 'absent' ? `${apiPath(ctx, b)}.thinking.signature: Field required` : `${apiPath(ctx, b)}: Invalid \`signature\` in \`thinking\` block`,
      fixes: [safeFix('remove the thinking block (its text is not resent anyway)', removeBlock(ctx, b))],
    });
  }
});
