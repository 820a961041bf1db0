import { afterEach, expect, test, vi } from 'vitest';
import { loadFile } from '../../src/transcript/load.js';
import { Editor, type EditorDeps, PREPARE_AFTER_MS } from '../../src/ui/Editor.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import * as state from '../../src/ui/state.js';
import { DEMO, counts, mount, status, tempCopy } from './harness.js';

/* The editor works out the fix of the problem the user pauses on, so that f only redraws. */

/** The document each preparation ended with, by the state it was made for (one cancelled half done has none). */
const preparedFor = vi.hoisted(() => new Map<object, object | undefined>());
vi.mock('../../src/ui/state.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/ui/state.js')>();
  return {
    ...actual,
    prepareEdit: vi.fn(function* (s: Parameters<typeof actual.prepareEdit>[0]) {
      const doc = yield* actual.prepareEdit(s);
      preparedFor.set(s, doc);
      return doc;
    }),
  };
});
const prepareEdit = vi.mocked(state.prepareEdit);
afterEach(() => {
  prepareEdit.mockClear();
  preparedFor.clear();
});

test('a pause on a problem prepares its fix; f then shows the fixed document', async () => {
  const doc = await loadFile(tempCopy(DEMO));
  try {
    const ui = await mount(<Editor doc={doc} provider="anthropic" deps={fileEditorDeps()} size={{ columns: 160, rows: 40 }} />);
    await ui.press('n');
    await new Promise((r) => setTimeout(r, PREPARE_AFTER_MS * 3));
    const last = prepareEdit.mock.calls.at(-1)![0];
    expect(last.problem?.rule).toBe('tool-result-missing');
    const prepared = preparedFor.get(last);
    expect(prepared).toBeDefined();
    const f = await ui.press('f');
    expect(counts(f)).toBe('1 error · 2 warnings');
    expect(status(f)).toBe('fixed tool-result-missing: insert a tool_result "[tool result lost]" (is_error) for toolu_01BBB · u undoes');
    // What f made is what was prepared: the next preparation starts from it.
    await new Promise((r) => setTimeout(r, PREPARE_AFTER_MS * 3));
    expect(prepareEdit.mock.calls.at(-1)![0].history.present).toBe(prepared);
    ui.app.unmount();
  } finally {
    doc.source.close();
  }
});

test('nothing is prepared while a save runs (it closes the file the document reads from)', async () => {
  const doc = await loadFile(tempCopy(DEMO));
  const real = fileEditorDeps();
  const slowSave: EditorDeps = {
    ...real,
    save: async (d) => {
      await new Promise((r) => setTimeout(r, PREPARE_AFTER_MS * 4));
      return real.save(d);
    },
  };
  try {
    const ui = await mount(<Editor doc={doc} provider="anthropic" deps={slowSave} size={{ columns: 160, rows: 40 }} />);
    await ui.press('n', 'f', 'n');
    prepareEdit.mockClear();
    await ui.press('s', 'y');
    await ui.until((f) => status(f).startsWith('saved; backup'), 'the save');
    // Asked while the save ran, it prepared nothing.
    const during = prepareEdit.mock.calls.flatMap(([s]) => (s.effect !== undefined ? [preparedFor.has(s) ? preparedFor.get(s) : 'unfinished'] : []));
    expect(during.length).toBeGreaterThan(0);
    expect(during).toEqual(during.map(() => undefined));
    ui.app.unmount();
  } finally {
    doc.source.close();
  }
});

test('the rewind question open while an edit revalidates: the rewind is prepared first, and y takes it', async () => {
  const doc = await loadFile(tempCopy(DEMO));
  try {
    // Every edit revalidates between keys, as on a long session.
    const ui = await mount(<Editor doc={doc} provider="anthropic" deps={fileEditorDeps()} size={{ columns: 160, rows: 40 }} deferLines={0} />);
    await ui.press('j');
    // One read: the question opens before the deletion's revalidation has had a step.
    ui.app.stdin.write('dr');
    await ui.until((f) => f.includes('Rewind: drop everything after'), 'the rewind question');
    await new Promise((r) => setTimeout(r, PREPARE_AFTER_MS * 3));
    const asked = prepareEdit.mock.calls.findIndex(([s]) => s.revalidating && s.overlay.kind === 'rewind');
    expect(asked).toBeGreaterThanOrEqual(0);
    const prepared = preparedFor.get(prepareEdit.mock.calls[asked]![0]);
    expect(prepared).toBeDefined();
    const y = await ui.press('y');
    expect(status(y)).toMatch(/^rewound: dropped everything after turn #\d+ · u undoes$/);
    await new Promise((r) => setTimeout(r, PREPARE_AFTER_MS * 3));
    expect(prepareEdit.mock.calls.at(-1)![0].history.present).toBe(prepared);
    ui.app.unmount();
  } finally {
    doc.source.close();
  }
});
