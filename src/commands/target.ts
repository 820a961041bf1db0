import { spawnSync } from 'node:child_process';
import { type Client, GENERATIONS, clientOf, compareVersions, formatVersion, parseVersion } from '../conversation/clients.js';
import type { Doc } from '../transcript/document.js';
import { CliError } from '../report/errors.js';

/**
 * Which Claude Code a command checks for: one version, or every generation
 * ccmend models (`--client all`, the strictest).
 */
export interface Target {
  readonly clients: readonly Client[];
  /** How outputs name it: "Claude Code 2.1.330, installed". */
  readonly label: string;
}

/** The version `claude --version` reports, if a `claude` on PATH answers within a few seconds. */
export function installedVersion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const run = spawnSync('claude', ['--version'], { env, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  if (run.status !== 0 || typeof run.stdout !== 'string') return undefined;
  const v = parseVersion(run.stdout);
  return v ? formatVersion(v) : undefined;
}

/** The newest version among the lines' `version` fields: the newest client that wrote the session. */
export function sessionVersion(doc: Doc): string | undefined {
  let newest: readonly number[] | undefined;
  for (const l of doc.lines) {
    const v = l.info.version ? parseVersion(l.info.version) : undefined;
    if (v && (!newest || compareVersions(v, newest) > 0)) newest = v;
  }
  return newest ? formatVersion(newest) : undefined;
}

const SOURCE_LABEL = { option: '', installed: ', installed', session: ', the newest version that wrote this session', generation: '' } as const;

export function targetOf(client: Client): Target {
  return { clients: [client], label: `Claude Code ${client.version}${SOURCE_LABEL[client.source]}` };
}

export const EVERY_GENERATION: Target = {
  clients: GENERATIONS,
  label: `every Claude Code generation (${GENERATIONS.map((g) => g.version).join(', ')})`,
};

/**
 * The target of a command: `--client <version>|all` when given; else the
 * installed `claude`; else the newest version that wrote the session; else the
 * newest ccmend models.
 */
export function resolveTarget(option: string | undefined, doc: Doc | undefined, installed: () => string | undefined = installedVersion): Target {
  if (option === 'all') return EVERY_GENERATION;
  if (option !== undefined) {
    const client = clientOf(option, 'option');
    if (!client) throw new CliError(`--client must be a Claude Code version such as 2.1.330, or all (got ${option})`);
    return targetOf(client);
  }
  const found = installed();
  if (found) return targetOf(clientOf(found, 'installed')!);
  const written = doc && sessionVersion(doc);
  if (written) return targetOf(clientOf(written, 'session')!);
  return targetOf(GENERATIONS[GENERATIONS.length - 1]!);
}
