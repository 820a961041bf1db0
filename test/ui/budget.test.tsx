import { afterEach, describe, expect, test } from 'vitest';
import type { Doc } from '../../src/transcript/document.js';
import { loadFile } from '../../src/transcript/load.js';
import { Editor } from '../../src/ui/Editor.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import { hugeTaskOutput, readFixtureSettings, writeSession } from '../budget/cases.js';
import { mount, status, unmountAll } from './harness.js';

const open: Doc[] = [];
readFixtureSettings();
afterEach(() => {
  unmountAll();
  for (const d of open.splice(0)) d.source.close();
});

/** The session with the Task output on line 294 three times the window, loaded from its file. */
async function brokenSession(): Promise<Doc> {
  const doc = await loadFile(writeSession(hugeTaskOutput()));
  open.push(doc);
  return doc;
}

const editor = (doc: Doc) => mount(<Editor doc={doc} provider="anthropic" deps={fileEditorDeps()} size={{ columns: 160, rows: 40 }} />, 160);

describe('the context budget in the editor', () => {
  test('the header shows what the request costs against its window', async () => {
    const ui = await editor(await brokenSession());
    expect(ui.frame().split('\n')[0]).toContain('≈ 633,900 tokens of 200k');
  });

  test('t shows the tokens of each turn and block; T goes to the largest block, then the next', async () => {
    const ui = await editor(await brokenSession());
    let f = await ui.press('t');
    expect(status(f)).toBe('size column: estimated tokens of each turn and block (t hides it)');
    expect(f).toMatch(/#1 user .* ≈ 1,400\s*$/m);
    f = await ui.press('T');
    expect(status(f)).toBe('largest 1/20: line 294, Task `Implement state management` output, 1,800,000 characters: ≈ 612,000 tokens (T: the next)');
    // The selected row is that block, with its size at the right, marked by the rule it breaks.
    expect(f).toMatch(/^✖ +result +ok +\[toolu_017rjDpjVPeNFmAEXNTkoP55\] .* ≈ 612,000 prompt-too-long\s*$/m);
    expect(status(await ui.press('T'))).toMatch(/^largest 2\/20: line 3, prompt, 4,339 characters: ≈ 1,300 tokens/);
    f = await ui.press('t');
    expect(f).not.toContain('≈ 612,000');
  });

  test('x shows each cut with its size; y cuts, the total drops, u undoes', async () => {
    const ui = await editor(await brokenSession());
    let f = await ui.press('x');
    expect(f).toContain('Cut 1 block to fit 160,000 tokens? ≈ 633,900 now, ≈ 21,900 after');
    expect(f).toContain('line 294, turn 11: Task `Implement state management` output, 1,800,000 characters: ≈ 612,000 tokens');
    expect(f).toContain('y cuts · n/Esc cancels');
    f = await ui.press('y');
    expect(status(f)).toBe('cut 1 block to fit the context window (≈ 21,900 tokens now) · u undoes');
    expect(f.split('\n')[0]).toContain('≈ 21,900 tokens of 200k');
    expect(f.split('\n')[0]).toContain('[modified]');
    f = await ui.press('x');
    expect(status(f)).toBe('the request fits: ≈ 21,900 tokens, under 160,000 tokens (80% of the context window of claude-sonnet-4-20250514 (200,000 tokens))');
    f = await ui.press('u');
    expect(f.split('\n')[0]).toContain('≈ 633,900 tokens of 200k');
    expect(f.split('\n')[0]).not.toContain('[modified]');
  });

  test('f on the prompt-too-long problem shows the same cuts first', async () => {
    const ui = await editor(await brokenSession());
    let f = await ui.press('n');
    expect(status(f)).toBe(
      'problem 1/1: prompt-too-long · f: cut 1 block to short stubs, largest tool outputs first, as ccmend fit does (≈ 21,900 tokens after)',
    );
    f = await ui.press('f');
    expect(f).toContain('Cut 1 block to fit 160,000 tokens? ≈ 633,900 now, ≈ 21,900 after');
    f = await ui.press('y');
    expect(f.split('\n')[0]).toContain('0 errors · 0 warnings');
  });

  test('n cancels the cut', async () => {
    const ui = await editor(await brokenSession());
    await ui.press('x');
    const f = await ui.press('n');
    expect(status(f)).toBe('cancelled');
    expect(f.split('\n')[0]).toContain('≈ 633,900 tokens of 200k');
  });
});
