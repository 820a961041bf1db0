import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { FIXED_FROM, FIXED_WITH_WARNINGS_FROM, fixedCaseName } from '../../scripts/record/cases.mjs';
import { targetOption } from '../../src/report/target.js';
import type { Doc } from '../../src/transcript/document.js';
import { loadFile } from '../../src/transcript/load.js';
import { Editor } from '../../src/ui/Editor.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import { readFixtureSettings } from '../budget/cases.js';
import { caseSession, recordedCaseText } from '../helpers/recordings.js';
import { mount, status, unmountAll } from './harness.js';

/*
 * The editor's F (fix everything) then s (save), for every Claude Code client, on the broken cases of the
 * recordings: F fixes warnings too, so the saved file is, byte for byte, what
 * `ccmend fix --client all --warnings --out` writes from the same case, which is what fix writes without
 * --warnings but for the cases of FIXED_WITH_WARNINGS_FROM. Both are written cases
 * (fixed-<case>, fixed-warnings-<case>) that test/recordings/fixed.test.ts checks against fix and that real
 * clients were recorded resuming.
 */

/** The broken cases F changes, and the written case holding what s saves. */
const SAVED = [...new Set([...FIXED_FROM, ...FIXED_WITH_WARNINGS_FROM])].map((name) => ({
  name,
  saved: fixedCaseName(name, { warnings: FIXED_WITH_WARNINGS_FROM.includes(name) }),
}));

readFixtureSettings();

const open: Doc[] = [];
afterEach(() => {
  unmountAll();
  for (const d of open.splice(0)) d.source.close();
});

describe('F then s in the editor, with every client as the target', () => {
  test.each(SAVED)('$name: saves $saved', async ({ name, saved }) => {
    const file = caseSession(name);
    const doc = await loadFile(file);
    open.push(doc);
    const ui = await mount(<Editor doc={doc} provider="anthropic" target={targetOption('all')} deps={fileEditorDeps()} size={{ columns: 160, rows: 40 }} />);
    const fixed = await ui.press('F');
    expect(status(fixed)).toMatch(/^applied \d+ fix(es)?; 0 errors and \d+ warnings? left/);
    await ui.press('s', 'y');
    await ui.until((f) => f.includes('saved; backup'), 'the save');
    expect(readFileSync(file, 'utf8')).toBe(recordedCaseText(saved));
  });
});
