import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, cpSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { partInWorker, readPart } from '../../src/transcript/load.js';
import { BIN, ROOT, ensureBuilt, tempDir } from './helpers.js';
import { HAS_SCRIPT, Pty, plain } from './pty.js';

/*
 * The shipped executable is a bundle (scripts/bundle.mjs): it must run from
 * the files the package ships, without the per-module dist/ or node_modules,
 * and open the editor in a real terminal.
 */

beforeAll(() => ensureBuilt(), 180_000);

/** What `npm pack` would ship, copied to a folder of its own. */
const installed = tempDir('ccmend-installed-');
afterAll(() => spawnSync('rm', ['-rf', installed]));
const home = tempDir('ccmend-home-');

/** `node <bin> <args>` in a 100×30 pseudo-terminal with no Claude Code sessions; `q` once the editor's header is on screen. */
async function inPty(bin: string, args: string[]): Promise<{ out: string; code: number | null }> {
  const pty = new Pty([process.execPath, bin, ...args], { env: { HOME: home, CLAUDE_CONFIG_DIR: home } });
  await pty.until('warnings');
  pty.write('q');
  const code = await pty.exited;
  return { out: pty.out, code };
}

test('dist/bin.js is one bundled module, not the tsc output that imports ./cli.js', () => {
  const bin = readFileSync(BIN, 'utf8');
  expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(bin).not.toMatch(/from\s*["']\.\/cli\.js["']/);
});

test('the packed files run on their own: check, and the editor on the bundled demo', async () => {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  )[0].files.map((f: { path: string }) => f.path);
  expect(packed).toEqual(expect.arrayContaining(['dist/bin.js', 'fixtures/demo/demo.jsonl', 'package.json']));
  // The bundle, its load worker and their chunks; the per-module output is shipped too but must not be needed.
  for (const f of packed) if (!/^dist\/(?!bin\.js$|loadWorker\.js$|chunks\/)/.test(f)) cpSync(join(ROOT, f), join(installed, f));
  const bin = join(installed, 'dist', 'bin.js');

  const check = spawnSync(process.execPath, [bin, 'check', join(installed, 'fixtures', 'demo', 'demo.jsonl')], { encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.stdout).toMatch(/demo\.jsonl: 1 error · \d+ warnings/);
  expect(check.status).toBe(1);

  // The bundled load worker summarises a part as the main thread does (big files are read on several threads).
  const demo = join(installed, 'fixtures', 'demo', 'demo.jsonl');
  const fd = openSync(demo, 'r');
  try {
    const mine = await readPart((into, offset) => readSync(fd, into, 0, into.length, offset), 0, Infinity);
    const part = await partInWorker(pathToFileURL(join(installed, 'dist', 'loadWorker.js')), fd, 0, mine.end, () => {});
    expect(part.infos).toStrictEqual(mine.infos);
  } finally {
    closeSync(fd);
  }

  if (!HAS_SCRIPT) return; // no pseudo-terminal here: the editor part needs util-linux `script`
  const editor = await inPty(bin, []);
  const screen = plain(editor.out);
  expect(screen).toContain('DEMO: no Claude Code sessions found here');
  expect(screen).toMatch(/ccmend {2}1 error · \d+ warnings {2}for Claude Code 2\.1\.330 {2}demo\.jsonl/);
  expect(editor.code).toBe(0);

  // A transcript named on the command line (loading starts before the editor's modules are read).
  const named = await inPty(bin, [demo]);
  expect(plain(named.out)).toMatch(/ccmend {2}1 error · \d+ warnings {2}for Claude Code 2\.1\.330 {2}demo\.jsonl/);
  expect(named.code).toBe(0);
}, 60_000);
