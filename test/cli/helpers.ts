import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'dist', 'bin.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** The bundle (scripts/bundle.mjs), not the one-module bin.js a bare `tsc` writes. */
const isBundle = () => readFileSync(BIN, 'utf8').includes('createRequire');

const isFresh = () => {
  try {
    return statSync(BIN).mtimeMs >= Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'scripts'))) && isBundle();
  } catch {
    return false;
  }
};

/**
 * Builds dist/ (`npm run build`: tsc, then the bundle) unless it is newer than
 * every file in src/ and scripts/. Test files run in parallel workers, so one
 * builds (holding a lock directory) and the others wait.
 */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), `ccmend-build-${ROOT.replace(/[^a-zA-Z0-9]/g, '-')}.lock`);
  const deadline = Date.now() + 170_000;
  while (!isFresh()) {
    try {
      mkdirSync(lock);
    } catch {
      // Someone else is building (or died doing so: a lock older than 3 minutes is stale).
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test worker to build dist/');
      execFileSync('sleep', ['0.2']);
      continue;
    }
    try {
      if (!isFresh()) {
        const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this user (tests run as root, which reads and writes anything). */
  readonly uid?: number;
  readonly input?: string;
}

/** Sessions are looked up under an empty config dir, never the real ~/.claude. */
export const EMPTY_HOME = tempDir('ccmend-cli-home-');
process.once('exit', () => rmSync(EMPTY_HOME, { recursive: true, force: true }));

export function ccmend(args: readonly string[], opts: RunOptions = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: EMPTY_HOME, CLAUDE_CONFIG_DIR: EMPTY_HOME, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: 60_000,
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh directory any user can enter (for runs as `nobody`). */
export function tempDir(prefix = 'ccmend-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** A stack trace line, which no failure may print without --debug. */
export const STACK = /^ {4}at /m;

export const NOBODY = 65534;

/** Options that make a run unprivileged: as root, run as `nobody`; otherwise as we are. */
export const unprivileged = (): RunOptions => (process.getuid?.() === 0 ? { uid: NOBODY } : {});
