import { firstPrompt } from '../conversation/prompts.js';
import { analyze } from '../rules/analyze.js';
import type { Doc } from '../transcript/document.js';
import { loadFile } from '../transcript/load.js';
import type { SessionFile } from '../transcript/sessions.js';

/** The session id Claude Code resumes this file by. */
export function sessionIdOf(doc: Doc): string | undefined {
  for (const l of doc.lines) if (l.info.sessionId && !l.info.isSidechain) return l.info.sessionId;
  return doc.path?.replace(/^.*\//, '').replace(/\.jsonl$/, '');
}

/** The command that resumes a session: Claude Code finds sessions by the project directory. */
export function resumeCommand(doc: Doc): string {
  const id = sessionIdOf(doc);
  const cwd = doc.lines.find((l) => l.info.cwd && !l.info.isSidechain)?.info.cwd;
  const quoted = cwd && /[^\w/.-]/.test(cwd) ? `'${cwd.replace(/'/g, `'\\''`)}'` : cwd;
  return `${cwd ? `cd ${quoted} && ` : ''}claude --resume ${id}`;
}

export interface SessionRow extends SessionFile {
  readonly prompt?: string;
  readonly errors?: number;
  readonly warnings?: number;
}

/** Prompt and problem counts of one session; a file that cannot be read yields none. */
export async function describeSession(s: SessionFile): Promise<SessionRow> {
  try {
    const doc = await loadFile(s.path);
    try {
      const a = analyze(doc);
      return { ...s, prompt: firstPrompt(doc.lines), errors: a.counts.error, warnings: a.counts.warning };
    } finally {
      doc.source.close();
    }
  } catch {
    return s;
  }
}
