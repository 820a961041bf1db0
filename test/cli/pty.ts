import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.js';

/** util-linux `script`, which runs a command in a pseudo-terminal; without it the terminal tests are skipped. */
export const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

const sh = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** Escape sequences and the other control characters, to read what a screen says. */
export const plain = (s: string) => s.replace(/\x1b\[[0-9;?<>=]*[ -/]*[@-~]/g, '').replace(/\x1b[()][0-9A-Za-z]|\x1b[=>78]/g, '');

export interface PtyOptions {
  readonly columns?: number;
  readonly rows?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A command in a pseudo-terminal of its own (`script`), as a person runs it: what
 * it writes, keys typed into it, its terminal resized.
 */
export class Pty {
  out = '';
  readonly exited: Promise<number | null>;
  private readonly proc;
  private readonly waiters = new Set<() => void>();
  private readonly ttyFile: string;

  constructor(command: readonly string[], opts: PtyOptions = {}) {
    const dir = tempDir('ccmend-pty-');
    const ttyFile = (this.ttyFile = join(dir, 'tty'));
    const cmd = command.map(sh).join(' ');
    const script = `tty > ${sh(ttyFile)}; stty cols ${opts.columns ?? 100} rows ${opts.rows ?? 30}; exec ${cmd}`;
    this.proc = spawn('script', ['-qfec', script, '/dev/null'], {
      env: { PATH: process.env.PATH, TERM: 'xterm', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stdin.on('error', () => {});
    this.proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.out += d;
      for (const w of this.waiters) w();
    });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 30_000);
    this.exited = new Promise((resolve) =>
      this.proc.on('close', (code) => {
        clearTimeout(timer);
        for (const w of this.waiters) w();
        resolve(code);
      }),
    );
  }

  /** The terminal's device, as `tty` printed it. */
  get tty(): string {
    return readFileSync(this.ttyFile, 'utf8').trim();
  }

  write(keys: string): void {
    this.proc.stdin.write(keys);
  }

  /** Resolves once the text written (from `from` on, escape sequences left out) holds `what`; fails after a while, showing the screen. */
  until(what: string | RegExp, from = 0): Promise<void> {
    const found = () => {
      const text = plain(this.out.slice(from));
      return typeof what === 'string' ? text.includes(what) : what.test(text);
    };
    return new Promise((resolve, reject) => {
      if (found()) return resolve();
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} on screen; it showed:\n${this.screen()}`));
      }, 20_000);
      const check = () => {
        if (!found()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Resolves once nothing has been written for `ms`. */
  async settled(ms = 300): Promise<void> {
    for (;;) {
      const before = this.out.length;
      await new Promise((r) => setTimeout(r, ms));
      if (this.out.length === before) return;
    }
  }

  /** Resolves once the last full frame satisfies `ok`. */
  async untilScreen(ok: (screen: string) => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (ok(this.screen())) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the screen never showed ${what}; it showed:\n${this.screen()}`);
  }

  /** The last full frame drawn (Ink clears the screen before each one), as text. */
  screen(): string {
    const clear = this.out.lastIndexOf('\x1b[2J');
    return plain(clear === -1 ? this.out : this.out.slice(clear));
  }

  /** Sets the terminal's size from outside, as a terminal window does when it is resized (the program gets SIGWINCH). */
  resize(columns: number, rows: number): void {
    spawnSync('stty', ['-F', this.tty, 'cols', String(columns), 'rows', String(rows)]);
  }
}
