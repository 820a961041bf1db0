import { afterEach, expect, test } from 'vitest';
import type { Doc } from '../../src/transcript/document.js';
import { loadFile } from '../../src/transcript/load.js';
import { Editor } from '../../src/ui/Editor.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import { realPath } from '../helpers/fixtures.js';
import { counts, mount, status, tempCopy, unmountAll } from './harness.js';

/*
 * The editor on a document it revalidates between keys (deferLines 0 makes the
 * real 1512-line session one): each edit's frame comes first, marked as
 * revalidating, and the frame it settles on is the one an editor that analyses
 * every edit before drawing it shows.
 */

const open: Doc[] = [];
afterEach(() => {
  unmountAll();
  for (const d of open.splice(0)) d.source.close();
});

async function editor(deferLines?: number) {
  const doc = await loadFile(tempCopy(realPath('long')));
  open.push(doc);
  return mount(<Editor doc={doc} provider="anthropic" deps={fileEditorDeps()} size={{ columns: 160, rows: 40 }} deferLines={deferLines} />, 160);
}

const settled = (f: string) => !f.includes('revalidating…');

test('an edit shows at once, marked as revalidating; the frame it settles on is the one of an editor that analyses first', async () => {
  const eager = await editor();
  const expected = await eager.press('n', 'd', 'j', 'd', 'n');
  expect(status(expected)).toMatch(/^problem \d+\/\d+: /);

  const ui = await editor(0);
  await ui.press('n');
  const before = counts(ui.frame());
  ui.app.stdin.write('d');
  const shown = await ui.untilShown((f) => f.includes('revalidating…'), 'the frame of the edit');
  expect(status(shown)).toBe('deleted text block · u undoes');
  expect(counts(shown)).not.toBe(before); // the deleted block's problem is gone from the count at once
  // More keys, whether or not the revalidation is still under way: they act on the latest document.
  ui.app.stdin.write('j');
  ui.app.stdin.write('d');
  await ui.until((f) => settled(f) && status(f).endsWith('· u undoes'), 'the second edit, revalidated');
  const last = await ui.press('n');
  expect(settled(last)).toBe(true);
  expect(last).toBe(expected);
});

test('c (the next client) shows at once too, and settles on that client’s analysis', async () => {
  const eager = await editor();
  const expected = await eager.press('c');
  const ui = await editor(0);
  ui.app.stdin.write('c');
  const shown = await ui.untilShown((f) => f.includes('revalidating…'), 'the frame of the switch');
  expect(status(shown)).toMatch(/^checking for every Claude Code ccmend models \(1\.0\.0 to [\d.]+\+\)$/);
  await ui.until(settled, 'the revalidation');
  expect(ui.frame().split('\n').slice(0, -1)).toEqual(expected.split('\n').slice(0, -1));
});

test('f pressed while an edit revalidates says so at once, then fixes what the full analysis found; keys typed meanwhile follow', async () => {
  const eager = await editor();
  const expected = await eager.press('n', 'd', 'n', 'f', 'j');
  expect(status(expected)).toMatch(/^fixed /);

  const ui = await editor(0);
  await ui.press('n');
  // One read: the deletion's revalidation has had no step when f and j come.
  ui.app.stdin.write('dnfj');
  const waiting = await ui.untilShown((f) => status(f) === 'checking the last edit first: f follows', 'the frame of f');
  expect(waiting).toContain('revalidating…');
  await ui.until((f) => settled(f) && status(f).startsWith('fixed '), 'the fix, once the deletion is checked');
  await ui.until(settled, 'the fix revalidated');
  expect(ui.frame()).toBe(expected);
});
