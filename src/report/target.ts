import { spawnSync } from 'node:child_process';
import { type Client, GENERATIONS, NEWEST, clientOf, compareVersions, formatVersion, parseVersion } from '../conversation/clients.js';
import type { Doc } from '../transcript/document.js';
import { CliError } from './errors.js';

/**
 * Which Claude Code a command checks for: one version, or every generation
 * ccmend models (`--client all`, the strictest).
 */
export interface Target {
  readonly clients: readonly Client[];
  /** How outputs name it: "Claude Code 2.1.330, installed". */
  readonly label: string;
  /** What was asked: a version, `all`, or nothing (the default). */
  readonly option?: string;
}

/**
 * The version the installed Claude Code reports (`claude --version`), if one
 * answers within a few seconds. CCMEND_CLAUDE names another binary to ask.
 */
export function installedVersion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const binary = env.CCMEND_CLAUDE || 'claude';
  // Asked once per binary: a native client takes a noticeable moment to answer, and check asks for every file.
  if (!answered.has(binary)) answered.set(binary, askVersion(binary, env));
  return answered.get(binary);
}

const answered = new Map<string, string | undefined>();

function askVersion(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  const run = spawnSync(binary, ['--version'], { env, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  if (run.status !== 0 || typeof run.stdout !== 'string') return undefined;
  const v = parseVersion(run.stdout);
  return v ? formatVersion(v) : undefined;
}

/** The newest among the lines' `version` fields: the newest client that wrote the session. */
export function sessionVersion(doc: Doc): string | undefined {
  let newest: readonly number[] | undefined;
  for (const l of doc.lines) {
    const v = l.info.version ? parseVersion(l.info.version) : undefined;
    if (v && (!newest || compareVersions(v, newest) > 0)) newest = v;
  }
  return newest ? formatVersion(newest) : undefined;
}

const one = (client: Client, why: string, option?: string): Target => ({ clients: [client], label: `Claude Code ${client.version}${why}`, option });

export const EVERY_GENERATION: Target = {
  clients: GENERATIONS,
  label: `every Claude Code ccmend models (${GENERATIONS[0]!.version} to ${NEWEST.version}+)`,
  option: 'all',
};

/** Parses a `--client` value, or fails with one line. */
export function targetOption(option: string): Target {
  if (option === 'all') return EVERY_GENERATION;
  const client = clientOf(option);
  if (!client) throw new CliError(`--client must be a Claude Code version such as 2.1.330, or all (got ${option})`);
  return one(client, '', option);
}

/**
 * The target of a command: `--client <version>|all` when given; else the
 * installed `claude`; else the newest version that wrote the session; else the
 * newest ccmend models.
 */
export function resolveTarget(option: string | undefined, doc: Doc | undefined, installed: () => string | undefined = installedVersion): Target {
  if (option !== undefined) return targetOption(option);
  const found = installed();
  if (found) return one(clientOf(found)!, ', installed');
  const written = doc && sessionVersion(doc);
  if (written) return one(clientOf(written)!, ', the newest version that wrote this session');
  return one(NEWEST, '+, the newest ccmend models');
}
