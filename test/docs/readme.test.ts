import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BEHAVIOURS, versionBefore } from '../../src/conversation/clients.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's behaviour table as clients.ts holds it: a row per behaviour, with the spans of versions that have it. */
function behaviourTable(): string {
  const rows = BEHAVIOURS.map((b) => {
    const versions = b.spans.map((s) => (s.until ? `${s.from}–${versionBefore(s.until)}` : `${s.from}+`)).join(', ');
    return `| \`${b.id}\` | ${versions} | ${b.does} | ${b.otherwise} |`;
  });
  return ['| behaviour | versions | what they do | the others |', '|---|---|---|---|', ...rows].join('\n');
}

describe('README', () => {
  test('"Which Claude Code it checks for" shows every behaviour ccmend models, as src/conversation/clients.ts has it', () => {
    expect(README).toContain(`${behaviourTable()}\n`);
  });
});
