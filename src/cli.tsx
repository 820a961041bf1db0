#!/usr/bin/env node
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runApiView } from './commands/apiView.js';
import { runCheck } from './commands/check.js';
import { runDoctor } from './commands/doctor.js';
import { CliError, EXIT } from './report/errors.js';
import { runFix } from './commands/fix.js';
import { countOption, runFit } from './commands/fit.js';
import { runHandoff } from './commands/handoff.js';
import { readStdin, runHook } from './commands/hook.js';
import { runList } from './commands/list.js';
import { providerOf, resolveOrFail } from './commands/open.js';
import { type Io, processIo } from './commands/output.js';
import { startLoading } from './transcript/load.js';
import { targetOption } from './report/target.js';
import { SourceChangedError } from './transcript/source.js';
import { packageVersion } from './packageRoot.js';
import { runSummary } from './commands/summary.js';

const USAGE = `ccmend: repair Claude Code sessions the API rejects (HTTP 400)

usage:
  ccmend [file | session-id] [--client V]    open the interactive editor (no argument: pick a session)
  ccmend check <file | session-id>... [--json] [--client V] [--provider anthropic|bedrock|vertex] [--verbose] [--no-subagents]
  ccmend check --hook [--client V]           as a Claude Code SessionStart hook: warn before a broken session resumes
  ccmend fix <file | session-id> [--out PATH] [--dry-run] [--warnings] [--json] [--client V] [--provider P] [--no-subagents]
  ccmend fit <file | session-id> [--tokens N] [--keep N] [--out PATH] [--dry-run] [--json] [--client V] [--provider P]
                                             cut old tool outputs, images and documents until the request fits N tokens
  ccmend api-view <file | session-id> [--json] [--client V]
  ccmend list [--all] [--json]
  ccmend summary <file | session-id> [--out PATH] [--copy]
  ccmend handoff <file | session-id> [--json]  a new session beside it whose first message is the hand-off
  ccmend doctor [file | session-id] [--json]  check the API channel, settings, Claude Code version (and a session)
  ccmend --version

--client V: the Claude Code version to check for (2.1.330), or all; default: the installed claude, else the session's own
a session is named by its id or a unique prefix of it, looked up under \${CLAUDE_CONFIG_DIR:-~/.claude}/projects/*/
exit codes: 0 ok · 1 problems found (errors remain) · 2 usage or I/O error, or not a transcript · 3 internal error`;

const COMMANDS = ['check', 'fix', 'api-view', 'list', 'summary', 'handoff', 'doctor', 'help'];

/** Edits (insertions, deletions, substitutions) that turn one word into the other. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * An argument that names no file and no session: a mistyped command when it is
 * close to one, or a plain word (a session id has digits or is hex); else a
 * missing file or session.
 */
function unknownCommand(arg: string): CliError | undefined {
  const near = COMMANDS.map((c) => ({ c, d: distance(arg.toLowerCase(), c) })).sort((x, y) => x.d - y.d)[0]!;
  if (near.d <= (near.c.length >= 4 ? 2 : 1)) return new CliError(`unknown command: ${arg} (did you mean ${near.c}?)`);
  if (/^[a-z][a-z-]*$/i.test(arg) && !/^[0-9a-f-]+$/i.test(arg)) return new CliError(`unknown command: ${arg} (see ccmend --help)`);
  return undefined;
}

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

const COMMON: Spec = { debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

function parse(args: string[], options: Spec) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's own text for an unknown flag is a long hint about positionals; name the flag instead.
    const unknown = (e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec((e as Error).message)?.[1] : undefined;
    throw new CliError(`${unknown ? `unknown option ${unknown}` : (e as Error).message.split('\n')[0]} (see ccmend --help)`);
  }
}

