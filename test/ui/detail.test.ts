import { describe, expect, test } from 'vitest';
import { wrap } from '../../src/ui/detail.js';

describe('wrap', () => {
  test('breaks at spaces, keeps blank lines, hard-breaks words longer than the width', () => {
    expect(wrap('tool_use toolu_01BBB (Bash) has no tool_result', 20)).toEqual(['tool_use toolu_01BBB', '(Bash) has no', 'tool_result']);
    expect(wrap('a\n\nb', 5)).toEqual(['a', '', 'b']);
    expect(wrap('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });
});
