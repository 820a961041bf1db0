import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import type { Edit } from '../../src/edit/types.js';
import type { Analysis } from '../../src/rules/analyze.js';
import type { Diagnostic } from '../../src/rules/types.js';
import { type Doc, lineBytes } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { Editor, type EditorDeps } from '../../src/ui/Editor.js';
import type { Command } from '../../src/ui/keyTable.js';
import { EditorMemo, checksFor } from '../../src/ui/memo.js';
import { type EditorState, initialState, reduce } from '../../src/ui/state.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import { realPath } from '../helpers/fixtures.js';
import { KEY, closeAll, counts, keepOpen, loadDoc, mount, tempCopy } from './harness.js';

/*
 * After a save in place the editor goes on with the document it had, pointed at the file it
 * wrote (a 2 GB file is not read and parsed again beside it): that document is, line for line,
 * what loading the saved file gives, and so is its analysis once done; the next edit and save
 * write exact bytes; and a file changed on disk after the save is caught by the next save, as one
 * changed after loading is. On the real 1512-line session, analysed before each frame and (deferLines 0)
 * between keys.
 */

afterEach(closeAll);
const load = loadDoc;

/** The file deps, with every document a save handed over (to compare and close). */
function recordingDeps() {
  const deps = fileEditorDeps();
  const saved: { doc: Doc; continues?: boolean }[] = [];
  const recording: EditorDeps = {
    ...deps,
    async save(doc) {
      const r = await deps.save(doc);
      keepOpen(r.doc);
      saved.push(r);
      return r;
    },
  };
  return { deps: recording, saved };
}

/** The same lines as a load of the file gives: bytes, place in the file, end of line and summary; and the same stamp. */
function expectSameAsLoaded(kept: Doc, fresh: Doc) {
  expect(kept.lines).toHaveLength(fresh.lines.length);
  kept.lines.forEach((l, i) => {
    const f = fresh.lines[i]!;
    expect(lineBytes(kept, l).equals(lineBytes(fresh, f))).toBe(true);
    expect([l.span, l.eol, l.text, l.bytes]).toStrictEqual([f.span, f.eol, undefined, undefined]);
    expect(l.info).toStrictEqual(f.info);
  });
  expect(kept.stamp).toStrictEqual(fresh.stamp);
  expect(kept.path).toBe(fresh.path);
}

/** A document's keys as positions: the kept document keeps the keys it had, a load numbers lines afresh. */
function byPosition(doc: Doc, diagnostics: readonly Diagnostic[]): unknown {
  const posOf = new Map(doc.lines.map((l, i) => [l.key, i]));
  const pos = (k: number) => posOf.get(k) ?? `new ${k}`;
  const edit = (e: Edit): unknown => {
    switch (e.op) {
      case 'insert-line':
        return { ...e, afterKey: e.afterKey === null ? null : pos(e.afterKey), adopt: e.adopt?.map(pos) };
      case 'rewind':
        return { ...e, keys: e.keys.map(pos) };
      case 'move-block':
        return { ...e, key: pos(e.key), toKey: pos(e.toKey) };
      case 'swap-lines':
        return { ...e, key: pos(e.key), withKey: pos(e.withKey) };
      case 'merge-lines':
        return { ...e, key: pos(e.key), intoKey: pos(e.intoKey) };
      default:
        return { ...e, key: pos(e.key) };
    }
  };
  return diagnostics.map((d) => ({ ...d, key: pos(d.key), fixes: d.fixes.map((f) => ({ ...f, edits: f.edits.map(edit) })) }));
}

function expectSameAnalysis(kept: Analysis, fresh: Analysis) {
  expect(byPosition(kept.doc, kept.diagnostics)).toStrictEqual(byPosition(fresh.doc, fresh.diagnostics));
  expect([kept.counts, kept.elsewhere]).toStrictEqual([fresh.counts, fresh.elsewhere]);
  expect(kept.view.messages.map((m) => [m.role, m.lines, m.blocks.map((b) => [b.pos, b.index])])).toStrictEqual(
    fresh.view.messages.map((m) => [m.role, m.lines, m.blocks.map((b) => [b.pos, b.index])]),
  );
}

const run = (s: EditorState, ...commands: Command[]) => commands.reduce((st, command) => reduce(st, { type: 'command', command }), s);

/** What the editor's background work does: steps until the analysis of the present document is done, then hands it over. */
function revalidate(s: EditorState): EditorState {
  while (s.revalidating) {
    const analysis = s.memo.advance(s.history.present, s.checks);
    if (analysis) s = reduce(s, { type: 'revalidated', analysis, checks: s.checks });
  }
  return s;
}

