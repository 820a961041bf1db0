import { fixAll } from '../edit/fixAll.js';
import type { Provider } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { SaveConflictError, type SaveResult, saveInPlace, saveTo } from '../transcript/save.js';
import { CliError, EXIT, ioMessage } from '../report/errors.js';
import { groupRepeats } from './grouped.js';
import { resumeCommand } from '../report/session.js';
import { configuredModel } from '../report/settings.js';
import { countLine } from '../report/text.js';
import { openTranscript } from './open.js';
import { type Io, diagnosticJson } from './output.js';

export interface FixOptions {
  readonly out?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly warnings: boolean;
  readonly provider: Provider;
}

/** Saves as `fix` does: in place with a backup, or to `out`; a conflict or I/O failure is one line. */
export function write(doc: Doc, out: string | undefined): SaveResult {
  const target = out ?? doc.path!;
  try {
    return out ? saveTo(doc, out) : saveInPlace(doc);
  } catch (e) {
    if (e instanceof SaveConflictError) throw new CliError(e.message);
    throw new CliError(`not saved: ${ioMessage(e, target, true)}`);
  }
}

/** `ccmend fix`: exit 0 when the result has no errors, 1 when some remain. */
export async function runFix(target: string, opts: FixOptions, io: Io): Promise<number> {
  const doc = await openTranscript(target);
  try {
    const result = fixAll(doc, { provider: opts.provider, warnings: opts.warnings, budget: { settingsModel: configuredModel(doc) } });
    const changed = result.applied.length > 0;
    const saved = opts.dryRun || (!changed && !opts.out) ? undefined : write(result.doc, opts.out);
    const remaining = result.analysis.diagnostics.filter((d) => d.severity === 'error' || (opts.warnings && d.severity === 'warning'));
    if (opts.json) {
      io.out(
        JSON.stringify(
          {
            path: doc.path,
            applied: result.applied,
            counts: result.analysis.counts,
            remaining: remaining.map(diagnosticJson),
            written: saved?.path ?? null,
            backup: saved?.backup ?? null,
            appendedLines: saved?.appendedLines ?? 0,
            resume: resumeCommand(result.doc),
          },
          null,
          2,
        ),
      );
    } else {
      if (!changed) io.out(`${doc.path}: nothing to fix`);
      else {
        io.out(`${doc.path}: ${result.applied.length} fix${result.applied.length === 1 ? '' : 'es'}${opts.dryRun ? ' (dry run)' : ''}`);
        for (const g of groupRepeats(result.applied, (a) => a.rule))
          io.out('item' in g ? `  line ${g.item.line}  ${g.item.rule}: ${g.item.label}` : `  … and ${g.more} more ${g.kind} fix${g.more === 1 ? '' : 'es'}`);
      }
      if (saved) {
        io.out(saved.backup ? `saved ${saved.path} (backup: ${saved.backup})` : `wrote ${saved.path}`);
        if (saved.appendedLines) io.out(`kept ${saved.appendedLines} line(s) another program appended while ccmend ran; run \`ccmend check\` again`);
      } else if (opts.dryRun && changed) io.out('dry run: nothing written');
      io.out(`now: ${countLine(result.analysis)}`);
      for (const g of groupRepeats(remaining, (d) => d.rule))
        io.out('item' in g ? `  still ${g.item.severity}: ${g.item.rule} at line ${g.item.line}: ${g.item.message}` : `  … and ${g.more} more ${g.kind}`);
      if (!opts.dryRun) io.out(`resume with: ${resumeCommand(result.doc)}`);
    }
    return result.analysis.counts.error ? EXIT.problems : EXIT.ok;
  } finally {
    doc.source.close();
  }
}
