import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { type FixAllResult, fixAll } from '../edit/fixAll.js';
import type { Diagnostic, Provider } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { isSubagentTranscript, subagentOut, subagentsOf } from '../transcript/subagents.js';
import { SaveConflictError, type SaveResult, saveInPlace, saveTo } from '../transcript/save.js';
import { CliError, EXIT, ioMessage } from '../report/errors.js';
import { groupRepeats } from './grouped.js';
import { resumeCommand } from '../report/session.js';
import { configuredModel } from '../report/settings.js';
import { countLine } from '../report/text.js';
import { openTranscript } from './open.js';
import { type Target, resolveTarget } from '../report/target.js';
import { type Io, diagnosticJson } from './output.js';

export interface FixOptions {
  readonly out?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly warnings: boolean;
  readonly provider: Provider;
  /** `--client`: a Claude Code version, or `all`: fix what breaks it (all: every client ccmend models). */
  readonly client?: string;
  /** Fix a session's subagent transcripts too (the default). */
  readonly subagents?: boolean;
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

interface Fixed {
  readonly doc: Doc;
  readonly target: Target;
  readonly result: FixAllResult;
  readonly saved?: SaveResult;
  readonly remaining: readonly Diagnostic[];
}

/** Fixes one transcript and writes it: in place, or to `out`. */
function fixFile(doc: Doc, conversation: 'main' | 'subagent', out: string | undefined, opts: FixOptions): Fixed {
  const target = resolveTarget(opts.client, doc);
  const result = fixAll(doc, {
    provider: opts.provider,
    target: target.clients,
    warnings: opts.warnings,
    conversation,
    budget: { settingsModel: configuredModel(doc) },
  });
  const changed = result.applied.length > 0;
  const saved = opts.dryRun || (!changed && !out) ? undefined : write(result.doc, out);
  const remaining = result.analysis.diagnostics.filter((d) => d.severity === 'error' || (opts.warnings && d.severity === 'warning'));
  return { doc, target, result, saved, remaining };
}

function fixedJson(f: Fixed) {
  return {
    path: f.doc.path,
    client: f.target.option ?? f.target.clients[0]!.version,
    checkedFor: f.target.label,
    applied: f.result.applied,
    counts: f.result.analysis.counts,
    remaining: f.remaining.map(diagnosticJson),
    written: f.saved?.path ?? null,
    backup: f.saved?.backup ?? null,
    appendedLines: f.saved?.appendedLines ?? 0,
  };
}

function printFixed(f: Fixed, heading: string, opts: FixOptions, io: Io): void {
  const { result, saved } = f;
  const changed = result.applied.length > 0;
  const label = f.target.label;
  if (!changed) io.out(`${heading}: nothing to fix for ${label}`);
  else {
    io.out(`${heading}: ${result.applied.length} fix${result.applied.length === 1 ? '' : 'es'} for ${label}${opts.dryRun ? ' (dry run)' : ''}`);
    for (const g of groupRepeats(result.applied, (a) => a.rule))
      io.out('item' in g ? `  line ${g.item.line}  ${g.item.rule}: ${g.item.label}` : `  … and ${g.more} more ${g.kind} fix${g.more === 1 ? '' : 'es'}`);
  }
  if (saved) {
    io.out(saved.backup ? `saved ${saved.path} (backup: ${saved.backup})` : `wrote ${saved.path}`);
    if (saved.appendedLines) io.out(`kept ${saved.appendedLines} line(s) another program appended while ccmend ran; run \`ccmend check\` again`);
  } else if (opts.dryRun && changed) io.out('dry run: nothing written');
  io.out(`now: ${countLine(result.analysis)}`);
  for (const g of groupRepeats(f.remaining, (d) => d.rule))
    io.out('item' in g ? `  still ${g.item.severity}: ${g.item.rule} at line ${g.item.line}: ${g.item.message}` : `  … and ${g.more} more ${g.kind}`);
}

/**
 * `ccmend fix`: exit 0 when the result has no errors, 1 when some remain. A
 * session's subagent transcripts are fixed after it, each saved beside it (or,
 * with --out, in the same layout beside the output).
 */
export async function runFix(target: string, opts: FixOptions, io: Io): Promise<number> {
  const doc = await openTranscript(target);
  let main: Fixed;
  try {
    main = fixFile(doc, isSubagentTranscript(doc.path ?? '') ? 'subagent' : 'main', opts.out, opts);
  } finally {
    doc.source.close();
  }
  const subagents: (Fixed & { toolUseId?: string })[] = [];
  for (const sub of opts.subagents === false || !doc.path ? [] : subagentsOf(doc.path)) {
    const subDoc = await openTranscript(sub.path);
    try {
      const out = opts.out === undefined ? undefined : subagentOut(opts.out, sub);
      if (out && !opts.dryRun) mkdirSync(dirname(out), { recursive: true });
      subagents.push({ ...fixFile(subDoc, 'subagent', out, opts), toolUseId: sub.toolUseId });
    } finally {
      subDoc.source.close();
    }
  }
  const resume = resumeCommand(main.result.doc);
  if (opts.json) {
    const subs = subagents.map((f) => ({ ...fixedJson(f), toolUseId: f.toolUseId ?? null }));
    io.out(JSON.stringify({ ...fixedJson(main), resume, ...(subs.length ? { subagents: subs } : {}) }, null, 2));
  } else {
    printFixed(main, doc.path ?? '', opts, io);
    for (const f of subagents) printFixed(f, `${f.doc.path} (subagent of ${basename(doc.path!)}${f.toolUseId ? `, run by ${f.toolUseId}` : ''})`, opts, io);
    if (!opts.dryRun) io.out(`resume with: ${resume}`);
  }
  return [main, ...subagents].some((f) => f.result.analysis.counts.error) ? EXIT.problems : EXIT.ok;
}
