import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze } from '../rules/analyze.js';
import { copyOrWrite } from '../summary/deliver.js';
import { handoffFacts } from '../summary/handoffFacts.js';
import { renderSummary, shellQuote, startCommand } from '../summary/summary.js';
import { CliError, EXIT, ioMessage } from '../report/errors.js';
import { sessionIdOf } from '../report/session.js';
import { openTranscript } from './open.js';
import type { Io } from './output.js';

/** `ccmend summary`: print the hand-off, or write it (--out) or copy it (--copy). */
export async function runSummary(target: string, opts: { out?: string; copy: boolean }, io: Io): Promise<number> {
  const doc = await openTranscript(target);
  try {
    const from = resolve(doc.path!);
    const facts = await handoffFacts(doc, analyze(doc));
    const md = renderSummary(facts);
    if (!opts.out && !opts.copy) {
      io.out(md);
      // On stderr, so what goes to stdout is the hand-off alone (`ccmend summary x > file` stays clean).
      io.err(`start a fresh session with it: ${startCommand(facts, from, 'ccmend summary')}`);
      io.err(`or make it a session of its own: ccmend handoff ${shellQuote(from)}`);
      return EXIT.ok;
    }
    if (opts.out) {
      const path = resolve(opts.out);
      try {
        writeFileSync(path, md);
      } catch (e) {
        throw new CliError(ioMessage(e, path, true));
      }
      io.out(`wrote ${path}`);
      io.out(`start a fresh session with: ${startCommand(facts, path)}`);
    }
    if (opts.copy) {
      const d = await copyOrWrite(md, sessionIdOf(doc) ?? 'session');
      if (d.kind === 'clipboard') io.out('copied the hand-off to the clipboard: paste it as the first message of a new `claude` session');
      else {
        io.out(`no clipboard here (${d.reason}); wrote ${d.path}`);
        io.out(`start a fresh session with: ${startCommand(facts, d.path)}`);
      }
    }
    return EXIT.ok;
  } finally {
    doc.source.close();
  }
}
