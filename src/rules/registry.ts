import { chainRules } from './chain.js';
import { contentRules } from './content.js';
import { roleRules } from './roles.js';
import { textRules } from './text.js';
import { thinkingRules } from './thinking.js';
import { toolRules } from './toolPairing.js';
import type { Rule } from './types.js';

export const RULES: readonly Rule[] = [...toolRules, ...textRules, ...thinkingRules, ...roleRules, ...contentRules, ...chainRules];
