import { truthy } from '../report/text.js';
import type { Check } from './check.js';
import type { EffectiveEnv } from './settings.js';

/** How Claude Code reaches the model: directly, or through a third party that may reject what Anthropic accepts. */
export type Channel =
  | { readonly kind: 'anthropic' }
  | { readonly kind: 'bedrock'; readonly from: string }
  | { readonly kind: 'vertex'; readonly from: string }
  | { readonly kind: 'gateway'; readonly url: string; readonly from: string };

const ANTHROPIC_HOST = 'api.anthropic.com';
export const DISABLE_BETAS = 'CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS';

function isAnthropicUrl(url: string): boolean {
  try {
    return new URL(url).hostname === ANTHROPIC_HOST;
  } catch {
    return false;
  }
}

export function channelOf(env: EffectiveEnv): Channel {
  const bedrock = env.CLAUDE_CODE_USE_BEDROCK;
  if (bedrock && truthy(bedrock.value)) return { kind: 'bedrock', from: bedrock.from };
  const vertex = env.CLAUDE_CODE_USE_VERTEX;
  if (vertex && truthy(vertex.value)) return { kind: 'vertex', from: vertex.from };
  const base = env.ANTHROPIC_BASE_URL;
  if (base?.value.trim() && !isAnthropicUrl(base.value)) return { kind: 'gateway', url: base.value, from: base.from };
  return { kind: 'anthropic' };
}

export function describeChannel(c: Channel): string {
  switch (c.kind) {
    case 'anthropic':
      return 'the Anthropic API';
    case 'bedrock':
      return `Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK, from ${c.from})`;
    case 'vertex':
      return `Google Vertex AI (CLAUDE_CODE_USE_VERTEX, from ${c.from})`;
    case 'gateway':
      return `a gateway or proxy at ${c.url} (ANTHROPIC_BASE_URL, from ${c.from})`;
  }
}

/**
 * Experimental `anthropic-beta` headers that Bedrock, Vertex or a gateway does not
 * know are a known 400 cause there (anthropics/claude-code#46105, #22893, #21676);
 * CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 is the documented switch.
 */
export function checkChannel(env: EffectiveEnv): Check {
  const channel = channelOf(env);
  const described = describeChannel(channel);
  if (channel.kind === 'anthropic') return { id: 'channel', status: 'ok', message: `requests go to ${described}` };
  const flag = env[DISABLE_BETAS];
  if (flag && truthy(flag.value)) {
    return { id: 'channel', status: 'ok', message: `requests go to ${described}; ${DISABLE_BETAS}=${flag.value} (from ${flag.from})` };
  }
  return {
    id: 'channel',
    status: 'warning',
    message: `requests go to ${described} without ${DISABLE_BETAS}=1: experimental anthropic-beta headers are a known cause of 400 errors there`,
    action: `add "${DISABLE_BETAS}": "1" to "env" in settings.json (or export it in your shell)`,
  };
}
