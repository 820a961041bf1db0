import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import type { Doc } from '../../src/transcript/document.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { Editor, type EditorDeps } from '../../src/ui/Editor.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import { docOf, realLines, realPath } from '../helpers/fixtures.js';
import { DEMO, KEY, closeAll, counts, loadDoc, mount, status, tempCopy } from './harness.js';

afterEach(closeAll);
const load = loadDoc;

const noClipboard = async () => {
  throw new Error('no display');
};

async function editor(doc: Doc, deps: EditorDeps = fileEditorDeps({ clipboard: noClipboard, summaryDir: mkdtempSync(join(tmpdir(), 'ccmend-sum-')) })) {
  return mount(<Editor doc={doc} provider="anthropic" deps={deps} size={{ columns: 160, rows: 40 }} />, 160);
}

describe('the editor on the demo transcript (real faults)', () => {
  test('header, first turn and the problem count', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    expect(counts(ui.frame())).toBe('1 error · 3 warnings');
    expect(ui.frame()).toContain('for Claude Code 2.1.330');
    expect(ui.frame()).toContain('session.jsonl  session a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1  v2.1.330');
    expect(ui.frame()).toMatch(/▾ #1 user +9 blocks +lines 3–13 +run two commands/);
  });

  test('n goes to the first problem: marker, rule id, diagnostic, API error and fix in the detail pane', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    const f = await ui.press('n');
    expect(status(f)).toBe('problem 1/4: tool-result-missing · f: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB');
    // Claude Code 2.1.80+ (the session's) drop the unanswered call when they send, 2.1.269+ answer it: a warning.
    expect(f).toMatch(/▲ +tool_use +Bash echo beta +\[toolu_01BBB\] +tool-result-missing/);
    expect(f).toContain(
      'WARNING tool-result-missing (line 22, turn 2): tool_use toolu_01BBB (Bash) has no tool_result in the next message (Claude Code 2.1.80–2.1.268 drops',
    );
    expect(f).toContain('API would answer: messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01BBB.');
    expect(f).toContain('fix (f): insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB');
    expect(status(await ui.press('n'))).toBe('problem 2/4: uuid-duplicate · f: remove the duplicated line');
    expect(status(await ui.press('N'))).toBe('problem 1/4: tool-result-missing · f: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB');
  });

  test('f fixes the problem in focus; u undoes; U and Ctrl+R redo', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    await ui.press('n');
    let f = await ui.press('f');
    expect(counts(f)).toBe('1 error · 2 warnings');
    expect(status(f)).toBe('fixed tool-result-missing: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB · u undoes');
    expect(f).toContain('[modified]');
    f = await ui.press('u');
    expect(counts(f)).toBe('1 error · 3 warnings');
    expect(status(f)).toBe('undid: fixed tool-result-missing: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB');
    expect(f).not.toContain('[modified]');
    f = await ui.press('U');
    expect(counts(f)).toBe('1 error · 2 warnings');
    expect(status(f)).toBe('redid: fixed tool-result-missing: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB');
    await ui.press('u');
    expect(counts(await ui.press(KEY.ctrlR))).toBe('1 error · 2 warnings');
    expect(status(await ui.press('U'))).toBe('nothing to redo');
  });

  test('F fixes everything fixable, in one undoable step', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    let f = await ui.press('F');
    expect(counts(f)).toBe('0 errors · 0 warnings');
    expect(status(f)).toBe('applied 3 fixes; 0 errors and 0 warnings left · u undoes');
    f = await ui.press('u');
    expect(counts(f)).toBe('1 error · 3 warnings');
  });

  test('d deletes the selected block (the duplicated result); d on a turn deletes the turn', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    await ui.press('n', 'n', 'n'); // problem 3: the second result for toolu_01AAA
    expect(status(ui.frame())).toBe('problem 3/4: tool-result-duplicate · f: keep the first result, remove this one');
    let f = await ui.press('d');
    expect(status(f)).toBe('deleted tool_result block · u undoes');
    expect(counts(f)).toBe('0 errors · 2 warnings');
    await ui.press('u', 'g');
    f = await ui.press('d'); // the cursor is on turn #1 (the user prompt and its attachments)
    expect(status(f)).toBe('deleted turn #1 · u undoes');
    expect(f).toContain('▾ #1 assistant');
  });

  test('r rewinds after the selected turn once confirmed; n cancels', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    await ui.press('n'); // on turn 2's tool_use
    let f = await ui.press('r');
    expect(status(f)).toBe('Rewind: drop everything after turn #2 on the active branch? (y/n)');
    f = await ui.press('n');
    expect(status(f)).toBe('cancelled');
    await ui.press('r');
    f = await ui.press('y');
    expect(status(f)).toBe('rewound: dropped everything after turn #2 · u undoes');
    expect(f).toContain('2 turns');
    expect(counts(f)).toBe('0 errors · 2 warnings'); // neither tool_use has a result now (Claude Code drops both); the torn line (no uuid) stays
  });

  test('s shows what will change, y saves with a backup and the bytes are exactly the fixed document', async () => {
    const file = tempCopy(DEMO);
    const original = readFileSync(file);
    const doc = await load(file);
    const expected = serializeToBuffer(fixAll(doc, { warnings: true }).doc);
    const ui = await editor(doc);
    expect(status(await ui.press('s'))).toBe('no changes to save');
    await ui.press('F');
    let f = await ui.press('s');
    expect(f).toContain('2 removed · 0 changed · 1 added');
    // In file order, each with its role and text.
    const listed = f
      .split('\n')
      .filter((l) => /^│ [-+~] /.test(l))
      .map((l) => l.slice(2).trimEnd().replace(/ *│$/, ''));
    expect(listed).toEqual([
      '+ new line 23 (after line 22): user: result error [toolu_01BBB] [tool result lost]',
      '- line 26 removed: user: result ok [toolu_01AAA] alpha',
      '- line 27 removed: unreadable line (not valid JSON (Unterminated string in JSON at position 180))',
    ]);
    await ui.press('y');
    f = await ui.until((fr) => status(fr).startsWith('saved'), 'the save');
    const backups = readdirSync(dirname(file)).filter((n) => n.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(status(f)).toBe(`saved; backup ${backups[0]} · resume: cd /home/demo/acme-shop && claude --resume a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1`);
    expect(readFileSync(file).equals(expected)).toBe(true);
    expect(readFileSync(join(dirname(file), backups[0]!)).equals(original)).toBe(true);
    expect(counts(f)).toBe('0 errors · 0 warnings');
    expect(f).not.toContain('[modified]');
  });

  test('e exports the hand-off; with no clipboard it writes a file and shows its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccmend-sum-'));
    const ui = await editor(await load(tempCopy(DEMO)), fileEditorDeps({ clipboard: noClipboard, summaryDir: dir }));
    await ui.press('e');
    const f = await ui.until((fr) => status(fr).startsWith('no clipboard'), 'the export');
    const path = join(dir, 'ccmend-summary-session.md');
    expect(status(f)).toBe(`no clipboard here: wrote the hand-off to ${path}`);
    const md = readFileSync(path, 'utf8');
    expect(md).toContain('## Original goal\n\n> run two commands');
    expect(md).toContain('- Project directory: `/home/demo/acme-shop`');
  });

  test('e copies to the clipboard when there is one', async () => {
    const copied: string[] = [];
    const ui = await editor(await load(tempCopy(DEMO)), fileEditorDeps({ clipboard: async (t) => void copied.push(t) }));
    await ui.press('e');
    const f = await ui.until((fr) => status(fr) === 'hand-off summary copied to the clipboard', 'the copy');
    expect(f).toBeTruthy();
    expect(copied).toHaveLength(1);
    expect(copied[0]).toContain('# Hand-off from a previous Claude Code session');
  });

  test('? shows the key table; Esc closes it', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    let f = await ui.press('?');
    expect(f).toMatch(/│ N +previous problem +f +fix the problem in focus/);
    expect(f).toContain('save (shows the changes)');
    f = await ui.press(KEY.escape);
    expect(f).not.toContain('previous problem');
    expect(f).toContain('#1 user');
  });

  test('a toggles the raw file view with every line and why it is not sent', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    const f = await ui.press('a');
    expect(f).toContain('raw file view: every line');
    expect(f).toMatch(/L1 +queue-operation +\(metadata\)/);
    expect(f).toMatch(/L3 +user +#1 +run two commands/);
    expect(status(await ui.press('a'))).toBe('conversation view');
  });

  test('/ searches row text', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    await ui.press('/', 'b', 'e', 't', 'a');
    expect(status(ui.frame())).toBe('/beta█  (Enter finds, Esc cancels)');
    const f = await ui.press(KEY.enter);
    expect(status(f)).toBe('found "beta" (/ Enter finds the next)');
    expect(f).toMatch(/│ Bash toolu_01BBB +│/);
  });

  test('q with unsaved changes asks first', async () => {
    const ui = await editor(await load(tempCopy(DEMO)));
    await ui.press('F');
    expect(status(await ui.press('q'))).toBe('Quit without saving your changes? (y/n)');
    expect(status(await ui.press('n'))).toBe('cancelled');
  });
});

