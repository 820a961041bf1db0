import { basename } from 'node:path';
import { ioMessage } from '../report/errors.js';
import { plural } from '../report/text.js';
import type { Target } from '../report/target.js';
import { configuredModel } from '../report/settings.js';
import { type Analysis, analysisSteps } from '../rules/analyze.js';
import type { Provider, Severity } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import type { SubagentFile } from '../transcript/subagents.js';
import { worst } from './rows.js';

/** What the tree says of a subagent transcript: being checked, its problems for a target, or why it could not be read. */
export type SubagentCount =
  | { readonly kind: 'checking' }
  | { readonly kind: 'checked'; readonly counts: Analysis['counts']; readonly severity?: Severity; readonly rules: readonly string[] }
  | { readonly kind: 'failed'; readonly message: string };

/** The count as the tree's row says it: "2 errors", "1 warning", "no problems", "checking…", or why it could not be read. */
export function countText(c: SubagentCount): string {
  if (c.kind === 'checking') return 'checking…';
  if (c.kind === 'failed') return c.message;
  const { error, warning } = c.counts;
  if (!error && !warning) return 'no problems';
  return [error ? plural(error, 'error') : '', warning ? plural(warning, 'warning') : ''].filter(Boolean).join(', ');
}

/** Steps of the analysis run back to back for this long before keys and frames get their turn. */
const SLICE_MS = 10;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const CHECKING: SubagentCount = { kind: 'checking' };

/**
 * The subagent transcripts beside a session, by the call that ran each, and
 * their problems, checked as `ccmend check` checks them (each as a subagent's
 * conversation) for the target the tree is checked for. A transcript is
 * checked only once its row is shown, after the frame that shows it, one at a
 * time and in slices, so the session's editor is never waiting for them. What
 * is found is kept by file and target until the file is saved (`forget`).
 */
export class SubagentCounts {
  /** By the id of the call that ran each (the transcripts whose meta file names none are not shown). */
  readonly byCall: ReadonlyMap<string, SubagentFile>;
  /** File names by call: what the tree's rows name (see EditorMemo). */
  readonly names: ReadonlyMap<string, string>;
  private readonly known = new Map<string, SubagentCount>();
  private readonly queue: { file: SubagentFile; target: Target; at: string }[] = [];
  private readonly listeners = new Set<() => void>();
  private running = false;
  private version = 0;

  constructor(
    files: readonly SubagentFile[],
    private readonly load: (path: string) => Promise<Doc>,
    private readonly provider: Provider,
  ) {
    const byCall = new Map<string, SubagentFile>();
    for (const f of files) if (f.toolUseId !== undefined) byCall.set(f.toolUseId, f);
    this.byCall = byCall;
    this.names = new Map([...byCall].map(([call, f]) => [call, basename(f.path)]));
  }

  /** What is known of the transcript the call ran, for this target; undefined until it is asked for (see want). */
  get(call: string, target: Target): SubagentCount | undefined {
    const file = this.byCall.get(call);
    return file && this.known.get(keyOf(file, target));
  }

  /** The transcripts of these calls are shown, for this target: the ones not known yet are checked next. */
  want(calls: readonly string[], target: Target): void {
    for (const call of calls) {
      const file = this.byCall.get(call);
      if (!file) continue;
      const at = keyOf(file, target);
      if (this.known.has(at)) continue;
      this.known.set(at, CHECKING);
      this.queue.push({ file, target, at });
    }
    if (this.queue.length && !this.running) void this.drain();
  }

  /** The file was saved: what was found in it no longer stands. */
  forget(path: string): void {
    for (const at of [...this.known.keys()]) if (at.startsWith(`${path}\u0000`)) this.known.delete(at);
    this.changed();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever something new is known (for useSyncExternalStore). */
  readonly snapshot = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      // A file forgotten meanwhile is checked again when it is shown again.
      if (this.known.get(job.at) !== CHECKING) continue;
      const count = await this.check(job.file, job.target);
      if (this.known.get(job.at) === CHECKING) this.known.set(job.at, count);
      this.changed();
    }
    this.running = false;
  }

  private async check(file: SubagentFile, target: Target): Promise<SubagentCount> {
    let doc: Doc;
    try {
      doc = await this.load(file.path);
    } catch (e) {
      return { kind: 'failed', message: ioMessage(e, basename(file.path)) };
    }
    try {
      const steps = analysisSteps(doc, {
        provider: this.provider,
        target: target.clients,
        conversation: 'subagent',
        budget: { settingsModel: configuredModel(doc) },
      });
      let until = performance.now() + SLICE_MS;
      for (;;) {
        const step = steps.next();
        if (step.done) {
          const sent = step.value.diagnostics.filter((d) => d.severity !== 'info');
          return { kind: 'checked', counts: step.value.counts, severity: worst(sent), rules: [...new Set(sent.map((d) => d.rule))] };
        }
        if (performance.now() >= until) {
          await nextTurn();
          until = performance.now() + SLICE_MS;
        }
      }
    } finally {
      doc.source.close();
    }
  }
}

const keyOf = (file: SubagentFile, target: Target) => `${file.path}\u0000${target.label}`;
