import { type SessionRow, describeSession } from '../report/session.js';
import { formatDate, formatSize } from '../report/text.js';
import { listSessions } from '../transcript/sessions.js';
import { EXIT } from '../report/errors.js';
import type { Io } from './output.js';

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
