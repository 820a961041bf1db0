import type { Check } from './check.js';

/**
 * Claude Code releases with a known bug that makes the API reject requests.
 * Versions are [introduced, fixed). Each entry names the public issues in
 * anthropics/claude-code that report it, so a user can read the details.
 */
export interface KnownBug {
  readonly introduced: string;
  readonly fixed: string;
  readonly summary: string;
  readonly issues: readonly number[];
  /** Only bites when requests go through Bedrock, Vertex or a gateway. */
  readonly thirdPartyOnly?: boolean;
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    // #21094: "Versions 2.1.17 and 2.1.18 work correctly". Fixed in 2.1.22 as our own issue
    // tracker records it; the public changelog does not name this fix.
    introduced: '2.1.19',
    fixed: '2.1.22',
    summary: 'sends duplicate tool_use ids after a tool call ("tool_use ids must be unique", shown as "400 due to tool use concurrency issues")',
    issues: [20508, 21072, 21094],
  },
  {
    // #21676: "began occurring on 2.1.23. Version 2.1.22 does not have the issue"; the 2.1.25
    // changelog fixes the beta header error for Bedrock/Vertex gateway users.
    introduced: '2.1.23',
    fixed: '2.1.25',
    summary: `sends a beta flag Bedrock and Vertex gateways reject ("invalid beta flag") even with CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1`,
    issues: [21676],
    thirdPartyOnly: true,
  },
];

const VERSION = /\b(\d+)\.(\d+)\.(\d+)\b/;

/** The version in `claude --version` output ("2.1.39 (Claude Code)") or a transcript's `version` field. */
export function parseVersion(text: string): string | undefined {
  const m = VERSION.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export function bugsIn(version: string, thirdParty: boolean): KnownBug[] {
  return KNOWN_BUGS.filter((b) => (thirdParty || !b.thirdPartyOnly) && compareVersions(version, b.introduced) >= 0 && compareVersions(version, b.fixed) < 0);
}

function describeBugs(version: string, bugs: readonly KnownBug[]): string {
  const refs = (b: KnownBug) => b.issues.map((n) => `#${n}`).join(', ');
  return bugs.map((b) => `Claude Code ${version} ${b.summary} (fixed in ${b.fixed}; anthropics/claude-code ${refs(b)})`).join('; ');
}

const latestFix = (bugs: readonly KnownBug[]) =>
  bugs
    .map((b) => b.fixed)
    .sort(compareVersions)
    .at(-1)!;

/** `claudeOutput`: what `claude --version` printed, or undefined when `claude` is not on PATH. */
export function checkClaudeVersion(claudeOutput: string | undefined, thirdParty: boolean): Check {
  if (claudeOutput === undefined) {
    return {
      id: 'claude-version',
      status: 'warning',
      message: '`claude` is not on PATH, so its version cannot be checked',
      action: 'run ccmend doctor where `claude` runs, or give it a session to check the version that wrote it',
    };
  }
  const version = parseVersion(claudeOutput);
  if (!version) {
    return {
      id: 'claude-version',
      status: 'warning',
      message: `\`claude --version\` printed no version (${JSON.stringify(claudeOutput.trim().slice(0, 80))})`,
    };
  }
  const bugs = bugsIn(version, thirdParty);
  if (!bugs.length) return { id: 'claude-version', status: 'ok', message: `Claude Code ${version}: no known transcript or request bug` };
  return {
    id: 'claude-version',
    status: 'problem',
    message: describeBugs(version, bugs),
    action: `update Claude Code to ${latestFix(bugs)} or later (\`claude update\`)`,
  };
}

/**
 * The releases that wrote a session. A buggy one is a warning, not a problem: the
 * session's own check says whether the damage is in this transcript.
 */
export function checkSessionVersions(versions: readonly string[], thirdParty: boolean): Check {
  if (!versions.length) return { id: 'session-version', status: 'ok', message: 'the session names no Claude Code version' };
  const buggy = versions.filter((v) => bugsIn(v, thirdParty).length);
  const list = versions.join(', ');
  if (!buggy.length) return { id: 'session-version', status: 'ok', message: `written by Claude Code ${list}` };
  return {
    id: 'session-version',
    status: 'warning',
    message: `written by Claude Code ${list}; ${buggy.map((v) => describeBugs(v, bugsIn(v, thirdParty))).join('; ')}`,
    action: 'resume it with a fixed release; the session check says whether this transcript needs repair',
  };
}
