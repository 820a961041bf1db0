import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_OVERHEAD } from '../../src/budget/budget.js';
import { main } from '../../src/cli.js';
import { realPath } from '../helpers/fixtures.js';
import { hugeLastOutput, hugeTaskOutput, readFixtureSettings, writeSession } from '../budget/cases.js';
import { run } from './run.js';

readFixtureSettings();

/** The session with the Task output on line 294 three times the window, in a file. */
const brokenSession = () => writeSession(hugeTaskOutput());

const BEFORE = '≈ 633,900 tokens (API count 18,575 at line 226, plus an estimate for 13 lines from there)';
const CUT = '  line 294, turn 11: Task `Implement state management` output, 1,800,000 characters: ≈ 612,000 tokens';

describe('fit', () => {
  test('cuts the huge output in place, with a backup; the result checks clean and a second fit has nothing to cut', async () => {
    const file = brokenSession();
    const original = readFileSync(file);
    const r = await run('fit', file);
    expect(r.code).toBe(0);
    const backup = readdirSync(dirname(file)).find((n) => n.endsWith('.bak'))!;
    expect(r.out.split('\n')).toEqual([
      `${file}: ${BEFORE}`,
      '  the context window of claude-sonnet-4-20250514 (200,000 tokens); target 160,000 tokens',
      '1 cut, largest tool outputs first, then images and documents, oldest first:',
      CUT,
      `saved ${file} (backup: ${join(dirname(file), backup)})`,
      'now: ≈ 21,900 tokens (API count 18,575 at line 226, plus an estimate for 13 lines from there); 0 errors · 0 warnings',
      'resume with: cd /path/to/Demo && claude --resume fe5e1c67-53e7-4862-81ae-d0e013e3270b',
    ]);
    expect(readFileSync(join(dirname(file), backup)).equals(original)).toBe(true);
    // Every line but the cut one is as it was, byte for byte.
    const before = original.toString('utf8').split('\n');
    const after = readFileSync(file, 'utf8').split('\n');
    expect(after.length).toBe(before.length);
    expect(after.flatMap((l, i) => (l === before[i] ? [] : [i + 1]))).toEqual([294]);
    expect(JSON.parse(after[293]!).message.content[0].content).toBe(
      '[ccmend cut this to fit the context window: Task `Implement state management` output, 1,800,000 characters, ≈ 612,000 tokens]',
    );

    const check = await run('check', file);
    expect(check.code).toBe(0);
    expect(check.out).toBe(`${file}: 0 errors · 0 warnings, checked for Claude Code 1.0.98, the newest version that wrote this session`);
    const again = await run('fit', file);
    expect(again.code).toBe(0);
    expect(again.out.split('\n').slice(2)).toEqual(['fits already: nothing to cut']);
    expect(readdirSync(dirname(file)).filter((n) => n.endsWith('.bak'))).toHaveLength(1);
  });

  test('--dry-run shows the cuts and writes nothing; --out writes there and leaves the input alone', async () => {
    const file = brokenSession();
    const original = readFileSync(file);
    const dry = await run('fit', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`1 cut (dry run), largest tool outputs first, then images and documents, oldest first:\n${CUT}\ndry run: nothing written`);
    expect(readdirSync(dirname(file))).toEqual(['session.jsonl']);
    const out = join(dirname(file), 'fitted.jsonl');
    const r = await run('fit', file, '--out', out, '--tokens', '50,000');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${out}`);
    expect(r.out).toContain('target 50,000 tokens');
    expect(readFileSync(file).equals(original)).toBe(true);
    expect((await run('check', out)).code).toBe(0);
  });

  test('--json gives the figures before and after, the target and each cut', async () => {
    const file = brokenSession();
    const r = await run('fit', file, '--json', '--dry-run');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.before).toMatchObject({
      total: 633_852,
      window: { tokens: 200_000, model: 'claude-sonnet-4-20250514', reason: 'model' },
      anchor: { line: 226, count: 18_575 },
    });
    expect(j.before.messages).toHaveLength(18);
    expect(j.target).toBe(160_000);
    expect(j.fits).toBe(true);
    expect(j.cuts).toEqual([
      {
        line: 294,
        turn: 11,
        kind: 'tool output',
        what: 'Task `Implement state management` output, 1,800,000 characters',
        tokens: 612_003,
        stub: '[ccmend cut this to fit the context window: Task `Implement state management` output, 1,800,000 characters, ≈ 612,000 tokens]',
      },
    ]);
    expect(j.after.total).toBeLessThanOrEqual(160_000);
    expect(j.written).toBeNull();
  });

  test('what cannot fit is said, with what stands in the way, and nothing is written', async () => {
    // The huge output is now the last tool result: in the last messages, which fit keeps.
    const file = writeSession(hugeLastOutput().lines);
    const original = readFileSync(file);
    const r = await run('fit', file);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[2]).toMatch(/^cannot fit under 160,000 tokens: with all \d+ tool outputs, images and documents it may cut replaced, ≈ 6\d\d,\d00 remain$/);
    expect(lines[3]).toBe("fit never cuts the last 6 messages, your prompts, compaction summaries, or the assistant's text and tool calls; the largest left:");
    expect(lines[4]).toBe('  line 437, turn 17: Write `/path/to/Demo/CLAUDE.md` output, 1,800,000 characters: ≈ 612,000 tokens');
    expect(lines).toContain('with --keep 1 (all but the last message may be cut) it fits');
    expect(lines.at(-1)).toBe('nothing written');
    expect(readFileSync(file).equals(original)).toBe(true);
    expect(readdirSync(dirname(file))).toEqual(['session.jsonl']);
    expect((await run('fit', file, '--keep', '1', '--dry-run')).code).toBe(0);
  });

  test('bad arguments are one line and exit 2', async () => {
    await expect(main(['fit', realPath('old'), '--tokens', 'many'])).rejects.toThrow('--tokens must be a whole number of at least 1 (got many)');
    await expect(main(['fit', realPath('old'), '--keep=-1'])).rejects.toThrow('--keep must be a whole number of at least 0 (got -1)');
    await expect(main(['fit'])).rejects.toThrow('ccmend fit takes one file or session id (see ccmend --help)');
    await expect(main(['fit', 'nope.jsonl'])).rejects.toThrow('nope.jsonl: no such file or session id');
  });
});

describe('the figures in check --json and api-view --json', () => {
  test('the total, its anchor, the window and each message', async () => {
    const check = JSON.parse((await run('check', '--json', realPath('long'))).out);
    const tokens = check.files[0].tokens;
    expect(tokens).toMatchObject({
      window: { tokens: 1_000_000, model: 'claude-opus-4-6', reason: 'model' },
      anchor: { line: 1507, count: 106_060 },
      editedBefore: 0,
      estimatedLines: 1,
    });
    // The count, and the estimate of the one response line after it.
    expect(tokens.total).toBe(106_060 + tokens.estimated);
    expect(tokens.messages).toHaveLength(check.files[0].messages);
    // api-view measures the request as the client sends it, the whitespace-only text lines of the Opus answers
    // dropped: smaller messages, the same total (before the count, what was dropped is not in the count either).
    const view = JSON.parse((await run('api-view', '--json', realPath('long'))).out);
    expect(view.messages).toHaveLength(tokens.messages.length);
    expect(view.tokens).toMatchObject({ total: tokens.total, window: tokens.window, anchor: tokens.anchor, estimatedLines: 1 });
    expect(view.tokens.messages[1]).toBeLessThan(tokens.messages[1]);
  });

  test('a file whose usage is a stand-in placeholder is estimated whole', async () => {
    const tokens = JSON.parse((await run('check', '--json', realPath('parallel'))).out).files[0].tokens;
    // Its usage says 10 input tokens for every request: no count anchors it, and every line sent is estimated.
    expect(tokens.anchor).toBeNull();
    expect(tokens.estimatedLines).toBe(17);
    expect(tokens.messages).toHaveLength(4);
    expect(tokens.total).toBe(DEFAULT_OVERHEAD + tokens.messages.reduce((a: number, b: number) => a + b, 0));
  });
});
