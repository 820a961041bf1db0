import type { Tolerance } from '../types.js';

/*
 * The Anthropic API merges consecutive same-role turns and accepts an opening
 * assistant turn; Bedrock, Vertex and many proxies do not. Under the default
 * provider these are warnings, so a file ccmend calls clean still says so.
 */
export const STRICT_PROVIDERS_REJECT: Tolerance = { by: 'provider', providers: ['anthropic'] };
