import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${CLAUDE_CONFIG_DIR:-~/.claude}`, where Claude Code keeps its sessions. */
export function claudeHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude');
}

/** Claude Code's project folder name for a working directory. */
export function encodeProjectDir(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

export interface SessionFile {
  readonly id: string;
  readonly path: string;
  readonly project: string;
  readonly size: number;
  readonly mtimeMs: number;
}

function projectsDir(env?: NodeJS.ProcessEnv): string {
  return join(claudeHome(env), 'projects');
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Main session transcripts (not subagents), newest first; of one project or all. */
export function listSessions(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SessionFile[] {
  const root = projectsDir(options.env);
  const projects = options.cwd ? [encodeProjectDir(options.cwd)] : listDir(root);
  const out: SessionFile[] = [];
  for (const project of projects) {
    for (const name of listDir(join(root, project))) {
      if (!name.endsWith('.jsonl') || name.startsWith('agent-')) continue;
      const path = join(root, project, name);
      try {
        const st = statSync(path);
        if (st.isFile()) out.push({ id: name.slice(0, -'.jsonl'.length), path, project, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // vanished while listing
      }
    }
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** What a command-line argument names: a file, a session (by id or a unique prefix of one), several sessions, or nothing. */
export type Resolved =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'ambiguous'; readonly ids: readonly string[] }
  | { readonly kind: 'none'; readonly searched: string };

/**
 * A path as given, else a session id looked up under every project: the whole
 * id, or a prefix that only one session's id starts with.
 */
export function resolveTranscript(arg: string, env?: NodeJS.ProcessEnv): Resolved {
  if (existsSync(arg)) return { kind: 'file', path: arg };
  const root = projectsDir(env);
  if (!/^[\w.-]+$/.test(arg)) return { kind: 'none', searched: root };
  const byPrefix = new Map<string, string>();
  for (const project of listDir(root)) {
    const exact = join(root, project, `${arg}.jsonl`);
    if (existsSync(exact)) return { kind: 'file', path: exact };
    for (const name of listDir(join(root, project))) {
      const id = name.slice(0, -'.jsonl'.length);
      if (name.endsWith('.jsonl') && !name.startsWith('agent-') && id.startsWith(arg) && !byPrefix.has(id)) byPrefix.set(id, join(root, project, name));
    }
  }
  if (byPrefix.size === 1) return { kind: 'file', path: [...byPrefix.values()][0]! };
  if (byPrefix.size > 1) return { kind: 'ambiguous', ids: [...byPrefix.keys()].sort() };
  return { kind: 'none', searched: root };
}
