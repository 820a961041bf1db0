import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildGraph } from '../conversation/graph.js';
import { handoffFacts } from '../summary/handoffFacts.js';
import { type NewSessionIds, handoffTranscript } from '../summary/session.js';
import { renderHandoff } from '../summary/summary.js';
import { docFromBuffer } from '../transcript/load.js';
import { encodeProjectDir } from '../transcript/sessions.js';
import { CliError, EXIT, ioMessage } from '../report/errors.js';
import { resumeCommand } from '../report/session.js';
import { openTranscript } from './open.js';
import type { Io } from './output.js';

/**
 * Creates `path` holding `text`, never replacing a file already there: the
 * bytes go to a temporary file first, flushed to disk, then are linked in
 * under the final name (which fails if that name exists), so the session
 * appears whole or not at all. Claude Code keeps its transcripts private (0600).
 */
function createAtomically(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.ccmend-${process.pid}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    const buf = Buffer.from(text);
    for (let done = 0; done < buf.length; ) done += writeSync(fd, buf, done, buf.length - done);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    linkSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  try {
    const dir = openSync(dirname(path), 'r');
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // Some file systems cannot fsync a directory; the link is in place all the same.
  }
}

/**
 * `ccmend handoff`: a new session beside the old one whose only message is the
 * hand-off, and the command that resumes it. The old transcript is only read.
 */
export async function runHandoff(
  target: string,
  opts: { json: boolean },
  io: Io,
  now = new Date(),
  ids: NewSessionIds = { sessionId: randomUUID(), uuid: randomUUID() },
): Promise<number> {
  const doc = await openTranscript(target);
  try {
    const from = resolve(doc.path!);
    const facts = await handoffFacts(doc, { graph: buildGraph(doc) });
    if (facts.goal === undefined && facts.lastAssistant === undefined && facts.compactSummary === undefined)
      throw new CliError(`${doc.path}: no conversation in it to hand off`);
    if (!facts.cwd) throw new CliError(`${doc.path}: it records no working directory, so Claude Code could not find a new session for it`);
    const handoff = renderHandoff(facts);
    const text = handoffTranscript(handoff.markdown, { cwd: facts.cwd, branch: facts.branch, goal: facts.goal }, ids, now);
    const path = join(dirname(from), `${ids.sessionId}.jsonl`);
    try {
      createAtomically(path, text);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(code === 'EEXIST' ? `not written: ${path} already exists` : `not written: ${ioMessage(e, path, true)}`);
    }
    const resume = resumeCommand(docFromBuffer(Buffer.from(text), path));
    // Claude Code looks for a session in the folder named after its working directory.
    const elsewhere = basename(dirname(from)) !== encodeProjectDir(facts.cwd);
    if (opts.json) {
      io.out(
        JSON.stringify(
          { sessionId: ids.sessionId, path, from: { sessionId: facts.sessionId ?? null, path: from }, tokens: handoff.tokens, cut: handoff.cut, resume },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    io.out(`wrote ${path}`);
    io.out(`  a new session whose first message is the hand-off from ${facts.sessionId ?? from} (about ${handoff.tokens.toLocaleString('en-US')} tokens)`);
    if (handoff.cut.length) io.out(`  shortened to fit: ${handoff.cut.join('; ')}`);
    io.out('  the old session is unchanged');
    if (elsewhere)
      io.out(`  note: Claude Code keeps this project's sessions in projects/${encodeProjectDir(facts.cwd)}/; move it there if --resume does not find it`);
    io.out(`resume with: ${resume}`);
    return EXIT.ok;
  } finally {
    doc.source.close();
  }
}
