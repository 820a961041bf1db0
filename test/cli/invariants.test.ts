import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import { analyze } from '../../src/rules/analyze.js';
import { resolveTarget } from '../../src/report/target.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { type Case, SMALL_FIXTURES, bytesOf, caseOf, smallDamageExcept } from '../hardening/damage.js';
import { PROJECTS, REAL, allTranscripts, realPath } from '../helpers/fixtures.js';
import { STACK, ccmend, ensureBuilt, tempDir } from './helpers.js';

/*
 * The invariants of test/hardening, through the built `ccmend` on damaged
 * copies of the real transcripts: exit codes, what `fix` writes (compared with
 * the in-process result byte for byte), backups, and a second `fix` finding
 * nothing. Each case spawns ccmend seven times, so the count is small.
 */

beforeAll(() => ensureBuilt(), 180_000);

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = Number(process.env.CCMEND_FC_SEED ?? 20261122);
// Duplicate uuids on different lines are left out for the reason given in test/hardening/properties.test.ts.
const CASES = fc.sample(caseOf(SMALL_FIXTURES, smallDamageExcept('dup-uuid'), 6), { numRuns: Number(process.env.CCMEND_CLI_CASES ?? 10), seed: SEED });

const quiet = (r: { stderr: string }) => expect(r.stderr).toBe('');

describe('check on the real transcripts', () => {
  test('exit 1 for the session with thinking-signature errors and its compaction transcript, 0 for every other', () => {
    const files = allTranscripts();
    // Every file is named, subagents' too: each is checked once.
    const r = ccmend(['check', '--no-subagents', ...files]);
    quiet(r);
    expect(r.code).toBe(1);
    const heads = r.stdout.split('\n').filter((l) => l.startsWith('/'));
    expect(heads.length).toBe(files.length);
    const withErrors = heads.filter((l) => !/: 0 errors · /.test(l)).map((l) => relative(PROJECTS, l.slice(0, l.indexOf('.jsonl:') + 6)));
    // The compaction summariser's transcript is fragments whose parents are in the session: 2.1.39, which
    // wrote it, would resume only its last two lines (clients before 2.1.91 cut the chain at a lost parent).
    expect(withErrors).toEqual([REAL.long.replace('.jsonl', '/subagents/agent-acompact-e1f845.jsonl'), REAL.long]);
    expect(ccmend(['check', realPath('parallel')]).code).toBe(0);
  });
});

describe.each(CASES.map((c, i) => [i, c] as [number, Case]))('damaged copy %i', (i, c) => {
  const bytes = bytesOf(c);
  const file = join(dir, `case${i}.jsonl`);
  // What ccmend checks for with no --client and no claude installed (as in the tests): the newest version that wrote the file.
  const target = resolveTarget(undefined, docFromBuffer(bytes), () => undefined);
  const expected = analyze(docFromBuffer(bytes), { target: target.clients });
  const fixed = serializeToBuffer(fixAll(docFromBuffer(bytes), { target: target.clients }).doc);

  test(`check reports what analyze finds (${c.fixture}: ${c.damage.map((d) => d.kind).join(', ')})`, () => {
    writeFileSync(file, bytes);
    const r = ccmend(['check', file, '--json']);
    quiet(r);
    expect(r.code).toBe(expected.counts.error ? 1 : 0);
    const report = JSON.parse(r.stdout) as { files: { counts: unknown; lines: number; diagnostics: { rule: string; line: number }[] }[] };
    expect(report.files[0]!.counts).toEqual(expected.counts);
    expect(report.files[0]!.lines).toBe(expected.doc.lines.length);
    expect(report.files[0]!.diagnostics.map((d) => `${d.rule}@${d.line}`)).toEqual(expected.diagnostics.map((d) => `${d.rule}@${d.line}`));
  });

  test('fix --out writes the fixed transcript, which checks clean; fixing that finds nothing', () => {
    writeFileSync(file, bytes);
    const out = join(dir, `case${i}.out.jsonl`);
    const r = ccmend(['fix', file, '--out', out]);
    quiet(r);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${out}`);
    expect(r.stdout).toContain('now: 0 errors');
    expect(readFileSync(out).equals(fixed)).toBe(true);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(ccmend(['check', out]).code).toBe(0);
    const again = ccmend(['fix', out, '--out', `${out}.2`]);
    quiet(again);
    expect(again.stdout.split('\n')[0]).toBe(`${out}: nothing to fix for ${target.label}`);
    expect(readFileSync(`${out}.2`).equals(fixed)).toBe(true);
  });

  test('fix in place keeps a backup of the original; a second fix says nothing to fix and writes nothing', () => {
    const sub = tempDir();
    const f = join(sub, 's.jsonl');
    writeFileSync(f, bytes);
    const r = ccmend(['fix', f]);
    quiet(r);
    expect(r.code).toBe(0);
    const backups = readdirSync(sub).filter((n) => n.endsWith('.bak'));
    if (fixed.equals(bytes)) {
      expect(r.stdout.split('\n')[0]).toBe(`${f}: nothing to fix for ${target.label}`);
      expect(backups).toEqual([]);
    } else {
      expect(backups.length).toBe(1);
      expect(backups[0]).toMatch(/^s\.jsonl\.ccmend-\d{8}T\d{6}Z\.bak$/);
      expect(r.stdout).toContain(`saved ${f} (backup: ${join(sub, backups[0]!)})`);
      expect(readFileSync(join(sub, backups[0]!)).equals(bytes)).toBe(true);
    }
    expect(readFileSync(f).equals(fixed)).toBe(true);
    const again = ccmend(['fix', f]);
    quiet(again);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(`${f}: nothing to fix for ${target.label}`);
    expect(readdirSync(sub).sort()).toEqual(['s.jsonl', ...backups].sort());
    expect(readFileSync(f).equals(fixed)).toBe(true);
    rmSync(sub, { recursive: true, force: true });
  });
});

test('fix --dry-run changes nothing on disk', () => {
  const fixes = (x: Case) => {
    const doc = docFromBuffer(bytesOf(x));
    return !serializeToBuffer(fixAll(doc, { target: resolveTarget(undefined, doc, () => undefined).clients }).doc).equals(bytesOf(x));
  };
  const c = CASES.find(fixes)!;
  const f = join(dir, 'dry.jsonl');
  writeFileSync(f, bytesOf(c));
  const r = ccmend(['fix', f, '--dry-run']);
  quiet(r);
  expect(r.stdout).toContain('dry run: nothing written');
  expect(readFileSync(f).equals(bytesOf(c))).toBe(true);
  expect(readdirSync(dir).filter((n) => n.startsWith('dry'))).toEqual(['dry.jsonl']);
  expect(r.stderr).not.toMatch(STACK);
});
