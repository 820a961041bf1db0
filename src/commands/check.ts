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

export interface CheckOptions {
  readonly json: boolean;
  readonly provider: Provider;
  /** Show info diagnostics too (problems before the last compaction, blank lines…). */
  readonly verbose?: boolean;
}

/**
 * `ccmend check`: exit 0 when no file has errors, 1 when one has, 2 when a file
 * could not be read (the others are still checked).
 */
export async function runCheck(targets: readonly string[], opts: CheckOptions, io: Io): Promise<number> {
  const reports = [];
  let errors = 0;
  let unreadable = 0;
  for (const t of targets) {
    let doc: Doc;
    try {
      doc = await openTranscript(t);
    } catch (e) {
      if (!(e instanceof CliError) || targets.length === 1) throw e;
      unreadable++;
      io.err(`ccmend: ${e.message}`);
      if (opts.json) reports.push({ path: t, error: e.message });
      continue;
    }
    try {
      const budget = { settingsModel: configuredModel(doc) };
      const a = analyze(doc, { provider: opts.provider, budget });
      errors += a.counts.error;
      if (opts.json) {
        reports.push({
          path: doc.path,
          lines: doc.lines.length,
          messages: a.view.messages.length,
          counts: a.counts,
          tokens: budgetJson(requestBudget(doc, a.view, budget)),
          diagnostics: a.diagnostics.map(diagnosticJson),
        });
      } else {
        io.out(`${doc.path}: ${countLine(a)}${a.counts.info ? ` (${a.counts.info} info)` : ''}`);
        if (!a.view.messages.length)
          io.out(`  note: no conversation to resume (${doc.lines.length ? 'nothing in it Claude Code would send' : 'the file is empty'})`);
        const listed = a.diagnostics.filter((d) => d.severity !== 'info' || opts.verbose);
        for (const g of groupRepeats(listed, (d) => d.rule))
          io.out('item' in g ? formatDiagnostic(g.item) : `  … and ${g.more} more ${g.kind} line${g.more === 1 ? '' : 's'} (--json lists every one)`);
      }
    } finally {
      doc.source.close();
    }
  }
  if (opts.json) io.out(JSON.stringify({ provider: opts.provider, files: reports }, null, 2));
  return unreadable ? EXIT.usage : errors ? EXIT.problems : EXIT.ok;
}
