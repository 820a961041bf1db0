import { defineRule } from '../kit/define.js';
import { checkBlankText } from './shared.js';

const description = 'empty text block';

export default defineRule({ id: 'text-empty', description }, (ctx, report) =>
  checkBlankText(ctx, report, 'empty', description, 'text content blocks must be non-empty'),
);
