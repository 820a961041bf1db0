import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import type { Doc } from '../../src/transcript/document.js';
import { loadFile } from '../../src/transcript/load.js';
import { Editor } from '../../src/ui/Editor.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import { NEWEST } from '../../src/conversation/clients.js';
import { realPath } from '../helpers/fixtures.js';
import { DEMO, KEY, counts, mount, status, tempCopy, unmountAll } from './harness.js';

/* The editor as a daily tool: keys that come together, Ctrl+C, what the save preview says, saves refused. */

const open: Doc[] = [];
afterEach(() => {
  unmountAll();
  for (const d of open.splice(0)) d.source.close();
});

async function editor(file: string, columns = 160, rows = 40) {
  const doc = await loadFile(file);
  open.push(doc);
  return mount(<Editor doc={doc} provider="anthropic" deps={fileEditorDeps({ clipboard: async () => {} })} size={{ columns, rows }} />, columns);
}

describe('keys that arrive together (a paste, a slow link, a busy editor) all take effect', () => {
  test('five j in one read move five rows, as five reads do', async () => {
    const together = await (await editor(tempCopy(DEMO))).press('jjjjj');
    const apart = await editor(tempCopy(DEMO));
    for (let i = 0; i < 5; i++) await apart.press('j');
    expect(together).toBe(apart.frame());
    expect(together).toContain('Available agent types for the Agent tool:'); // the fifth row down: turn #1's fifth block
  });

  test('a search typed in one read finds what it names', async () => {
    const f = await (await editor(tempCopy(DEMO))).press('/beta\r');
    expect(status(f)).toBe('found "beta" (/ Enter finds the next)');
    expect(f).toMatch(/│ Bash toolu_01BBB +│/);
  });

  test('twenty keys in one read, a search and a fix among them, end where twenty separate keys do', async () => {
    const keys = ['j', 'j', 'j', 'n', 'n', 'f', 'u', 'U', 'N', '/', 'b', 'e', 't', 'a', '\r', 'j', 'h', 'l', 'k', 'g'];
    const together = await (await editor(tempCopy(DEMO))).press(keys.join(''));
    const apart = await editor(tempCopy(DEMO));
    for (const k of keys) await apart.press(k);
    expect(together).toBe(apart.frame());
    expect(counts(together)).toBe('0 errors · 2 warnings');
  });

  test('Esc and the key after it in one read are two keys, not Alt+key', async () => {
    const ui = await editor(tempCopy(DEMO));
    await ui.press('?');
    const f = await ui.press(`${KEY.escape}F`);
    expect(status(f)).toBe('applied 3 fixes; 0 errors and 0 warnings left · u undoes');
  });
});

describe('Ctrl+C', () => {
  test('with unsaved changes the first warns, any other key goes on, and the warning names the keys', async () => {
    const ui = await editor(tempCopy(DEMO));
    await ui.press('F');
    let f = await ui.press('\x03');
    expect(status(f)).toBe('unsaved changes: Ctrl+C again quits without saving them · s saves · any other key goes on');
    f = await ui.press('j');
    expect(f).not.toContain('unsaved changes:');
    expect(f).toContain('[modified]');
  });
});

describe('moving blocks', () => {
  test('K on the first block of a turn is refused, and nothing in the file moves', async () => {
    const ui = await editor(tempCopy(realPath('parallel')));
    await ui.press('/I should list\r'); // turn #2's thinking, its first block (a response split over four lines)
    const f = await ui.press('K');
    expect(status(f)).toBe('already the first block of turn #2 (select the turn to move the whole turn)');
    expect(f).not.toContain('[modified]');
  });
});

