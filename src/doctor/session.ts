import { sessionIdOf } from '../report/session.js';
import { countLine, plural } from '../report/text.js';
import type { Analysis } from '../rules/analyze.js';
import type { Provider } from '../rules/types.js';
import type { Channel } from './channel.js';
import type { Check } from './check.js';

/** What doctor reports about one session, gathered once from its document and analysis. */
export interface SessionFacts {
  readonly path: string;
  readonly sessionId: string;
  readonly bytes: number;
  readonly lines: number;
  readonly compactions: number;
  /** Messages in the request Claude Code would send. */
  readonly messages: number;
  /** Claude Code releases that wrote it, in order of first appearance. */
  readonly versions: readonly string[];
  readonly cwd?: string;
  readonly provider: Provider;
  readonly counts: Analysis['counts'];
}

export function sessionFacts(a: Analysis, provider: Provider): SessionFacts {
  const { doc } = a;
  const main = doc.lines.filter((l) => l.info.kind === 'entry' && !l.info.isSidechain);
  const versions = [...new Set(main.flatMap((l) => (l.info.version ? [l.info.version] : [])))];
  return {
    path: doc.path ?? '',
    sessionId: sessionIdOf(doc) ?? '',
    bytes: doc.stamp?.size ?? doc.lines.reduce((n, l) => n + l.info.bytes + l.eol.length, 0),
    lines: doc.lines.length,
    compactions: main.filter((l) => l.info.type === 'system' && l.info.subtype === 'compact_boundary').length,
    messages: a.view.messages.length,
    versions,
    cwd: main.find((l) => l.info.cwd)?.info.cwd,
    provider,
    counts: a.counts,
  };
}

export function checkSessionHealth(s: SessionFacts): Check {
  const summary = countLine(s);
  if (s.counts.error) {
    return {
      id: 'session-check',
      status: 'problem',
      message: `${summary}: the API will reject this session as it is`,
      action: `\`ccmend fix ${s.sessionId}\` repairs what is safe to repair; \`ccmend ${s.sessionId}\` to review it by hand`,
    };
  }
  if (s.counts.warning) return { id: 'session-check', status: 'warning', message: summary, action: `\`ccmend check ${s.sessionId}\` lists them` };
  return { id: 'session-check', status: 'ok', message: summary };
}

/*
 * Long sessions and repeated compaction are where transcripts break most often:
 * every resume rebuilds the whole chain and every compaction rewrites its root.
 * These thresholds only decide when to suggest a fresh session.
 */
const LARGE_SESSION_BYTES = 100 * 1024 * 1024;
const MANY_COMPACTIONS = 3;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function checkSessionSize(s: SessionFacts): Check {
  const message = `${formatBytes(s.bytes)}, ${plural(s.lines, 'line')}, ${plural(s.compactions, 'compaction')}, ${plural(s.messages, 'message')} sent on resume`;
  if (s.bytes < LARGE_SESSION_BYTES && s.compactions < MANY_COMPACTIONS) return { id: 'session-size', status: 'ok', message };
  return {
    id: 'session-size',
    status: 'warning',
    message: `${message}: very long or often compacted sessions are the likeliest to break`,
    action: `consider a fresh session: \`ccmend summary ${s.sessionId}\` writes a hand-off summary`,
  };
}

const PROVIDER_RULES: Record<Provider, string> = {
  anthropic: "the Anthropic API's rules",
  bedrock: "Bedrock's stricter rules (first message from the user, roles alternate)",
  vertex: "Vertex's stricter rules (first message from the user, roles alternate)",
};

/** Which provider's rules the session check used, and whether `ccmend check`/`fix` will use the same ones. */
export function checkProviderRules(s: SessionFacts, channel: Channel): Check {
  const message = `checked with ${PROVIDER_RULES[s.provider]}`;
  if (channel.kind === 'gateway') {
    return {
      id: 'provider',
      status: 'ok',
      message,
      action: 'if the gateway forwards to Bedrock or Vertex, check with `--provider bedrock` or `--provider vertex`',
    };
  }
  // check and fix read CLAUDE_CODE_USE_BEDROCK/_VERTEX from the shell only, not from settings.json.
  if (channel.kind !== 'anthropic' && channel.from !== 'environment') {
    return {
      id: 'provider',
      status: 'ok',
      message: `${message} (set in ${channel.from})`,
      action: `pass \`--provider ${channel.kind}\` to \`ccmend check\` and \`ccmend fix\``,
    };
  }
  return { id: 'provider', status: 'ok', message };
}
