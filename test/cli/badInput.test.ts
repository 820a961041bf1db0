import { NEWEST } from '../../src/conversation/clients.js';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reportFailure } from '../../src/cli.js';
import { CliError } from '../../src/report/errors.js';
import { realBytes, realPath } from '../helpers/fixtures.js';
import { EMPTY_HOME, STACK, ccmend, ensureBuilt, tempDir, unprivileged } from './helpers.js';

/** An empty file names no version: it is checked for the newest Claude Code ccmend models. */
const NEWEST_MODELLED = `Claude Code ${NEWEST.version}+, the newest ccmend models`;

/*
 * The bad-input table of the README, through the built ccmend: each input gets
 * one line on stderr (or a plain report on stdout), a documented exit code and
 * never a stack trace; --debug adds the stack.
 */

beforeAll(() => ensureBuilt(), 180_000);

const dir = tempDir();
const socket = createServer();
beforeAll(async () => {
  writeFileSync(join(dir, 'empty.jsonl'), '');
  // 4 KiB of fixed "random" bytes (a xorshift stream): 14 lines, none blank, none JSON.
  let x = 0x2545f491;
  const junk = Buffer.alloc(4096, 0).map(() => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
  writeFileSync(join(dir, 'random.jsonl'), junk);
  mkdirSync(join(dir, 'a-directory.jsonl'));
  execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
  await new Promise<void>((resolve) => socket.listen(join(dir, 'socket.jsonl'), resolve));
  writeFileSync(join(dir, 'locked.jsonl'), realBytes('lean'));
  chmodSync(join(dir, 'locked.jsonl'), 0o000);
  mkdirSync(join(dir, 'read-only'), { mode: 0o555 });
  chmodSync(join(dir, 'read-only'), 0o555);
  writeFileSync(join(dir, 'damaged.jsonl'), realBytes('long'));
  chmodSync(join(dir, 'damaged.jsonl'), 0o644);
});
afterAll(() => {
  socket.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (name: string) => join(dir, name);

interface Row {
  readonly input: string;
  readonly args: () => readonly string[];
  readonly stderr: () => string;
  readonly code: number;
  readonly asNobody?: boolean;
}

/** Failures: one line on stderr, nothing on stdout. */
const FAILURES: Row[] = [
  {
    input: 'missing file',
    args: () => ['check', at('nope.jsonl')],
    stderr: () => `ccmend: ${at('nope.jsonl')}: no such file or session id (looked under ${EMPTY_HOME}/projects/*/)`,
    code: 2,
  },
  {
    input: 'directory',
    args: () => ['check', at('a-directory.jsonl')],
    stderr: () => `ccmend: ${at('a-directory.jsonl')}: is a directory, not a transcript`,
    code: 2,
  },
  {
    input: 'the editor without a terminal (a pipe)',
    args: () => [at('damaged.jsonl')],
    stderr: () => 'ccmend: the editor needs an interactive terminal; use ccmend check / fix / summary in scripts',
    code: 2,
  },
  { input: 'unknown command', args: () => ['frobnicate', 'x.jsonl'], stderr: () => 'ccmend: unknown command: frobnicate (see ccmend --help)', code: 2 },
  { input: 'unknown command alone', args: () => ['frobnicate'], stderr: () => 'ccmend: unknown command: frobnicate (see ccmend --help)', code: 2 },
  { input: 'a mistyped command', args: () => ['chekc', 'x.jsonl'], stderr: () => 'ccmend: unknown command: chekc (did you mean check?)', code: 2 },
  { input: 'a mistyped command alone', args: () => ['doctr'], stderr: () => 'ccmend: unknown command: doctr (did you mean doctor?)', code: 2 },
  {
    input: 'random bytes (not a transcript)',
    args: () => ['check', at('random.jsonl')],
    stderr: () => `ccmend: ${at('random.jsonl')}: not a Claude Code transcript (none of its 14 lines is a JSON object)`,
    code: 2,
  },
  {
    input: 'random bytes, fixed',
    args: () => ['fix', at('random.jsonl'), '--warnings'],
    stderr: () => `ccmend: ${at('random.jsonl')}: not a Claude Code transcript (none of its 14 lines is a JSON object)`,
    code: 2,
  },
  {
    input: 'unknown flag',
    args: () => ['check', '--frob', at('empty.jsonl')],
    stderr: () => 'ccmend: unknown option --frob (see ccmend --help)',
    code: 2,
  },
  {
    input: 'missing argument',
    args: () => ['fix'],
    stderr: () => 'ccmend fix takes one file or session id (see ccmend --help)'.replace(/^/, 'ccmend: '),
    code: 2,
  },
  {
    input: 'bad --provider',
    args: () => ['check', at('empty.jsonl'), '--provider', 'openai'],
    stderr: () => 'ccmend: --provider must be one of anthropic, bedrock, vertex (got openai)',
    code: 2,
  },
  {
    input: 'unreadable file (mode 000, not root)',
    args: () => ['check', at('locked.jsonl')],
    stderr: () => `ccmend: ${at('locked.jsonl')}: permission denied`,
    code: 2,
    asNobody: true,
  },
  {
    input: 'a FIFO (no writer)',
    args: () => ['check', at('fifo.jsonl')],
    stderr: () => `ccmend: ${at('fifo.jsonl')}: a FIFO (pipe), not a regular file`,
    code: 2,
  },
  {
    input: 'a socket',
    args: () => ['check', at('socket.jsonl')],
    stderr: () => `ccmend: ${at('socket.jsonl')}: a socket or device, not a regular file`,
    code: 2,
  },
  { input: 'a device that never ends', args: () => ['check', '/dev/zero'], stderr: () => 'ccmend: /dev/zero: a character device, not a regular file', code: 2 },
  {
    input: 'a file whose read fails (EIO)',
    args: () => ['check', '/proc/self/mem'],
    stderr: () => 'ccmend: /proc/self/mem: input/output error (a failing disk or a file that cannot be read)',
    code: 2,
  },
  {
    input: 'disk full on save (--out /dev/full)',
    args: () => ['fix', at('damaged.jsonl'), '--out', '/dev/full'],
    stderr: () => 'ccmend: not saved: /dev/full: no space left on the device',
    code: 2,
  },
  {
    input: 'read-only target directory (--out)',
    args: () => ['fix', at('damaged.jsonl'), '--out', at('read-only/fixed.jsonl')],
    stderr: () => `ccmend: not saved: ${at('read-only/fixed.jsonl')}: permission denied`,
    code: 2,
    asNobody: true,
  },
  {
    input: 'missing target directory (--out)',
    args: () => ['fix', at('damaged.jsonl'), '--out', at('no-such-dir/fixed.jsonl')],
    stderr: () => `ccmend: not saved: ${at('no-such-dir')}: no such directory`,
    code: 2,
  },
  {
    input: 'read-only transcript directory (fix in place)',
    args: () => ['fix', at('damaged.jsonl')],
    stderr: () => `ccmend: not saved: ${at('damaged.jsonl')}: permission denied`,
    code: 2,
    asNobody: true,
  },
];

describe('bad input: one line, an exit code, no stack', () => {
  test.each(FAILURES.map((r) => [r.input, r] as const))('%s', (_, row) => {
    if (row.input.startsWith('read-only transcript')) chmodSync(dir, 0o555);
    try {
      const r = ccmend(row.args(), row.asNobody ? unprivileged() : {});
      expect(r.stderr).toBe(`${row.stderr()}\n`);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(row.code);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  test('a failed save in place leaves the transcript as it was, and no backup or temp file', () => {
    expect(readFileSync(at('damaged.jsonl')).equals(realBytes('long'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([
      'a-directory.jsonl',
      'damaged.jsonl',
      'empty.jsonl',
      'fifo.jsonl',
      'locked.jsonl',
      'random.jsonl',
      'read-only',
      'socket.jsonl',
    ]);
    expect(readdirSync(at('read-only'))).toEqual([]);
  });

  test('/dev/full is still a device after a save was refused on it', () => {
    const r = ccmend(['fix', at('empty.jsonl'), '--out', '/dev/full']);
    // An empty transcript is zero bytes: writing it to /dev/full succeeds.
    expect(r.code).toBe(0);
    expect(execFileSync('stat', ['-c', '%F', '/dev/full'], { encoding: 'utf8' }).trim()).toBe('character special file');
  });

  test('--out into a FIFO writes through it (a reader gets the transcript) and leaves the FIFO in place', async () => {
    const fifo = at('out.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    const chunks: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => reader.on('close', resolve));
    const r = ccmend(['fix', realPath('lean'), '--out', fifo]);
    await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${fifo}`);
    expect(Buffer.concat(chunks).equals(realBytes('lean'))).toBe(true);
    expect(execFileSync('stat', ['-c', '%F', fifo], { encoding: 'utf8' }).trim()).toBe('fifo');
    rmSync(fifo);
  });
});

describe('inputs that are not errors', () => {
  test('an empty file: no problems, and a note that there is no conversation', () => {
    const r = ccmend(['check', at('empty.jsonl')]);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: `${at('empty.jsonl')}: 0 errors · 0 warnings, checked for ${NEWEST_MODELLED}\n  note: no conversation to resume (the file is empty)\n`,
    });
  });

  test('check goes on past a file it cannot read, and exits 2', () => {
    const r = ccmend(['check', at('nope.jsonl'), at('empty.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ccmend: ${at('nope.jsonl')}: no such file or session id (looked under ${EMPTY_HOME}/projects/*/)\n`);
    expect(r.stdout.split('\n')[0]).toBe(`${at('empty.jsonl')}: 0 errors · 0 warnings, checked for ${NEWEST_MODELLED}`);
  });
});

describe('--debug shows the stack', () => {
  test('of a reported failure', () => {
    const r = ccmend(['check', at('nope.jsonl'), '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`ccmend: ${at('nope.jsonl')}: no such file or session id (looked under ${EMPTY_HOME}/projects/*/)`);
    expect(r.stderr).toMatch(STACK);
  });

  test('an internal error is one line and exit 3; --debug adds its stack', () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    const boom = new TypeError("Cannot read properties of undefined (reading 'x')");
    expect(reportFailure(boom, false, io)).toBe(3);
    expect(lines).toEqual(["ccmend: internal error: Cannot read properties of undefined (reading 'x') (run with --debug for details)"]);
    lines.length = 0;
    expect(reportFailure(boom, true, io)).toBe(3);
    expect(lines[0]).toBe("ccmend: internal error: Cannot read properties of undefined (reading 'x')");
    expect(lines[1]).toMatch(STACK);
    lines.length = 0;
    expect(reportFailure(new CliError('x.jsonl: no such file'), false, io)).toBe(2);
    expect(lines).toEqual(['ccmend: x.jsonl: no such file']);
  });
});