describe('problems before the last compaction (info items)', () => {
  test('once the sent part is clean, n goes to them and says what they are; the header counts them', async () => {
    const ui = await editor(tempCopy(realPath('long')));
    let f = await ui.press('F');
    expect(counts(f)).toBe('0 errors · 0 warnings');
    expect(f).toContain('(16 info before the last compaction)');
    f = await ui.press('n');
    expect(status(f)).toBe('info 1/16 (no problem the API would reject; this is before the last compaction and not sent): text-whitespace');
    expect(f).toContain('raw file view: every line');
    expect(f).toMatch(/· L8 +assistant .* text-whitespace/);
  });
});

describe('the detail pane', () => {
  test('an image shows its type, size and dimensions', async () => {
    const ui = await editor(tempCopy(realPath('image')));
    await ui.press('/[toolu_01ReadLogo]\r');
    const f = await ui.press('/\r'); // the same search again: the next match, the result holding the image
    expect(f).toContain('result for toolu_01ReadLogo');
    expect(f).toContain('[image image/png, 40×20 px, 93 B (124 B as base64)]');
  });
});

describe('grammar', () => {
  test('one fix is "1 fix"', async () => {
    const ui = await editor(tempCopy(DEMO));
    await ui.press('n', 'f', 'n', 'f');
    const f = await ui.press('F');
    expect(status(f)).toBe('applied 1 fix; 0 errors and 0 warnings left · u undoes');
    expect(status(await ui.press('u'))).toBe('undid: applied 1 fix');
  });
});

describe('the save preview', () => {
  test('a deleted turn: each removed line with its role and text, each relinked line with its new parent, in file order', async () => {
    const ui = await editor(tempCopy(realPath('parallel')));
    await ui.press('/#2 assistant\r', 'd');
    const f = await ui.press('s');
    const listed = f.split('\n').filter((l) => /^│ [-+~] /.test(l));
    expect(listed.map((l) => l.slice(2).replace(/ *│$/, ''))).toEqual([
      '- line 19 removed: assistant: thinking I should list files and print date in parallel.',
      '- line 20 removed: assistant: text Let me look around.',
      '- line 21 removed: assistant: tool_use Bash echo alpha [toolu_01AAA]',
      '- line 22 removed: assistant: tool_use Bash echo beta [toolu_01BBB]',
      '~ line 25 (user): parent relinked to line 14',
      '~ line 26 (user): parent relinked to line 14',
    ]);
  });

  test('at 80 columns the note and the answer line are whole', async () => {
    const ui = await editor(tempCopy(DEMO), 80, 24);
    await ui.press('F');
    const f = await ui.press('s');
    expect(f).toMatch(/│ Keeps a backup \(\.ccmend-<time>\.bak\); every other line stays byte for byte\. +│/);
    expect(f).toMatch(/│ y saves · n\/Esc cancels +│/);
  });

  test('more changes than fit: the list scrolls, and says how many are above and below', async () => {
    const ui = await editor(tempCopy(realPath('long')), 120, 20);
    await ui.press('F');
    let f = await ui.press('s');
    const below = /\((\d+) above, (\d+) below\)/.exec(f);
    expect(below?.[1]).toBe('0');
    const first = f.split('\n').find((l) => /^│ [-+~] /.test(l));
    f = await ui.press('j');
    expect(f).toContain(`(1 above, ${Number(below![2]) - 1} below)`);
    expect(f.split('\n').find((l) => /^│ [-+~] /.test(l))).not.toBe(first);
    f = await ui.press('G');
    expect(f).toMatch(/\(\d+ above, 0 below\)/);
    expect(status(await ui.press('n'))).toBe('cancelled');
  });
});

