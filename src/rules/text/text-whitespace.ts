import { defineRule } from '../kit/define.js';
import { checkBlankText } from './shared.js';

const description = 'text block contains only whitespace';

export default defineRule({ id: 'text-whitespace', description }, (ctx, report) =>
  checkBlankText(ctx, report, 'whitespace', description, 'text content blocks must contain non-whitespace text'),
);
