// Real Claude Code clients: installed from npm into a cache outside the repository, and run to resume
// one case against the recording server in a throw-away HOME.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseCwd, caseModel, caseProjectDir, caseSessionId, caseSubagentsDir, caseText, PROBE } from './cases.mjs';
import { startRecordingServer } from './server.mjs';

export const PACKAGE = '@anthropic-ai/claude-code';

export function cacheDir() {
  return process.env.CCMEND_CLIENT_CACHE ?? join(homedir(), '.cache', 'ccmend', 'claude-code');
}

/** @param {string} version */
export function clientBinary(version) {
  return join(cacheDir(), version, 'node_modules', '.bin', 'claude');
}

/** @param {string} version */
export function installedVersion(version) {
  const manifest = join(cacheDir(), version, 'node_modules', ...PACKAGE.split('/'), 'package.json');
  if (!existsSync(manifest) || !existsSync(clientBinary(version))) return undefined;
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

/**
 * @param {string} command @param {string[]} args @param {import('node:child_process').SpawnOptions & {timeoutMs?: number}} options
 * @returns {Promise<{code: number | null, signal: string | null, stdout: string, stderr: string, timedOut: boolean}>}
 */
export function run(command, args, options) {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends the client and everything it started.
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Installs the exact version into the cache unless it is there. @param {string} version */
export async function installClient(version) {
  if (installedVersion(version) === version) return;
  const dir = join(cacheDir(), version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private": true}\n');
  const result = await run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--save-exact', `${PACKAGE}@${version}`], {});
  writeFileSync(join(dir, 'install.log'), `${result.stdout}${result.stderr}`);
  if (result.code !== 0 || installedVersion(version) !== version) {
    throw new Error(`npm could not install ${PACKAGE}@${version} (see ${join(dir, 'install.log')})`);
  }
}

/** @param {unknown} message */
function holdsProbe(message) {
  if (!message || typeof message !== 'object') return false;
  const { role, content } = /** @type {{role?: unknown, content?: unknown}} */ (message);
  if (role !== 'user') return false;
  if (typeof content === 'string') return content.includes(PROBE);
  return Array.isArray(content) && content.some((b) => b && b.type === 'text' && typeof b.text === 'string' && b.text.includes(PROBE));
}

/**
 * The request that resumes the conversation: a /v1/messages call carrying tools whose last user message
 * holds the probe (clients also make small tool-less calls: quota checks, titles, topic detection).
 * @param {import('./server.mjs').RecordedRequest[]} requests
 */
export function mainRequest(requests) {
  return requests.find((r) => {
    if (r.method !== 'POST' || r.url.split('?')[0] !== '/v1/messages') return false;
    const body = /** @type {any} */ (r.body);
    if (!body || !Array.isArray(body.tools) || body.tools.length === 0 || !Array.isArray(body.messages)) return false;
    const lastUser = body.messages.findLast((/** @type {any} */ m) => m?.role === 'user');
    return holdsProbe(lastUser);
  });
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/** @param {string} output @param {string} home */
function trimOutput(output, home) {
  const text = output.replace(ANSI, '').replaceAll(home, '$HOME').trim();
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/**
 * What a client runs with: a throw-away HOME, the stand-in as its API, nothing else from the environment.
 * @param {string} home @param {string} apiUrl
 */
export function clientEnv(home, apiUrl) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TERM: 'dumb',
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: 'dummy',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

/**
 * Resumes one case with one installed client and returns what happened, with every request it made.
 * @param {string} version @param {import('./cases.mjs').RecordingCase} c @param {{timeoutMs: number}} options
 */
export async function resumeCase(version, c, { timeoutMs }) {
  const text = caseText(c);
  const home = mkdtempSync(join(tmpdir(), 'ccmend-record-'));
  const server = await startRecordingServer();
  try {
    const project = join(home, '.claude', 'projects', caseProjectDir(c));
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, `${caseSessionId(c)}.jsonl`), text);
    const subagents = caseSubagentsDir(c);
    if (subagents) cpSync(subagents, join(project, caseSessionId(c), 'subagents'), { recursive: true });
    const cwd = caseCwd(c, text);
    mkdirSync(cwd, { recursive: true });
    const model = caseModel(c, text);
    const result = await run(clientBinary(version), ['-p', PROBE, '--resume', caseSessionId(c), '--model', model], {
      cwd,
      env: clientEnv(home, server.url),
      timeoutMs,
    });
    return {
      text,
      model,
      exitCode: result.code,
      signal: result.timedOut ? 'timeout' : (result.signal ?? undefined),
      stdout: trimOutput(result.stdout, home),
      stderr: trimOutput(result.stderr, home),
      requests: server.requests,
    };
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
