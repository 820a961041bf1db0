import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BEHAVIOURS, versionBefore } from '../../src/conversation/clients.js';
import { KEY_TABLE } from '../../src/ui/keyTable.js';
import { keyLabel } from '../../src/ui/keys.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's behaviour table as clients.ts holds it: a row per behaviour, with the spans of versions that have it. */
function behaviourTable(): string {
  const rows = BEHAVIOURS.map((b) => {
    const versions = b.spans.map((s) => (s.until ? `${s.from}–${versionBefore(s.until)}` : `${s.from}+`)).join(', ');
    return `| \`${b.id}\` | ${versions} | ${b.does} | ${b.otherwise} |`;
  });
  return ['| behaviour | versions | what they do | the others |', '|---|---|---|---|', ...rows].join('\n');
}

/** The keys the README's editor key table names, each as written in its first column ("u / U (or Ctrl+R)": u, U, Ctrl+R). */
function keysInTable(): Set<string> {
  const table = README.slice(README.indexOf('| key | action |'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
  return new Set(
    rows.flatMap((r) =>
      r
        .split('|')[1]!
        .split(/[\s,]+/)
        .map((k) => k.replace(/^\(|\)$/g, '')),
    ),
  );
}

describe('README', () => {
  test('the editor key table names every key of the tree and the detail pane', () => {
    const named = keysInTable();
    const keys = (['tree', 'detail'] as const).flatMap((m) => KEY_TABLE[m].flatMap(([c, ks]) => ks.map((k) => `${keyLabel(k)} (${c})`)));
    expect(keys.filter((k) => !named.has(k.slice(0, k.indexOf(' ('))))).toEqual([]);
  });

  test('"Which Claude Code it checks for" shows every behaviour ccmend models, as src/conversation/clients.ts has it', () => {
    expect(README).toContain(`${behaviourTable()}\n`);
  });
});
