import { firstPrompt } from '../conversation/prompts.js';
import { analyze } from '../rules/analyze.js';
import { loadFile } from '../transcript/load.js';
import { type SessionFile, listSessions } from '../transcript/sessions.js';
import { EXIT } from './errors.js';
import type { Io } from './output.js';

export interface SessionRow extends SessionFile {
  readonly prompt?: string;
  readonly errors?: number;
  readonly warnings?: number;
  /** The folder the session ran in. */
  readonly cwd?: string;
  /** The session's own last timestamp (file times change when a folder is copied). */
  readonly lastAt?: string;
}

/** Prompt and problem counts of one session; a file that cannot be read yields none. */
export async function describeSession(s: SessionFile): Promise<SessionRow> {
  try {
    const doc = await loadFile(s.path);
    try {
      const a = analyze(doc);
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

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** `ccmend list`: sessions of the current project (or all), newest first. */
export async function runList(opts: { all: boolean; json: boolean; cwd: string }, io: Io): Promise<number> {
  const sessions = listSessions({ cwd: opts.all ? undefined : opts.cwd });
  const rows: SessionRow[] = [];
  for (const s of sessions) rows.push(await describeSession(s));
  if (opts.json) {
    io.out(
      JSON.stringify(
        rows.map(({ id, path, project, size, mtimeMs, prompt, errors, warnings }) => ({
          id,
          path,
          project,
          size,
          modified: new Date(mtimeMs).toISOString(),
          prompt: prompt ?? null,
          errors: errors ?? null,
          warnings: warnings ?? null,
        })),
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  if (!rows.length) {
    io.out(opts.all ? 'no Claude Code sessions found' : `no sessions for ${opts.cwd} (try --all)`);
    return EXIT.ok;
  }
  for (const r of rows) {
    const problems = r.errors === undefined ? 'unreadable' : `${r.errors} error${r.errors === 1 ? '' : 's'}`;
    io.out(
      `${r.id}  ${formatDate(r.mtimeMs)}  ${formatSize(r.size).padStart(8)}  ${problems.padEnd(10)}  ${opts.all ? `[${r.project}] ` : ''}${r.prompt ?? ''}`,
    );
  }
  return EXIT.ok;
}
