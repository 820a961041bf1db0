import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BEHAVIOURS } from '../../src/conversation/clients.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The version before `until`, as a span's last version: 2.1.31 → 2.1.30. */
const lastBefore = (until: string) => {
  const [major, minor, patch] = until.split('.').map(Number);
  return `${major}.${minor}.${patch! - 1}`;
};

/** The README's behaviour table as clients.ts holds it: a row per behaviour, with the spans of versions that have it. */
function behaviourTable(): string {
  const rows = BEHAVIOURS.map((b) => {
    const versions = b.spans.map((s) => (s.until ? `${s.from}–${lastBefore(s.until)}` : `${s.from}+`)).join(', ');
    return `| \`${b.id}\` | ${versions} | ${b.does} | ${b.otherwise} |`;
  });
  return ['| behaviour | versions | what they do | the others |', '|---|---|---|---|', ...rows].join('\n');
}

describe('README', () => {
  test('"Which Claude Code it checks for" shows every behaviour ccmend models, as src/conversation/clients.ts has it', () => {
    expect(README).toContain(`${behaviourTable()}\n`);
  });
});
