import type { Tolerance } from '../types.js';

/*
 * The Anthropic API merges consecutive same-role turns; Bedrock, Vertex and
 * many proxies reject them. Under the default provider that is a warning, so a
 * file ccmend calls clean still says so.
 */
export const STRICT_PROVIDERS_REJECT: Tolerance = { providers: ['anthropic'] };
