import { execFileSync } from 'node:child_process';
import { type Check, countStatuses } from '../doctor/check.js';
import { diagnose } from '../doctor/diagnose.js';
import { HOOK_COMMAND, hookSettings } from '../doctor/hookSetup.js';
import { type SessionFacts, sessionFacts } from '../doctor/session.js';
import { effectiveEnv, envValues, readSettings } from '../doctor/settings.js';
import { formatVersion, parseVersion } from '../conversation/clients.js';
import { resolveTarget } from '../report/target.js';
import { analyze } from '../rules/analyze.js';
import type { Doc } from '../transcript/document.js';
import { claudeHome } from '../transcript/sessions.js';
import { configuredModel, projectDirOf } from '../report/settings.js';
import { EXIT } from '../report/errors.js';
import { openTranscript, providerOf } from './open.js';
import type { Io } from './output.js';
import { selfCommand } from './self.js';
import { plural } from '../report/text.js';

/** Everything doctor learns from the machine, injected so tests can fake all of it. */
export interface DoctorDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** What `claude --version` prints, or undefined when `claude` is not on PATH. */
  claudeVersion(): string | undefined;
  /** How a hook runs this ccmend (see hookCommand); `ccmend check --hook` when absent. */
  readonly hookCommand?: string;
}

/** The command a Claude Code hook runs this ccmend with (see selfCommand). */
export function hookCommand(path: string | undefined, script: string, node: string): string {
  return `${selfCommand(path, script, node)} check --hook`;
}

function runClaudeVersion(): string | undefined {
  try {
    return execFileSync('claude', ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string };
    if (err.code === 'ENOENT') return undefined;
    return err.stdout ?? '';
  }
}

export const processDeps = (): DoctorDeps => ({
  env: process.env,
  cwd: process.cwd(),
  claudeVersion: runClaudeVersion,
  hookCommand: hookCommand(process.env.PATH, process.argv[1] ?? '', process.execPath),
});

export interface DoctorOptions {
  readonly json: boolean;
}

interface Gathered {
  readonly checks: Check[];
  readonly session?: SessionFacts;
  readonly hookCommand: string;
}

function gather(doc: Doc | undefined, deps: DoctorDeps): Gathered {
  const settings = readSettings(claudeHome(deps.env), projectDirOf(doc, deps.cwd));
  const env = effectiveEnv(deps.env, settings);
  const provider = providerOf(undefined, envValues(env));
  const claudeVersion = deps.claudeVersion();
  // The session is checked for the client that will resume it: the one installed, as check does.
  const installed = () => {
    const v = parseVersion(claudeVersion ?? '');
    return v ? formatVersion(v) : undefined;
  };
  const session = doc
    ? sessionFacts(
        analyze(doc, {
          provider,
          target: resolveTarget(undefined, doc, installed).clients,
          budget: { settingsModel: configuredModel(doc, deps.env, deps.cwd) },
        }),
        provider,
      )
    : undefined;
  const command = deps.hookCommand ?? HOOK_COMMAND;
  return { session, hookCommand: command, checks: diagnose({ env, settings, claudeVersion, session, hookCommand: command }) };
}

function printText(g: Gathered, io: Io): void {
  if (g.session) io.out(`session ${g.session.sessionId}: ${g.session.path}`);
  for (const c of g.checks) {
    io.out(`${c.status.padEnd(8)} ${c.id.padEnd(16)} ${c.message}`);
    if (c.action) io.out(`${' '.repeat(26)}→ ${c.action}`);
  }
  const counts = countStatuses(g.checks);
  io.out(`doctor: ${plural(counts.problem, 'problem')} · ${plural(counts.warning, 'warning')}`);
  if (g.checks.some((c) => c.id === 'hook' && c.action)) {
    io.out('');
    io.out('To be warned before a broken session is resumed, merge this into settings.json:');
    io.out(JSON.stringify(hookSettings(g.hookCommand), null, 2));
  }
}

function printJson(g: Gathered, io: Io): void {
  const session = g.session ? { ...g.session, cwd: g.session.cwd ?? null } : null;
  const checks = g.checks.map((c) => ({ id: c.id, status: c.status, message: c.message, action: c.action ?? null }));
  io.out(JSON.stringify({ checks, counts: countStatuses(g.checks), session, hookSettings: hookSettings(g.hookCommand) }, null, 2));
}

/** `ccmend doctor`: exit 0 when no check is a problem, 1 when one is. */
export async function runDoctor(target: string | undefined, opts: DoctorOptions, io: Io, deps: DoctorDeps = processDeps()): Promise<number> {
  const doc = target === undefined ? undefined : await openTranscript(target, undefined, deps.env);
  let gathered: Gathered;
  try {
    gathered = gather(doc, deps);
  } finally {
    doc?.source.close();
  }
  if (opts.json) printJson(gathered, io);
  else printText(gathered, io);
  return countStatuses(gathered.checks).problem ? EXIT.problems : EXIT.ok;
}
