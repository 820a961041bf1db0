import { appendFileSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { realBytes, realLines } from '../helpers/fixtures.js';
import { tempDir } from '../cli/helpers.js';
import { runMain } from './inProcess.js';

/*
 * Another program touches the transcript between the moment `ccmend fix` has
 * loaded it and the moment it saves (Claude Code still running, a sync tool, a
 * user). The hook runs just before fixAll, i.e. after loading; the command runs
 * through main() and reportFailure(), exactly what bin.ts does.
 */

const hook = vi.hoisted(() => ({ beforeFix: undefined as undefined | (() => void) }));
vi.mock('../../src/edit/fixAll.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/edit/fixAll.js')>();
  return {
    ...real,
    fixAll: (...args: Parameters<typeof real.fixAll>) => {
      hook.beforeFix?.();
      return real.fixAll(...args);
    },
  };
});

/** The long session: six thinking-signature errors, so fix always writes. */
const ORIGINAL = realBytes('long');
const FIXED = serializeToBuffer(fixAll(docFromBuffer(ORIGINAL)).doc);

/** Two lines Claude Code would append next: a user prompt and its answer, chained to the last line. */
function nextTurn(): Buffer {
  const lines = realLines('long');
  const last = lines.at(-1)!;
  const user = {
    ...lines.find((l) => l.type === 'user' && typeof (l.message as { content?: unknown })?.content === 'string')!,
    parentUuid: last.uuid,
    uuid: 'c0ffee00-0000-4000-8000-000000000001',
    timestamp: '2026-11-22T19:00:00.000Z',
  };
  const reply = {
    ...lines.findLast((l) => l.type === 'assistant')!,
    parentUuid: user.uuid,
    uuid: 'c0ffee00-0000-4000-8000-000000000002',
    timestamp: '2026-11-22T19:00:01.000Z',
  };
  return Buffer.from(`${JSON.stringify(user)}\n${JSON.stringify(reply)}\n`);
}

const run = runMain;

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir('ccmend-writer-');
  file = join(dir, 's.jsonl');
  writeFileSync(file, ORIGINAL);
});
afterEach(() => {
  hook.beforeFix = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const backups = () => readdirSync(dir).filter((n) => n.endsWith('.bak'));
const leftovers = () => readdirSync(dir).filter((n) => n !== 's.jsonl' && !n.endsWith('.bak'));

describe('a writer appends while ccmend fixes (Claude Code still running)', () => {
  test('the appended lines are kept after the fixed ones, the user is told, the backup has them too', async () => {
    const turn = nextTurn();
    hook.beforeFix = () => appendFileSync(file, turn);
    const r = await run(['fix', file]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept 2 line(s) another program appended while ccmend ran; run `ccmend check` again');
    expect(readFileSync(file).equals(Buffer.concat([FIXED, turn]))).toBe(true);
    expect(backups().length).toBe(1);
    expect(readFileSync(join(dir, backups()[0]!)).equals(Buffer.concat([ORIGINAL, turn]))).toBe(true);
    expect(leftovers()).toEqual([]);
    // The appended turn is now the end of the conversation ccmend sees.
    const again = await run(['check', file]);
    expect(again.out[0]).toBe(`${file}: 0 errors · 5 warnings (16 info), checked for Claude Code 2.1.39, the newest version that wrote this session`);
  });

  test('a line appended without its newline yet (a write in progress) is kept as it is', async () => {
    const partial = nextTurn().subarray(0, 100);
    hook.beforeFix = () => appendFileSync(file, partial);
    const r = await run(['fix', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept 1 line(s) another program appended while ccmend ran; run `ccmend check` again');
    expect(readFileSync(file).equals(Buffer.concat([FIXED, partial]))).toBe(true);
  });
});

describe('any other change on disk is refused and the file left as the other program made it', () => {
  const refused = (r: Awaited<ReturnType<typeof run>>, message: string) => {
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([`ccmend: ${message}`]);
    expect(r.code).toBe(2);
    expect(backups()).toEqual([]);
    expect(leftovers()).toEqual([]);
  };

  test('rewritten in place (same size, other bytes)', async () => {
    const rewritten = Buffer.from(ORIGINAL);
    rewritten.write('X', 100);
    hook.beforeFix = () => writeFileSync(file, rewritten);
    refused(await run(['fix', file]), `${file} changed on disk since it was opened (not just appended to); not saved`);
    expect(readFileSync(file).equals(rewritten)).toBe(true);
  });

  test('rewritten and grown (an edit plus an append)', async () => {
    const changed = Buffer.concat([ORIGINAL.subarray(0, ORIGINAL.length - 10), Buffer.from('"}\n'), nextTurn()]);
    hook.beforeFix = () => writeFileSync(file, changed);
    refused(await run(['fix', file]), `${file} changed on disk since it was opened (not just appended to); not saved`);
    expect(readFileSync(file).equals(changed)).toBe(true);
  });

  test('truncated while open', async () => {
    hook.beforeFix = () => truncateSync(file, 1000);
    refused(await run(['fix', file]), `${file} was truncated by another program while ccmend had it open; nothing was saved`);
    expect(readFileSync(file).equals(ORIGINAL.subarray(0, 1000))).toBe(true);
  });

  test('replaced by another file (a rename over it)', async () => {
    const other = Buffer.from('{"type":"summary","summary":"another session"}\n');
    hook.beforeFix = () => {
      writeFileSync(join(dir, 'new'), other);
      renameSync(join(dir, 'new'), file);
    };
    refused(await run(['fix', file]), `${file} was replaced by another program since it was opened; not saved`);
    expect(readFileSync(file).equals(other)).toBe(true);
  });

  test('deleted while open: in place is refused and nothing is recreated', async () => {
    hook.beforeFix = () => unlinkSync(file);
    const r = await run(['fix', file]);
    expect(r).toEqual({ code: 2, out: [], err: [`ccmend: ${file} was deleted or moved since it was opened; not saved (use --out to write elsewhere)`] });
    expect(readdirSync(dir)).toEqual([]);
  });

  test('deleted while open: --out still writes the whole fixed transcript (the open file keeps the bytes)', async () => {
    hook.beforeFix = () => unlinkSync(file);
    const out = join(dir, 'rescued.jsonl');
    const r = await run(['fix', file, '--out', out]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${out}`);
    expect(readFileSync(out).equals(FIXED)).toBe(true);
  });
});
