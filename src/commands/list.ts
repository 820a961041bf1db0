import { type SessionRow, describeSession, lastUsed, projectOf } from '../report/session.js';
import { formatDate, formatSize } from '../report/text.js';
import { listSessions } from '../transcript/sessions.js';
import { EXIT } from '../report/errors.js';
import type { Io } from './output.js';

/**
 * `ccmend list`: sessions of the current project (or all), newest first by
 * each session's own last timestamp, as the picker orders them (a copied
 * folder gives every file the same time).
 */
export async function runList(opts: { all: boolean; json: boolean; cwd: string }, io: Io): Promise<number> {
  const sessions = listSessions({ cwd: opts.all ? undefined : opts.cwd });
  const rows: SessionRow[] = [];
  for (const s of sessions) rows.push(await describeSession(s));
  rows.sort((a, b) => lastUsed(b) - lastUsed(a));
  if (opts.json) {
    io.out(
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          path: r.path,
          project: r.project,
          cwd: r.cwd ?? null,
          size: r.size,
          lastUsed: new Date(lastUsed(r)).toISOString(),
          modified: new Date(r.mtimeMs).toISOString(),
          prompt: r.prompt ?? null,
          errors: r.errors ?? null,
          warnings: r.warnings ?? null,
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
      `${r.id}  ${formatDate(lastUsed(r))}  ${formatSize(r.size).padStart(8)}  ${problems.padEnd(10)}  ${opts.all ? `[${projectOf(r)}] ` : ''}${r.prompt ?? ''}`,
    );
  }
  return EXIT.ok;
}
