import { analyze } from '../rules/analyze.js';
import type { Provider } from '../rules/types.js';
import { EXIT } from './errors.js';
import { openTranscript } from './open.js';
import { type Io, countLine, diagnosticJson, formatDiagnostic } from './output.js';

export interface CheckOptions {
  readonly json: boolean;
  readonly provider: Provider;
  /** Show info diagnostics too (problems before the last compaction, blank lines…). */
  readonly verbose?: boolean;
}

/** `ccmend check`: exit 0 when no file has errors, 1 when one has. */
export async function runCheck(targets: readonly string[], opts: CheckOptions, io: Io): Promise<number> {
  const reports = [];
  let errors = 0;
  for (const t of targets) {
    const doc = await openTranscript(t);
    try {
      const a = analyze(doc, { provider: opts.provider });
      errors += a.counts.error;
      if (opts.json) {
        reports.push({ path: doc.path, lines: doc.lines.length, messages: a.view.messages.length, counts: a.counts, diagnostics: a.diagnostics.map(diagnosticJson) });
      } else {
        io.out(`${doc.path}: ${countLine(a)}${a.counts.info ? ` (${a.counts.info} info)` : ''}`);
        for (const d of a.diagnostics) if (d.severity !== 'info' || opts.verbose) io.out(formatDiagnostic(d));
      }
    } finally {
      doc.source.close();
    }
  }
  if (opts.json) io.out(JSON.stringify({ provider: opts.provider, files: reports }, null, 2));
  return errors ? EXIT.problems : EXIT.ok;
}