describe.each([
  ['analysed before each frame', undefined],
  ['revalidated between keys', 0],
])('the state after a save (%s)', (_, deferLines) => {
  test('the document goes on, pointed at the file written; once analysed it is what a load of that file shows', async () => {
    const file = tempCopy(realPath('long'));
    const doc = await load(file);
    let s = initialState(doc, checksFor(doc, 'anthropic'), 20, '', [], new EditorMemo(deferLines));
    s = revalidate(run(s, 'nextProblem', 'delete', 'down', 'delete'));
    const before = s.analysis;
    const r = await fileEditorDeps().save(s.history.present);
    keepOpen(r.doc);
    expect(r.continues).toBe(true);
    s = reduce(s, { type: 'saved', doc: r.doc, status: r.status, continues: r.continues });
    expect(s.revalidating).toBe(deferLines === 0);
    // Until its analysis is done, the problems shown are the ones it had before the save.
    expect(byPosition(s.analysis.doc, s.analysis.diagnostics)).toStrictEqual(byPosition(before.doc, before.diagnostics));
    s = revalidate(s);
    expect(s.history.present).toBe(r.doc);
    expect(s.analysis.doc).toBe(r.doc);
    const fresh = await load(file);
    expectSameAsLoaded(r.doc, fresh);
    const loaded = initialState(fresh, checksFor(fresh, 'anthropic'), 20);
    expectSameAnalysis(s.analysis, loaded.analysis);
  });
});

describe.each([
  ['analysed before each frame', undefined],
  ['revalidated between keys', 0],
])('in the editor (%s)', (_, deferLines) => {
  const settled = (f: string) => !f.includes('revalidating…');

  async function editor(file: string) {
    const doc = await load(file);
    const { deps, saved } = recordingDeps();
    const ui = await mount(<Editor doc={doc} provider="anthropic" deps={deps} size={{ columns: 160, rows: 40 }} deferLines={deferLines} />, 160);
    return { ui, saved, original: readFileSync(file) };
  }

  /** s, y and the frame that says it saved (or the one that says why not). */
  async function save(ui: Awaited<ReturnType<typeof editor>>['ui'], shown: (f: string) => boolean = (f) => f.includes('saved; backup')) {
    await ui.press('s', 'y');
    return ui.until(shown, 'the save');
  }

  test('after a save the frame is the one of an editor opened on the saved file; a second edit and save write exact bytes', async () => {
    const file = tempCopy(realPath('long'));
    const { ui, saved, original } = await editor(file);
    await ui.press('n', 'd');
    await save(ui);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.continues).toBe(true);
    const fresh = await load(file);
    expectSameAsLoaded(saved[0]!.doc, fresh);
    // The same tree, problems and detail as the saved file opened afresh, once its analysis is done.
    const other = await mount(<Editor doc={fresh} provider="anthropic" deps={fileEditorDeps()} size={{ columns: 160, rows: 40 }} />, 160);
    const body = (f: string) => f.trimEnd().split('\n').slice(0, -1).join('\n');
    // 'a' twice: the conversation view again, with the same status line (a save's takes two).
    const expected = body(await other.press('g', 'a', 'a'));
    await ui.press('g', 'a', 'a');
    await ui.until((f) => settled(f) && body(f) === expected, 'the frame of the saved file opened afresh');
    expect(counts(ui.frame())).toBe(counts(other.frame()));

    // The same keys on the loaded bytes, never saved: the document the second save must write.
    const memory = docFromBuffer(original, file);
    const keys = (s: EditorState, ...names: string[]) => names.reduce((st, name) => reduce(st, { type: 'key', press: { name } }), s);
    const unsaved = revalidate(keys(initialState(memory, checksFor(memory, 'anthropic'), 20), 'n', 'd', 'g', 'j', 'j', 'd'));
    await ui.press('j', 'j', 'd');
    await save(ui);
    expect(saved).toHaveLength(2);
    expect(readFileSync(file).equals(serializeToBuffer(unsaved.history.present))).toBe(true);
    expectSameAsLoaded(saved[1]!.doc, await load(file));
  });

  test('a file changed on disk after the save is not overwritten by the next save; one appended to keeps the lines appended', async () => {
    const file = tempCopy(realPath('long'));
    const { ui, saved } = await editor(file);
    await ui.press('n', 'd');
    await save(ui);
    const afterSave = readFileSync(file);

    // Another writer appends a line: kept after the document's, and the editor goes on with them all.
    const line = afterSave.subarray(0, afterSave.indexOf(0x0a) + 1);
    appendFileSync(file, line);
    await ui.press('j', 'd');
    const kept = await save(ui);
    expect(kept).toContain('kept 1 line(s) Claude Code appended meanwhile');
    const withAppend = readFileSync(file);
    expect(withAppend.subarray(withAppend.length - line.length).equals(line)).toBe(true);
    expectSameAsLoaded(saved[1]!.doc, await load(file));

    // Rewritten in place (not an append): refused, the file left as the other writer made it.
    const rewritten = Buffer.from(withAppend);
    rewritten[10] = rewritten[10] === 0x41 ? 0x42 : 0x41;
    writeFileSync(file, rewritten);
    await ui.press('j', 'd');
    let f = await save(ui, (fr) => fr.includes('not just appended to'));
    expect(f).toContain(`${file} changed on disk since it was opened (not just appended to); not saved`);
    expect(readFileSync(file).equals(rewritten)).toBe(true);
    expect(saved).toHaveLength(2);

    // Replaced by another file: refused too.
    await ui.press(KEY.escape);
    const other = `${file}.other`;
    writeFileSync(other, withAppend);
    renameSync(other, file);
    f = await save(ui, (fr) => fr.includes('was replaced by another program'));
    expect(f).toContain(`${file} was replaced by another program since it was opened; not saved`);
    expect(readFileSync(file).equals(withAppend)).toBe(true);
  });
});