describe('moving and merging on real 2.1.330 lines', () => {
  test('K moves a block above the thinking (now rejected); J moves it back', async () => {
    const ui = await editor(await load(tempCopy(realPath('parallel'))));
    await ui.press('/', 'L', 'e', 't', ' ', 'm', 'e', KEY.enter, KEY.down, KEY.down); // turn #2, its thinking, its text
    let f = ui.frame();
    expect(f).toContain('Let me look around.');
    f = await ui.press('K');
    // A response split over lines: the text's line goes before the thinking's, and the status says so.
    expect(status(f)).toBe('moved block up: its line 20 now comes before line 19 · u undoes');
    expect(counts(f)).toBe('1 error · 0 warnings');
    expect(f).toMatch(/✖ ▾ #2 assistant +4 blocks +lines 19–22 +Let me look around\. +thinking-order/);
    f = await ui.press('J');
    expect(counts(f)).toBe('0 errors · 0 warnings');
  });

  test('m merges a text block with the next text block; refuses other blocks', async () => {
    const ui = await editor(await load(tempCopy(realPath('parallel'))));
    await ui.press(KEY.down); // text "run two commands"
    let f = await ui.press('m');
    expect(status(f)).toBe('merged two text blocks · u undoes');
    expect(f).toMatch(/▾ #1 user +8 blocks/);
    expect(f).toMatch(/text +run two commands <system-reminder> # Environment/);
    await ui.press('/', 'L', 'e', 't', ' ', 'm', 'e', KEY.enter, KEY.down, KEY.down);
    f = await ui.press('m');
    expect(status(f)).toBe('merge needs a text block followed by another text block');
  });

  test('m merges two consecutive assistant turns into one', async () => {
    // A second response written after the last one (as when a turn is retried): two assistant turns in a row.
    const lines = realLines('parallel');
    const last = lines.findLast((l) => l.type === 'assistant')!;
    const again = structuredClone(last);
    Object.assign(again, { parentUuid: last.uuid, uuid: 'b0f3e9a2-5d1c-4c44-9a57-0c6f2d1e8a11' });
    (again.message as { id: string }).id = 'msg_second_response';
    const file = tempCopy(realPath('parallel'));
    // Claude Code names the turn it will resume from after each response.
    const named = { type: 'last-prompt', lastPrompt: 'run two commands', leafUuid: again.uuid, sessionId: again.sessionId };
    const ui = await editor(docOf([...lines, again, named], file));
    expect(counts(ui.frame())).toBe('0 errors · 1 warning');
    await ui.press('/', '#', '4', ' ', 'a', 's', KEY.enter);
    const f = await ui.press('m');
    expect(status(f)).toBe('merged turn #5 into #4 · u undoes');
    expect(counts(f)).toBe('0 errors · 0 warnings');
  });
});
