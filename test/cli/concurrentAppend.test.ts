import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { realBytes } from '../helpers/fixtures.js';
import { BIN, ensureBuilt, tempDir } from './helpers.js';

/*
 * A real second process appends a line every millisecond (the way Claude Code
 * appends: open, write one line, close) for the whole time `ccmend fix` runs in
 * place on the 3 MB session, and a little after. No appended line may be lost
 * or doubled, and every other line is the fixed transcript.
 */

beforeAll(() => ensureBuilt(), 180_000);
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APPENDER = `
const { appendFileSync } = require('node:fs');
const [file] = process.argv.slice(1);
let n = 0, stopping = false;
process.on('message', () => { stopping = true; });
const tick = () => {
  appendFileSync(file, JSON.stringify({ type: 'queue-operation', operation: 'enqueue', content: 'appended ' + n }) + '\\n');
  n++;
  if (stopping && n % 20 === 0) { process.send(n, () => process.exit(0)); return; }
  setTimeout(tick, 1);
};
tick();
`;

const run = (cmd: string, args: string[], opts: object = {}) => spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], ...opts });

test('lines appended during `ccmend fix` are all kept, once each', async () => {
  const original = realBytes('long');
  const file = join(dir, 's.jsonl');
  writeFileSync(file, original);
  const appender = run(process.execPath, ['-e', APPENDER, file]);
  const total = new Promise<number>((resolve) => appender.on('message', (n) => resolve(n as number)));
  // Let it append a few lines before ccmend even loads the file.
  await new Promise((r) => setTimeout(r, 30));
  const fix = run(process.execPath, [BIN, 'fix', file], { env: { PATH: process.env.PATH, CLAUDE_CONFIG_DIR: dir } });
  let stdout = '';
  let stderr = '';
  fix.stdout!.on('data', (c) => (stdout += c));
  fix.stderr!.on('data', (c) => (stderr += c));
  const code = await new Promise((resolve) => fix.on('close', resolve));
  appender.send('stop');
  const appended = await total;

  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toMatch(/^kept \d+ line\(s\) another program appended while ccmend ran; run `ccmend check` again$/m);
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  const marker = /^\{"type":"queue-operation","operation":"enqueue","content":"appended (\d+)"\}$/;
  const seen = lines
    .map((l) => marker.exec(l)?.[1])
    .filter((n) => n !== undefined)
    .map(Number);
  expect(seen.length).toBe(appended);
  expect([...seen].sort((a, b) => a - b)).toEqual([...Array(appended).keys()]);
  // Without the appended lines, the file is exactly what fix makes of the original.
  const rest = lines
    .filter((l) => !marker.test(l))
    .map((l) => `${l}\n`)
    .join('');
  expect(rest).toBe(serializeToBuffer(fixAll(docFromBuffer(original)).doc).toString('utf8'));
  expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
}, 60_000);
