import { afterEach, describe, expect, test } from 'vitest';
import { COMMANDS, type Command, KEY_TABLE, MODES, commandFor, helpCells, helpOf, keyBar } from '../../src/ui/keyTable.js';
import { promptOf } from '../../src/ui/Footer.js';
import { keyLabel } from '../../src/ui/keys.js';
import { loadFile } from '../../src/transcript/load.js';
import { Editor } from '../../src/ui/Editor.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import type { Doc } from '../../src/transcript/document.js';
import { DEMO, mount, tempCopy, unmountAll } from './harness.js';

const open: Doc[] = [];
afterEach(() => {
  unmountAll();
  for (const d of open.splice(0)) d.source.close();
});

describe('the key table', () => {
  test('every command is bound in some mode and has a description', () => {
    const bound = new Set(MODES.flatMap((m) => KEY_TABLE[m].map(([c]) => c)));
    for (const command of Object.keys(COMMANDS) as Command[]) {
      expect(bound.has(command), command).toBe(true);
      expect(helpOf(command).length, command).toBeGreaterThan(0);
    }
    for (const m of MODES) for (const [c, keys] of KEY_TABLE[m]) expect(keys.length, `${c} in ${m}`).toBeGreaterThan(0);
  });

  test('no key means two things in one mode, and the reserved keys are free', () => {
    for (const m of MODES) {
      const keys = KEY_TABLE[m].flatMap(([, k]) => k);
      expect(
        keys.filter((k, i) => keys.indexOf(k) !== i),
        m,
      ).toEqual([]);
    }
    expect(commandFor('tree', { name: 'c' })).toBe('switchClient');
  });

  test('help and prompts name the keys the table binds: rebound there, they say the new key', () => {
    const saved = { search: KEY_TABLE.search, saveAs: KEY_TABLE.saveAs, detail: KEY_TABLE.detail };
    const help = () => new Map(helpCells().map((c) => [c.keys.split(' ')[0], c.help]));
    const prompts = () => [promptOf({ overlay: { kind: 'search', query: 'x' } } as never), promptOf({ overlay: { kind: 'saveAs', path: 'p' } } as never)];
    expect(help().get('/')).toBe('search (Enter: next match)');
    expect(help().get('Enter')).toBe('detail pane (↑↓ scrolls)');
    expect(prompts()).toEqual(['/x█  (Enter finds, Esc cancels)', 'save to: p█  (Enter saves, Esc cancels)']);
    try {
      const rebound = (b: (typeof KEY_TABLE)['search'], from: string, to: string) => b.map(([c, k]) => [c, k.map((x) => (x === from ? to : x))] as const);
      KEY_TABLE.search = rebound(saved.search, 'enter', 'tab');
      KEY_TABLE.saveAs = rebound(saved.saveAs, 'escape', 'ctrl+g');
      KEY_TABLE.detail = rebound(saved.detail, 'up', 'ctrl+p');
      expect(help().get('/')).toBe('search (Tab: next match)');
      expect(help().get('Enter')).toBe('detail pane (Ctrl+P↓ scrolls)');
      expect(prompts()).toEqual(['/x█  (Tab finds, Esc cancels)', 'save to: p█  (Enter saves, Ctrl+G cancels)']);
    } finally {
      Object.assign(KEY_TABLE, saved);
    }
  });

  test('Ctrl+C and Ctrl+Z work in every mode', () => {
    for (const m of MODES) {
      expect(commandFor(m, { name: 'c', ctrl: true }), m).toBe('interrupt');
      expect(commandFor(m, { name: 'z', ctrl: true }), m).toBe('suspend');
    }
  });

  test('every key bar fits 80 columns and keeps help and quit (or the answers of its prompt)', () => {
    for (const m of MODES) {
      const bar = keyBar(m, 80);
      expect(bar.length, m).toBeLessThanOrEqual(80);
      for (const [c, keys] of KEY_TABLE[m]) if (COMMANDS[c].bar?.[1] === 0) expect(bar, `${c} in ${m}`).toContain(keyLabel(keys[0]!));
    }
    expect(keyBar('tree', 80)).toMatch(/\? help {2}q\/Ctrl\+C quit$/);
  });
});

describe('at 80×24', () => {
  test('the help screen shows every command of the tree and the detail pane, whole, with its title', async () => {
    const doc = await loadFile(tempCopy(DEMO));
    open.push(doc);
    const ui = await mount(<Editor doc={doc} provider="anthropic" deps={fileEditorDeps()} size={{ columns: 80, rows: 24 }} />, 80);
    const f = await ui.press('?');
    const lines = f.split('\n');
    expect(lines).toHaveLength(24);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines[2]).toBe(`│ Keys (Esc closes)${' '.repeat(60)}│`);
    expect(f).not.toContain('…');
    for (const cell of helpCells()) expect(f, cell.help).toContain(`${cell.keys.padEnd(9)} ${cell.help}`);
    expect(lines[22]).toBe('Esc close  ↑/↓ select  Ctrl+C quit');
  });

  test('the key bar of the tree ends with help and quit', async () => {
    const doc = await loadFile(tempCopy(DEMO));
    open.push(doc);
    const ui = await mount(<Editor doc={doc} provider="anthropic" deps={fileEditorDeps()} size={{ columns: 80, rows: 24 }} />, 80);
    const lines = ui.frame().split('\n');
    expect(lines).toHaveLength(24);
    expect(lines[22]).toBe('n/N problem  f/F fix  d del  K/J move  u undo  s save  ? help  q/Ctrl+C quit');
  });
});
