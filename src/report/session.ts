import { firstPrompt } from '../conversation/prompts.js';
import { analyze } from '../rules/analyze.js';
import { resolveTarget } from './target.js';
import type { Doc } from '../transcript/document.js';
import { loadFile } from '../transcript/load.js';
import type { SessionFile } from '../transcript/sessions.js';
import { shellQuote } from './shell.js';

/** The session id Claude Code resumes this file by. */
export function sessionIdOf(doc: Doc): string | undefined {
  for (const l of doc.lines) if (l.info.sessionId && !l.info.isSidechain) return l.info.sessionId;
  return doc.path?.replace(/^.*\//, '').replace(/\.jsonl$/, '');
}

/** The command that resumes a session: Claude Code finds sessions by the project directory. */
export function resumeCommand(doc: Doc): string {
  const id = sessionIdOf(doc);
  const cwd = doc.lines.find((l) => l.info.cwd && !l.info.isSidechain)?.info.cwd;
  return `${cwd ? `cd ${shellQuote(cwd)} && ` : ''}claude --resume ${id}`;
}

export interface SessionRow extends SessionFile {
  readonly prompt?: string;
  readonly errors?: number;
  readonly warnings?: number;
  /** The folder the session ran in. */
  readonly cwd?: string;
  /** The session's own last timestamp (file times change when a folder is copied). */
  readonly lastAt?: string;
}

/** When the session was last used: its own last timestamp once read, else the file's time. */
export const lastUsed = (r: SessionRow): number => (r.lastAt ? Date.parse(r.lastAt) : r.mtimeMs);

/** Where a session ran: its folder once read, else the folder Claude Code keeps it in. */
export const projectOf = (r: SessionRow): string => r.cwd ?? r.project;

/** Prompt and problem counts of one session; a file that cannot be read yields none. */
export async function describeSession(s: SessionFile): Promise<SessionRow> {
  try {
    const doc = await loadFile(s.path);
    try {
      const a = analyze(doc, { target: resolveTarget(undefined, doc).clients });
      return {
        ...s,
        prompt: firstPrompt(doc.lines),
        errors: a.counts.error,
        warnings: a.counts.warning,
        cwd: doc.lines.find((l) => l.info.cwd && !l.info.isSidechain)?.info.cwd,
        lastAt: doc.lines.findLast((l) => l.info.timestamp)?.info.timestamp,
      };
    } finally {
      doc.source.close();
    }
  } catch {
    return s;
  }
}

/**
 * Nothing in the file is a JSON entry (random bytes, a binary, another format):
 * a report of one parse error per line would only bury that.
 */
export function notATranscript(doc: Doc): string | undefined {
  if (!doc.lines.length || doc.lines.some((l) => l.info.kind === 'entry')) return undefined;
  return `${doc.path}: not a Claude Code transcript (none of its ${doc.lines.length} line${doc.lines.length === 1 ? ' is a JSON object' : 's is a JSON object'})`;
}