describe('a save refused because another program rewrote the file', () => {
  /** Another program replaces the file after the editor loaded it (as a second ccmend's save does). */
  function replaceOnDisk(file: string): Buffer {
    const theirs = Buffer.from(`${readFileSync(file, 'utf8')}{"type":"summary","summary":"theirs","leafUuid":"x"}\n`.replace(/^[^\n]*\n/, ''));
    writeFileSync(`${file}.theirs`, theirs);
    renameSync(`${file}.theirs`, file);
    return theirs;
  }

  test('w saves your version to another file, which the editor goes on with; theirs is left alone', async () => {
    const file = tempCopy(DEMO);
    const ui = await editor(file);
    await ui.press('F');
    const theirs = replaceOnDisk(file);
    await ui.press('s', 'y');
    let f = await ui.until((fr) => fr.includes('Not saved'), 'the refusal');
    expect(f).toContain(`${file} was replaced by another program since it was opened; not saved`);
    expect(f).toMatch(/w +save your version to another file \(your changes are kept\)/);
    f = await ui.press('w');
    const copy = file.replace(/\.jsonl$/, '.ccmend.jsonl');
    expect(status(f)).toBe(`save to: ${copy}█  (Enter saves, Esc cancels)`);
    f = await ui.press(KEY.enter);
    f = await ui.until((fr) => status(fr).startsWith('saved to'), 'the save');
    expect(status(f)).toBe(`saved to ${copy}; session.jsonl was left as it is on disk`);
    expect(readFileSync(file).equals(theirs)).toBe(true);
    expect(counts(f)).toBe('0 errors · 0 warnings');
    expect(f).toContain('session.ccmend.jsonl');
    expect(f).not.toContain('[modified]');
    const mine = readFileSync(copy, 'utf8');
    expect(mine).toContain('[tool result lost]');
  });

  test('R reloads the file as it is on disk once confirmed (your changes dropped); Esc keeps editing', async () => {
    const file = tempCopy(DEMO);
    const ui = await editor(file);
    await ui.press('F');
    replaceOnDisk(file);
    await ui.press('s', 'y');
    await ui.until((fr) => fr.includes('Not saved'), 'the refusal');
    let f = await ui.press(KEY.escape);
    expect(status(f)).toBe('not saved; your changes are kept (s tries again)');
    expect(f).toContain('[modified]');
    await ui.press('s', 'y');
    await ui.until((fr) => fr.includes('Not saved'), 'the refusal');
    f = await ui.press('R');
    expect(status(f)).toBe(`Reload ${file} from disk and drop your changes? (y/n)`);
    await ui.press('y');
    f = await ui.until((fr) => status(fr).startsWith('reloaded'), 'the reload');
    expect(status(f)).toBe('reloaded from disk; your changes were dropped');
    expect(f).not.toContain('[modified]');
    expect(counts(f)).toBe('1 error · 3 warnings'); // theirs, with the faults it had
  });
});

describe('the client checked for', () => {
  test('c goes to every client, then to each version from the newest, and back; the header and the counts follow', async () => {
    // The 2.1.19 session with its first prompt empty: 2.1.31 and older send it and are rejected, 2.1.32+ drop it.
    const file = tempCopy(realPath('lean'));
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"content":"Add a health endpoint"', '"content":""');
    writeFileSync(file, lines.join('\n'));
    const ui = await editor(file);
    const header = (f: string) => f.split('\n')[0]!;
    expect(header(ui.frame())).toContain('for Claude Code 2.1.19');
    expect(counts(ui.frame())).toBe('1 error · 2 warnings');
    let f = await ui.press('c');
    expect(header(f)).toContain('for all clients');
    expect(status(f)).toMatch(/^checking for every Claude Code ccmend models \(1\.0\.0 to 2\.1\.\d+\+\): 2 errors · /);
    // The newest: it drops the empty prompt, and the request then opens with the response.
    f = await ui.press('c');
    expect(header(f)).toContain(`for Claude Code ${NEWEST.version}`);
    expect(counts(f)).toBe('1 error · 1 warning');
    // (2.1.190 is a generation too: the version must end where 2.1.19 does.)
    for (let i = 0; i < 40 && !/for Claude Code 2\.1\.19(?!\d)/.test(header(f)); i++) f = await ui.press('c');
    expect(counts(f)).toBe('1 error · 2 warnings');
  });
});
