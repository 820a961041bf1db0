import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A subagent's transcript beside a session, and what its meta file says of the call that ran it. */
export interface SubagentFile {
  readonly path: string;
  /** The Task/Agent tool_use that ran it, when its meta file names it. */
  readonly toolUseId?: string;
  readonly description?: string;
}

const AGENT_FILE = /^agent-.+\.jsonl$/;
/** The compaction summariser's own transcript: no Task or Agent call ran it, and nothing resumes it. */
const COMPACTION_AGENT = /^agent-acompact-/;

/** Whether a transcript is a subagent's (`<session>/subagents/agent-<id>.jsonl`, or `agent-<id>.jsonl` in the project as 2.0.x wrote them). */
export const isSubagentTranscript = (path: string): boolean => AGENT_FILE.test(basename(path));

function metaOf(path: string): { toolUseId?: string; description?: string } {
  try {
    const meta = JSON.parse(readFileSync(path.replace(/\.jsonl$/, '.meta.json'), 'utf8')) as Record<string, unknown>;
    return {
      ...(typeof meta.toolUseId === 'string' ? { toolUseId: meta.toolUseId } : {}),
      ...(typeof meta.description === 'string' ? { description: meta.description } : {}),
    };
  } catch {
    return {};
  }
}

/** The subagent transcripts of a session file (`<project>/<sessionId>/subagents/agent-*.jsonl`, by name), the compaction summariser's left out. */
export function subagentsOf(sessionPath: string): SubagentFile[] {
  if (isSubagentTranscript(sessionPath)) return [];
  const dir = join(dirname(sessionPath), basename(sessionPath, '.jsonl'), 'subagents');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => AGENT_FILE.test(name) && !COMPACTION_AGENT.test(name))
    .sort()
    .map((name) => ({ path: join(dir, name), ...metaOf(join(dir, name)) }));
}

/** Where a subagent transcript goes when its session is written to `out`: the same layout beside it. */
export const subagentOut = (out: string, sub: SubagentFile): string => join(dirname(out), basename(out, '.jsonl'), 'subagents', basename(sub.path));