function exactlyOne(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new CliError(`ccmend ${command} takes one file or session id (see ccmend --help)`);
  return positionals[0]!;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.out(`ccmend ${packageVersion()}`);
    return EXIT.ok;
  }
  const [command, ...rest] = argv;
  switch (command) {
    case 'check': {
      const { values, positionals } = parse(rest, {
        json: { type: 'boolean' },
        provider: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        hook: { type: 'boolean' },
        client: { type: 'string' },
        'no-subagents': { type: 'boolean' },
      });
      const client = str(values.client);
      if (client !== undefined) targetOption(client);
      if (values.hook) {
        if (positionals.length) throw new CliError('ccmend check --hook takes no file: it reads the hook event on stdin (see ccmend --help)');
        return runHook(readStdin, io, process.env, undefined, client);
      }
      if (!positionals.length) throw new CliError('ccmend check needs at least one file or session id (see ccmend --help)');
      return runCheck(
        positionals,
        { json: !!values.json, provider: providerOf(str(values.provider)), verbose: !!values.verbose, client, subagents: !values['no-subagents'] },
        io,
      );
    }
    case 'fix': {
      const { values, positionals } = parse(rest, {
        out: { type: 'string', short: 'o' },
        'dry-run': { type: 'boolean', short: 'n' },
        warnings: { type: 'boolean' },
        json: { type: 'boolean' },
        provider: { type: 'string' },
        client: { type: 'string' },
        'no-subagents': { type: 'boolean' },
      });
      const target = exactlyOne(positionals, 'fix');
      const client = str(values.client);
      if (client !== undefined) targetOption(client);
      return runFix(
        target,
        {
          out: str(values.out),
          dryRun: !!values['dry-run'],
          json: !!values.json,
          warnings: !!values.warnings,
          provider: providerOf(str(values.provider)),
          client,
          subagents: !values['no-subagents'],
        },
        io,
      );
    }
    case 'fit': {
      const { values, positionals } = parse(rest, {
        tokens: { type: 'string' },
        keep: { type: 'string' },
        out: { type: 'string', short: 'o' },
        'dry-run': { type: 'boolean', short: 'n' },
        json: { type: 'boolean' },
        provider: { type: 'string' },
        client: { type: 'string' },
      });
      const target = exactlyOne(positionals, 'fit');
      const client = str(values.client);
      if (client !== undefined) targetOption(client);
      const tokens = countOption('tokens', str(values.tokens), 1);
      const keep = countOption('keep', str(values.keep), 0);
      return runFit(
        target,
        { tokens, keep, out: str(values.out), dryRun: !!values['dry-run'], json: !!values.json, provider: providerOf(str(values.provider)), client },
        io,
      );
    }
    case 'api-view': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' }, client: { type: 'string' } });
      return runApiView(exactlyOne(positionals, 'api-view'), { json: !!values.json, client: str(values.client) }, io);
    }
    case 'list': {
      const { values, positionals } = parse(rest, { all: { type: 'boolean', short: 'a' }, json: { type: 'boolean' } });
      if (positionals.length) throw new CliError('ccmend list takes no arguments (see ccmend --help)');
      return runList({ all: !!values.all, json: !!values.json, cwd: process.cwd() }, io);
    }
    case 'summary': {
      const { values, positionals } = parse(rest, { out: { type: 'string', short: 'o' }, copy: { type: 'boolean', short: 'c' } });
      return runSummary(exactlyOne(positionals, 'summary'), { out: str(values.out), copy: !!values.copy }, io);
    }
    case 'handoff': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      return runHandoff(exactlyOne(positionals, 'handoff'), { json: !!values.json }, io);
    }
    case 'doctor': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      if (positionals.length > 1) throw new CliError('ccmend doctor takes at most one file or session id (see ccmend --help)');
      return runDoctor(positionals[0], { json: !!values.json }, io);
    }
    case 'help':
      io.out(USAGE);
      return EXIT.ok;
    default: {
      const { values, positionals } = parse(argv, { provider: { type: 'string' }, client: { type: 'string' } });
      if (positionals.length > 1) throw unknownCommand(positionals[0]!) ?? new CliError(`unknown command: ${positionals[0]} (see ccmend --help)`);
      const provider = providerOf(str(values.provider));
      const client = str(values.client);
      if (client !== undefined) targetOption(client);
      const path = positionals[0] === undefined ? undefined : editorTarget(positionals[0]);
      if (!process.stdin.isTTY || !process.stdout.isTTY)
        throw new CliError('the editor needs an interactive terminal; use ccmend check / fix / summary in scripts');
      // Keys typed from now on wait for the editor, unechoed, instead of being read by the terminal as a line (or as Ctrl+C, Ctrl+Z).
      process.stdin.setRawMode(true);
      // A named transcript starts loading now: its worker threads parse while the editor's modules load.
      const started = path === undefined ? undefined : startLoading(path);
      const { runEditor } = await import('./ui/run.js');
      return runEditor(started, { provider, client });
    }
  }
}

/** The transcript the editor opens: refused here, before the terminal is taken over, when it cannot be one. */
function editorTarget(arg: string): string {
  let path: string;
  try {
    path = resolveOrFail(arg);
  } catch (e) {
    throw unknownCommand(arg) ?? e;
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`${path}: is a directory, not a transcript`);
  return path;
}

/** One line on stderr and a documented exit code; the stack only with --debug. */
export function reportFailure(e: unknown, debug: boolean, io: Io = processIo): number {
  if (e instanceof CliError || e instanceof SourceChangedError) {
    io.err(`ccmend: ${e.message}`);
    if (debug) io.err(e.stack ?? '');
    return e instanceof CliError ? e.exitCode : EXIT.usage;
  }
  const message = String((e as Error)?.message ?? e).split('\n')[0];
  io.err(`ccmend: internal error: ${message}${debug ? '' : ' (run with --debug for details)'}`);
  if (debug) io.err((e as Error)?.stack ?? '');
  return 3;
}
