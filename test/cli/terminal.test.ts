import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEMO, tempCopy } from '../ui/harness.js';
import { BIN, ensureBuilt, tempDir } from './helpers.js';
import { HAS_SCRIPT, Pty, plain } from './pty.js';

/*
 * The built ccmend in a pseudo-terminal, where the terminal itself matters: keys
 * that arrive in one read, Ctrl+C and Ctrl+Z, resizing, the alternate screen, NO_COLOR.
 */

beforeAll(() => ensureBuilt(), 180_000);

const home = tempDir('ccmend-pty-home-');
const env = { HOME: home, CLAUDE_CONFIG_DIR: home };
const HEADER = /ccmend {2}\d+ errors? · \d+ warnings?/;

function editor(file: string, opts: { columns?: number; rows?: number; env?: NodeJS.ProcessEnv } = {}) {
  return new Pty([process.execPath, BIN, file], { ...opts, env: { ...env, ...opts.env } });
}

describe.runIf(HAS_SCRIPT)('the editor in a terminal', () => {
  test('twenty keys and a search typed in one write all take effect, as when typed one by one', async () => {
    const keys = ['j', 'j', 'j', 'n', 'n', 'f', 'u', 'U', 'N', '/', 'b', 'e', 't', 'a', '\r', 'j', 'h', 'l', 'k', 'G'];
    const together = editor(tempCopy(DEMO));
    await together.until(HEADER);
    together.write(keys.join(''));
    await together.until('found "beta"');
    await together.settled();
    const apart = editor(tempCopy(DEMO));
    await apart.until(HEADER);
    for (const k of keys) {
      const before = apart.out.length;
      apart.write(k);
      await apart.until(/./s, before).catch(() => {});
      await apart.settled(100);
    }
    expect(together.screen()).toBe(apart.screen());
    expect(together.screen()).toContain('0 errors · 2 warnings');
    together.write('qy');
    apart.write('qy');
    expect(await together.exited).toBe(0);
    expect(await apart.exited).toBe(0);
  }, 60_000);

  test('the editor draws on the alternate screen and gives the shell its screen back', async () => {
    const pty = editor(tempCopy(DEMO));
    await pty.until(HEADER);
    const entered = pty.out.indexOf('\x1b[?1049h');
    expect(entered).toBeGreaterThanOrEqual(0);
    expect(entered).toBeLessThan(pty.out.indexOf('warnings'));
    pty.write('q');
    expect(await pty.exited).toBe(0);
    const left = pty.out.lastIndexOf('\x1b[?1049l');
    expect(left).toBeGreaterThan(pty.out.lastIndexOf('warnings'));
    expect(plain(pty.out.slice(left)).trim()).toBe('');
  });

  test('Ctrl+C with nothing unsaved quits at once; with unsaved changes the first warns, the second quits and the file is untouched', async () => {
    const clean = editor(tempCopy(DEMO));
    await clean.until(HEADER);
    clean.write('\x03');
    expect(await clean.exited).toBe(0);

    const file = tempCopy(DEMO);
    const before = readFileSync(file);
    const dirty = editor(file);
    await dirty.until(HEADER);
    dirty.write('F');
    await dirty.until('[modified]');
    dirty.write('\x03');
    await dirty.until('unsaved changes: Ctrl+C again quits without saving them');
    dirty.write('\x03');
    expect(await dirty.exited).toBe(0);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  test('a resize redraws the screen at the new size at once, with no key pressed', async () => {
    const pty = editor(tempCopy(DEMO), { columns: 120, rows: 40 });
    await pty.until(HEADER);
    await pty.settled();
    const from = pty.out.length;
    pty.resize(70, 20);
    // The whole frame: its header, at most 20 lines, and the key bar's last line (a redraw arrives in pieces).
    const KEY_BAR_END = /\? help {2}q\/Ctrl\+C quit$/m;
    await pty.untilScreen((s) => HEADER.test(s) && s.split(/\r?\n/).length <= 20 && KEY_BAR_END.test(s), 'a whole frame of 20 lines');
    expect(pty.out.length).toBeGreaterThan(from);
    const lines = pty.screen().split(/\r?\n/);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(70);
    expect(lines[0]).toMatch(HEADER);
    expect(lines.some((l) => KEY_BAR_END.test(l))).toBe(true);
    pty.write('q');
    expect(await pty.exited).toBe(0);
  });

  test('redrawing never erases the shell’s scrollback; a resize starts the screen afresh, and the shell’s screen comes back clean', async () => {
    const pty = editor(tempCopy(DEMO), { columns: 80, rows: 24 });
    await pty.until(HEADER);
    await pty.settled();
    const from = pty.out.length;
    pty.resize(120, 30);
    await pty.untilScreen((s) => s.split(/\r?\n/).some((l) => [...l].length > 80), 'a frame 120 columns wide');
    // The screen is cleared before any frame after a resize: one laid out for the old size, drawn from where the cursor
    // was, would push lines off the top, and a terminal such as tmux puts them in the shell's screen.
    expect(pty.out.slice(from).startsWith('\x1b[2J\x1b[H')).toBe(true);
    pty.write('jjn');
    await pty.until('problem 1/4');
    pty.write('q');
    expect(await pty.exited).toBe(0);
    expect(pty.out.includes('\x1b[3J')).toBe(false);
    expect(plain(pty.out.slice(pty.out.lastIndexOf('\x1b[?1049l'))).trim()).toBe('');
  });

  test('Ctrl+Z stops it to the shell with the screen given back; fg brings it back, redrawn', async () => {
    // An interactive shell with job control, typed into as a person does.
    const shell = new Pty(['bash', '--norc', '--noprofile', '-i'], { env: { ...env, PS1: '$ ' } });
    await shell.until('$ ');
    shell.write(`${process.execPath} ${BIN} ${tempCopy(DEMO)}\r`);
    await shell.until(HEADER);
    const from = shell.out.length;
    shell.write('\x1a');
    await shell.until('Stopped', from);
    const stopped = shell.out.slice(from);
    expect(stopped.indexOf('\x1b[?1049l')).toBeGreaterThanOrEqual(0);
    expect(stopped.indexOf('\x1b[?1049l')).toBeLessThan(stopped.indexOf('Stopped'));
    const back = shell.out.length;
    shell.write('fg\r');
    await shell.until(HEADER, back);
    expect(shell.out.slice(back)).toContain('\x1b[?1049h');
    const end = shell.out.length;
    shell.write('q');
    await shell.until('$ ', end);
    expect(shell.out.slice(end)).toContain('\x1b[?1049l');
    shell.write('exit\r');
    expect(await shell.exited).toBe(0);
  });

  test('NO_COLOR: no colour, bold or dim is sent (only reverse video for the cursor); without it there is colour', async () => {
    const sgr = (out: string) => new Set([...out.matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => m[1]));
    const run = async (extra: NodeJS.ProcessEnv) => {
      const pty = editor(tempCopy(DEMO), { env: extra });
      await pty.until(HEADER);
      pty.write('n');
      await pty.until('problem 1/4');
      pty.write('q');
      await pty.exited;
      return sgr(pty.out);
    };
    const plainCodes = await run({ NO_COLOR: '1' });
    expect([...plainCodes].filter((c) => !['', '0', '7', '27', '4', '24'].includes(c))).toEqual([]);
    expect(plainCodes.has('7')).toBe(true);
    const coloured = await run({ FORCE_COLOR: '1' });
    expect(coloured.has('31')).toBe(true); // red: the error marks
  });
});

describe.runIf(HAS_SCRIPT)('opening from a terminal', () => {
  test('a directory is refused with one line and exit 2', async () => {
    const dir = tempDir('ccmend-a-dir-');
    const pty = editor(dir);
    expect(await pty.exited).toBe(2);
    expect(plain(pty.out).trim()).toBe(`ccmend: ${dir}: is a directory, not a transcript`);
  });
});
