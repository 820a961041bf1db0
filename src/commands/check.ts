import { requestBudget } from '../budget/budget.js';
import { analyze } from '../rules/analyze.js';
import type { Provider } from '../rules/types.js';
import { budgetJson } from './budget.js';
import { configuredModel } from '../report/settings.js';
import { CliError, EXIT } from '../report/errors.js';
import { groupRepeats } from './grouped.js';
import { openTranscript } from './open.js';
import { countLine } from '../report/text.js';
import { type Io, diagnosticJson, formatDiagnostic } from './output.js';
import type { Doc } from '../transcript/document.js';
import { resolveTarget } from '../report/target.js';
import { isSubagentTranscript, subagentsOf } from '../transcript/subagents.js';
import { basename } from 'node:path';

export interface CheckOptions {
  readonly json: boolean;
  readonly provider: Provider;
  /** `--client`: a Claude Code version, or `all`; by default the installed one (see resolveTarget). */
  readonly client?: string;
  /** Show info diagnostics too (problems before the last compaction, blank lines…). */
  readonly verbose?: boolean;
  /** Check a session's subagent transcripts too (the default). */
  readonly subagents?: boolean;
}

/** Whose transcript a checked file is: a session's, or a subagent's of the session before it. */
interface Checked {
  readonly doc: Doc;
  readonly subagentOf?: string;
  readonly toolUseId?: string;
}

/** How the text output heads a file: its path, and for a subagent's transcript whose it is. */
function heading(c: Checked): string {
  if (!c.subagentOf) return c.doc.path ?? '';
  return `${c.doc.path} (subagent of ${basename(c.subagentOf)}${c.toolUseId ? `, run by ${c.toolUseId}` : ''})`;
}

/**
 * `ccmend check`: exit 0 when no file has errors, 1 when one has, 2 when a file
 * could not be read (the others are still checked). A session's subagent
 * transcripts are checked after it, each as a file of its own.
 */
export async function runCheck(targets: readonly string[], opts: CheckOptions, io: Io): Promise<number> {
  const reports: unknown[] = [];
  let errors = 0;
  let unreadable = 0;
  const failed = (path: string, e: unknown) => {
    if (!(e instanceof CliError)) throw e;
    unreadable++;
    io.err(`ccmend: ${e.message}`);
    if (opts.json) reports.push({ path, error: e.message });
  };
  const check = (c: Checked) => {
    const { doc } = c;
    try {
      const budget = { settingsModel: configuredModel(doc) };
      const target = resolveTarget(opts.client, doc);
      const a = analyze(doc, {
        provider: opts.provider,
        target: target.clients,
        budget,
        conversation: c.subagentOf || isSubagentTranscript(doc.path ?? '') ? 'subagent' : 'main',
      });
      errors += a.counts.error;
      if (opts.json) {
        reports.push({
          path: doc.path,
          ...(c.subagentOf ? { subagentOf: c.subagentOf, toolUseId: c.toolUseId ?? null } : {}),
          client: target.option ?? target.clients[0]!.version,
          checkedFor: target.label,
          lines: doc.lines.length,
          messages: a.view.messages.length,
          counts: a.counts,
          tokens: budgetJson(requestBudget(doc, a.view, budget)),
          diagnostics: a.diagnostics.map(diagnosticJson),
        });
        return;
      }
      io.out(`${heading(c)}: ${countLine(a)}${a.counts.info ? ` (${a.counts.info} info)` : ''}, checked for ${target.label}`);
      if (!a.view.messages.length)
        io.out(`  note: no conversation to resume (${doc.lines.length ? 'nothing in it Claude Code would send' : 'the file is empty'})`);
      const listed = a.diagnostics.filter((d) => d.severity !== 'info' || opts.verbose);
      for (const g of groupRepeats(listed, (d) => d.rule))
        io.out('item' in g ? formatDiagnostic(g.item) : `  … and ${g.more} more ${g.kind} line${g.more === 1 ? '' : 's'} (--json lists every one)`);
    } finally {
      doc.source.close();
    }
  };
  for (const t of targets) {
    let doc: Doc;
    try {
      doc = await openTranscript(t);
    } catch (e) {
      if (targets.length === 1) throw e;
      failed(t, e);
      continue;
    }
    const subagents = opts.subagents === false || !doc.path ? [] : subagentsOf(doc.path);
    check({ doc });
    for (const sub of subagents) {
      try {
        check({ doc: await openTranscript(sub.path), subagentOf: doc.path, toolUseId: sub.toolUseId });
      } catch (e) {
        failed(sub.path, e);
      }
    }
  }
  if (opts.json) io.out(JSON.stringify({ provider: opts.provider, files: reports }, null, 2));
  return unreadable ? EXIT.usage : errors ? EXIT.problems : EXIT.ok;
}
