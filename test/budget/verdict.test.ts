import { describe, expect, test } from 'vitest';
import { promptVerdict } from '../../src/budget/verdict.js';
import { analyze } from '../../src/rules/analyze.js';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { hugeTaskOutput } from './cases.js';

const withTaskOutput = (chars: number) => docOf(hugeTaskOutput(chars));

describe('the verdict on the request size', () => {
  test('over the window: the API error, the largest blocks, and the cut that fits', () => {
    const doc = withTaskOutput(1_800_000);
    const v = promptVerdict(doc, analyze(doc).view)!;
    expect(v.severity).toBe('error');
    expect(v.apiError).toBe('prompt is too long: 633852 tokens > 200000 maximum');
    expect(v.message).toBe(
      'the request is ≈ 633,900 tokens (API count 18,575 at line 226, plus an estimate for 13 lines from there), over the context window of claude-sonnet-4-20250514 (200,000 tokens); the largest: line 294, Task `Implement state management` output, 1,800,000 characters (≈ 612,000); line 3, prompt, 4,339 characters (≈ 1,300); line 436, Write `/path/to/Demo/CLAUDE.md` call, 3 KB of input (≈ 1,200)',
    );
    expect(v.at).toMatchObject({ pos: 293, index: 0 });
    expect(v.fixes).toHaveLength(1);
    expect(v.fixes[0]!.safe).toBe(false);
    expect(v.fixes[0]!.label).toBe('cut 1 block to short stubs, largest tool outputs first, as ccmend fit does (≈ 21,900 tokens after)');
    expect(v.fixes[0]!.edits).toEqual([expect.objectContaining({ op: 'set', key: 293, path: ['message', 'content', 0, 'content'] })]);
  });

  test('from 90% of the window a warning with no API error; under it nothing', () => {
    const near = withTaskOutput(520_000);
    const v = promptVerdict(near, analyze(near).view)!;
    expect(v.severity).toBe('warning');
    expect(v.apiError).toBeUndefined();
    expect(v.message).toMatch(
      /^the request is ≈ 19\d,\d00 tokens .*, 9\d% of the context window of claude-sonnet-4-20250514 \(200,000 tokens\), little room to work; the largest: line 294/,
    );
    expect(promptVerdict(realDoc('old'), analyze(realDoc('old')).view)).toBeUndefined();
    const long = realDoc('long');
    expect(promptVerdict(long, analyze(long).view)).toBeUndefined();
  });
});
