import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BEHAVIOURS, GENERATIONS, versionRanges } from '../../src/conversation/clients.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's behaviour table as clients.ts holds it: a row per behaviour, with the versions that have it. */
function behaviourTable(): string {
  const rows = BEHAVIOURS.map((b) => {
    const versions = versionRanges(GENERATIONS.filter((g) => g.has(b.id))).join(', ');
    return `| \`${b.id}\` | ${versions} | ${b.does} | ${b.otherwise} |`;
  });
  return ['| behaviour | versions | what they do | what the others do |', '|---|---|---|---|', ...rows].join('\n');
}

describe('README', () => {
  test('"Which Claude Code it checks for" shows every behaviour ccmend models, as src/conversation/clients.ts has it', () => {
    expect(README).toContain(`${behaviourTable()}\n`);
  });
});
