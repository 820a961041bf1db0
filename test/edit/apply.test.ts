import { describe, expect, test } from 'vitest';
import { EditError, applyEdits, editSteps } from '../../src/edit/apply.js';
import type { Edit } from '../../src/edit/types.js';
import { columnsOf } from '../../src/transcript/columns.js';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { type RealName, docOf, realBytes, realDoc } from '../helpers/fixtures.js';
import { type Entry, blocksOf, entries, entry, entryAt, lineChanges, textAt } from '../rules/helpers.js';

/** The original text of each line of a real fixture. */
const rawLines = (name: RealName) => realBytes(name).toString('utf8').split('\n').slice(0, -1);
/** A line of a real fixture with its parentUuid replaced, and every other byte as it was. */
const relinkedText = (raw: string, parent: string | null) => raw.replace(/"parentUuid":(null|"[^"]*")/, `"parentUuid":${JSON.stringify(parent)}`);
const keyOf = (doc: Doc, n: number) => doc.lines[n - 1]!.key;
const apply = (doc: Doc, ...edits: Edit[]) => applyEdits(doc, edits);

describe('delete-line', () => {
  test("relinks the deleted line's children to its parent, patching only their parentUuid", () => {
    const doc = realDoc('lean');
    const raw = rawLines('lean');
    const after = apply(doc, { op: 'delete-line', key: keyOf(doc, 9) });
    expect(lineChanges(doc, after)).toEqual({ changed: [10], removed: [9], added: 0 });
    expect(textAt(after, 8)).toBe(relinkedText(raw[9]!, entry(entries('lean'), 'c8cd14ac').uuid));
  });

  test('a relinked line keeps its own spacing, escapes, end of line and even invalid UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"type":"user","uuid":"p","parentUuid":null,"message":{"role":"user","content":"hi"}}\r\n'),
      Buffer.from('{"type":"assistant","uuid":"a","parentUuid":"p","message":{"role":"assistant","content":[{"type":"text","text":"ok"}]}}\r\n'),
      Buffer.from('{"type": "user", "parentUuid" : "a", "uuid": "c", "message": {"role": "user", "content": "caf\\u00e9 '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}\r\n'),
    ]);
    const doc = docFromBuffer(bytes);
    const after = apply(doc, { op: 'delete-line', key: 1 });
    const expected = Buffer.concat([
      bytes.subarray(0, bytes.indexOf('\r\n') + 2),
      Buffer.from('{"type": "user", "parentUuid":"p", "uuid": "c", "message": {"role": "user", "content": "caf\\u00e9 '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}\r\n'),
    ]);
    expect(serializeToBuffer(after).equals(expected)).toBe(true);
    expect(after.lines[1]!.info.parentUuid).toBe('p');
  });

  test('the input document is not changed', () => {
    const doc = realDoc('lean');
    const before = serializeToBuffer(doc);
    apply(doc, { op: 'delete-line', key: keyOf(doc, 9) });
    expect(serializeToBuffer(doc).equals(before)).toBe(true);
  });

  test('a line that no longer exists is an EditError', () => {
    const doc = realDoc('lean');
    expect(() => apply(doc, { op: 'delete-line', key: 4 }, { op: 'delete-line', key: 4 })).toThrow(EditError);
    expect(() => apply(doc, { op: 'delete-line', key: 4 }, { op: 'delete-line', key: 4 })).toThrow('line 5 no longer exists');
  });
});

describe('insert-line', () => {
  const value = { parentUuid: null, type: 'user', message: { role: 'user', content: 'inserted' }, uuid: 'ffffffff-0000-4000-8000-000000000001' };

  test('inserts after a line; adopted lines take the new line as parent', () => {
    const doc = realDoc('lean');
    const after = apply(doc, { op: 'insert-line', afterKey: keyOf(doc, 1), value, adopt: [keyOf(doc, 2)] });
    expect(lineChanges(doc, after)).toEqual({ changed: [2], removed: [], added: 1 });
    expect(textAt(after, 1)).toBe(JSON.stringify(value));
    expect(after.lines[1]!.key).toBe(doc.nextKey);
    expect(after.nextKey).toBe(doc.nextKey + 1);
    expect(textAt(after, 2)).toBe(relinkedText(rawLines('lean')[1]!, value.uuid));
  });

  test('afterKey null inserts before the first line, with the file’s own end of line', () => {
    const crlf = Buffer.from(realBytes('oldLinear').toString('utf8').replaceAll('\n', '\r\n'));
    const doc = docFromBuffer(crlf);
    const after = apply(doc, { op: 'insert-line', afterKey: null, value });
    expect(after.lines[0]!.eol).toBe('\r\n');
    expect(serializeToBuffer(after).equals(Buffer.concat([Buffer.from(`${JSON.stringify(value)}\r\n`), crlf]))).toBe(true);
  });
});

describe('set', () => {
  test('sets a value inside a line, rewriting only that line', () => {
    const doc = realDoc('lean');
    const after = apply(doc, { op: 'set', key: keyOf(doc, 14), path: ['message', 'content', 0, 'text'], value: 'Done.' });
    const expected = entries('lean')[13]!;
    expected.message.content[0].text = 'Done.';
    expect(lineChanges(doc, after)).toEqual({ changed: [14], removed: [], added: 0 });
    expect(textAt(after, 13)).toBe(JSON.stringify(expected));
  });

  test('value undefined deletes the field', () => {
    const doc = realDoc('lean');
    const after = apply(doc, { op: 'set', key: keyOf(doc, 14), path: ['slug'], value: undefined });
    expect('slug' in entryAt(after, 13)).toBe(false);
  });

  test('setting only parentUuid patches the line in place', () => {
    const doc = realDoc('lean');
    const after = apply(doc, { op: 'set', key: keyOf(doc, 2), path: ['parentUuid'], value: 'ffffffff-0000-4000-8000-000000000002' });
    expect(textAt(after, 1)).toBe(relinkedText(rawLines('lean')[1]!, 'ffffffff-0000-4000-8000-000000000002'));
  });

  test('a path that does not exist is an EditError', () => {
    const doc = realDoc('lean');
    expect(() => apply(doc, { op: 'set', key: keyOf(doc, 2), path: ['nope', 'deeper'], value: 1 })).toThrow('line 2 has no nope.deeper');
  });
});

describe('remove-block', () => {
  test('removing the only block of a line removes the line and relinks its child', () => {
    const doc = realDoc('parallel');
    const after = apply(doc, { op: 'remove-block', key: keyOf(doc, 26), path: ['message', 'content', 0] });
    expect(lineChanges(doc, after)).toEqual({ changed: [27], removed: [26], added: 0 });
    expect(entryAt(after, 25).parentUuid).toBe(entry(entries('parallel'), '76c0eca2').uuid);
  });

  test('a line with blocks left keeps them', () => {
    const lines = entries('parallel');
    blocksOf(entry(lines, 'e8486ca7')).push(blocksOf(entry(lines, 'e132e620'))[0]!);
    const doc = docOf(lines);
    const after = apply(doc, { op: 'remove-block', key: keyOf(doc, 25), path: ['message', 'content', 0] });
    expect(lineChanges(doc, after)).toEqual({ changed: [25], removed: [], added: 0 });
    expect(blocksOf(entryAt(after, 24)).map((b) => b.tool_use_id)).toEqual(['toolu_01BBB']);
  });

  test('string content is one block: removing it removes the line', () => {
    const doc = realDoc('parallel');
    const after = apply(doc, { op: 'remove-block', key: keyOf(doc, 3), path: ['message', 'content'] });
    expect(lineChanges(doc, after)).toEqual({ changed: [4], removed: [3], added: 0 });
  });

  test("an attachment's rendered part goes with its list entry; the last one takes the line", () => {
    const doc = realDoc('parallel');
    const after = apply(doc, { op: 'remove-block', key: keyOf(doc, 28), path: ['rendered', 0, 'content'] });
    expect(lineChanges(doc, after)).toEqual({ changed: [31], removed: [28], added: 0 });
  });
});

describe('move-block', () => {
  test('across lines: the thinking joins the text line, its emptied line is removed', () => {
    const doc = realDoc('parallel');
    const after = apply(doc, {
      op: 'move-block',
      key: keyOf(doc, 19),
      path: ['message', 'content', 0],
      toKey: keyOf(doc, 20),
      toPath: ['message', 'content', 0],
    });
    const lines = entries('parallel');
    const expected = entry(lines, '4b7eae47');
    expected.parentUuid = entry(lines, '9f86cf6b').parentUuid;
    expected.message.content.unshift(blocksOf(entry(lines, '9f86cf6b'))[0]);
    expect(lineChanges(doc, after)).toEqual({ changed: [20], removed: [19], added: 0 });
    expect(textAt(after, 18)).toBe(JSON.stringify(expected));
  });

  test('into string content, which becomes a text block after the moved one', () => {
    const doc = realDoc('parallel');
    const after = apply(doc, {
      op: 'move-block',
      key: keyOf(doc, 25),
      path: ['message', 'content', 0],
      toKey: keyOf(doc, 3),
      toPath: ['message', 'content', 0],
    });
    expect(lineChanges(doc, after)).toEqual({ changed: [3], removed: [25], added: 0 });
    expect(entryAt(after, 2).message.content).toEqual([blocksOf(entry(entries('parallel'), 'e8486ca7'))[0], { type: 'text', text: 'run two commands' }]);
  });

  test('within one line only the order changes', () => {
    const lines = entries('parallel');
    blocksOf(entry(lines, 'e8486ca7')).push({ type: 'text', text: 'note' });
    const doc = docOf(lines);
    const after = apply(doc, {
      op: 'move-block',
      key: keyOf(doc, 25),
      path: ['message', 'content', 1],
      toKey: keyOf(doc, 25),
      toPath: ['message', 'content', 0],
    });
    expect(blocksOf(entryAt(after, 24)).map((b) => b.type)).toEqual(['text', 'tool_result']);
  });
});

describe('parse-json', () => {
  const withInput = (input: unknown) => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'd1c67e04'))[0]!.input = input;
    return docOf(lines);
  };
  const parsed = (input: unknown) => {
    const doc = withInput(input);
    return blocksOf(entryAt(apply(doc, { op: 'parse-json', key: keyOf(doc, 10), path: ['message', 'content', 0, 'input'] }), 9))[0]!.input;
  };

  test('a JSON object string becomes the object', () => expect(parsed('{"file_path":"a.js","content":"x"}')).toEqual({ file_path: 'a.js', content: 'x' }));
  test('text that is not JSON becomes {}', () => expect(parsed('write a.js')).toEqual({}));
  test('a JSON array, or any other non-object, becomes {}', () => {
    expect(parsed('[1,2]')).toEqual({});
    expect(parsed(42)).toEqual({});
  });
});

describe('trim-end', () => {
  test('on a string', () => {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = 'Add a health endpoint \n\t';
    const doc = docOf(lines);
    const after = apply(doc, { op: 'trim-end', key: keyOf(doc, 2), path: ['message', 'content'] });
    expect(textAt(after, 1)).toBe(rawLines('lean')[1]);
  });

  test('on a text block', () => {
    const lines = entries('lean');
    blocksOf(entry(lines, 'df54582d'))[0]!.text += '  \n';
    const doc = docOf(lines);
    const after = apply(doc, { op: 'trim-end', key: keyOf(doc, 14), path: ['message', 'content', 0] });
    expect(textAt(after, 13)).toBe(rawLines('lean')[13]);
  });
});

describe('repair-surrogates', () => {
  test('every unpaired surrogate, in values and keys, becomes U+FFFD; pairs stay', () => {
    const lines = entries('lean');
    const e = entry(lines, 'aa6ef44a');
    e.message.content = 'ok 😀 \ud83d and \ude00';
    e['k\udc00'] = 'v';
    const doc = docOf(lines);
    const after = apply(doc, { op: 'repair-surrogates', key: keyOf(doc, 2) });
    const fixed = entryAt(after, 1);
    expect(fixed.message.content).toBe('ok 😀 \ufffd and \ufffd');
    expect(fixed['k\ufffd']).toBe('v');
    expect(after.lines[1]!.info.loneSurrogates).toEqual([]);
  });
});

describe('swap-lines', () => {
  test('P→A→B→C becomes P→B→A→C, each of the three patched only in its parentUuid', () => {
    const doc = realDoc('parallel');
    const raw = rawLines('parallel');
    const lines = entries('parallel');
    const [p, a, b] = [entry(lines, '9f86cf6b').parentUuid, entry(lines, '9f86cf6b').uuid, entry(lines, '4b7eae47').uuid];
    const after = apply(doc, { op: 'swap-lines', key: keyOf(doc, 19), withKey: keyOf(doc, 20) });
    expect(lineChanges(doc, after)).toEqual({ changed: [19, 20, 21], removed: [], added: 0 });
    expect([textAt(after, 18), textAt(after, 19), textAt(after, 20)]).toEqual([
      relinkedText(raw[19]!, p),
      relinkedText(raw[18]!, b),
      relinkedText(raw[20]!, a),
    ]);
  });

  test('the other children of B (a parallel result) follow B’s place in the chain: they now hang off A', () => {
    const doc = realDoc('parallel');
    const lines = entries('parallel');
    const after = apply(doc, { op: 'swap-lines', key: keyOf(doc, 21), withKey: keyOf(doc, 22) });
    // 21 (AAA) → 22 (BBB) had children 25 (AAA's result, of 21) and 26 (BBB's result, of 22).
    expect(entryAt(after, 20).parentUuid).toBe(entry(lines, '4b7eae47').uuid);
    expect(entryAt(after, 21).parentUuid).toBe(entry(lines, '76c0eca2').uuid);
    expect(entryAt(after, 24).parentUuid).toBe(entry(lines, '098eb2e4').uuid);
    expect(entryAt(after, 25).parentUuid).toBe(entry(lines, '098eb2e4').uuid);
  });

  test('unlinked lines only change places in the file', () => {
    const doc = realDoc('parallel');
    const after = apply(doc, { op: 'swap-lines', key: keyOf(doc, 1), withKey: keyOf(doc, 2) });
    expect(lineChanges(doc, after)).toEqual({ changed: [], removed: [], added: 0 });
    expect(after.lines.slice(0, 2).map((l) => l.key)).toEqual([1, 0]);
  });
});

describe('merge-lines', () => {
  test("appends the line's blocks to the other line and removes it, relinking its child", () => {
    const doc = realDoc('parallel');
    const after = apply(doc, { op: 'merge-lines', key: keyOf(doc, 26), intoKey: keyOf(doc, 25) });
    const lines = entries('parallel');
    const expected = entry(lines, 'e8486ca7');
    expected.message.content.push(blocksOf(entry(lines, 'e132e620'))[0]);
    expect(lineChanges(doc, after)).toEqual({ changed: [25, 27], removed: [26], added: 0 });
    expect(textAt(after, 24)).toBe(JSON.stringify(expected));
    expect(entryAt(after, 25).parentUuid).toBe(entry(lines, '76c0eca2').uuid);
  });

  test('string content on either side becomes text blocks', () => {
    const lines = entries('lean');
    const extra: Entry = {
      ...structuredClone(entry(lines, 'aa6ef44a')),
      uuid: 'ffffffff-0000-4000-8000-000000000003',
      parentUuid: entry(lines, 'aa6ef44a').uuid,
    };
    extra.message.content = 'and a readiness one';
    lines.splice(2, 0, extra);
    entry(lines, '1f77a645').parentUuid = extra.uuid;
    const doc = docOf(lines);
    const after = apply(doc, { op: 'merge-lines', key: keyOf(doc, 3), intoKey: keyOf(doc, 2) });
    expect(entryAt(after, 1).message.content).toEqual([
      { type: 'text', text: 'Add a health endpoint' },
      { type: 'text', text: 'and a readiness one' },
    ]);
    expect(textAt(after, 2)).toBe(rawLines('lean')[2]);
  });
});

describe('rewind', () => {
  test('removes every descendant of the line, progress included; the line and its ancestors stay', () => {
    const doc = realDoc('localCommand');
    const after = apply(doc, { op: 'rewind', keys: [keyOf(doc, 7)] });
    expect(lineChanges(doc, after)).toEqual({ changed: [], removed: [8, 9, 10, 11, 12, 13, 14, 15], added: 0 });
  });

  test('on a fork both branches go', () => {
    const doc = realDoc('fork');
    const after = apply(doc, { op: 'rewind', keys: [keyOf(doc, 2)] });
    expect(lineChanges(doc, after)).toEqual({ changed: [], removed: [3, 4, 5, 6, 7], added: 0 });
  });

  test('a line on a cycle through the lines it drops stays, and everything after it goes', () => {
    // Line 8's parent made line 10, a grandchild of its own: 8 -> 9 -> 10 -> 8.
    const raw = rawLines('localCommand');
    const doc = docOf(raw.map((l, i) => (i === 7 ? relinkedText(l, JSON.parse(raw[9]!).uuid) : l)));
    const after = apply(doc, { op: 'rewind', keys: [keyOf(doc, 8)] });
    expect(lineChanges(doc, after)).toEqual({ changed: [8], removed: [9, 10, 11, 12, 13, 14, 15], added: 0 });
  });

  test('lines that are not descendants (metadata, other roots) stay', () => {
    const doc = realDoc('parallel');
    const after = apply(doc, { op: 'rewind', keys: [keyOf(doc, 22)] });
    expect(lineChanges(doc, after)).toEqual({ changed: [], removed: [26, 27, 28, 31], added: 0 });
  });
});

describe('the columns an edited document carries', () => {
  // The graph reads ids from per-line columns; an edit builds its result's columns from its document's
  // (a copy per untouched line), so they must be exactly what reading the new lines gives.
  const fresh = (d: Doc) => columnsOf([...d.lines]);

  test('after deletions, insertions, relinks and swaps in one batch', () => {
    const doc = realDoc('parallel');
    columnsOf(doc.lines);
    const value = {
      parentUuid: doc.lines[4]!.info.uuid,
      isSidechain: false,
      type: 'user',
      message: { role: 'user', content: 'inserted' },
      uuid: 'c0c0c0c0-0000-4000-a000-000000000001',
    };
    const withBlocks = doc.lines.find((l, i) => i > 10 && l.info.role === 'assistant' && l.info.blocks.length > 0)!;
    const after = apply(
      doc,
      { op: 'delete-line', key: keyOf(doc, 3) },
      { op: 'insert-line', afterKey: keyOf(doc, 5), value },
      { op: 'swap-lines', key: keyOf(doc, 8), withKey: keyOf(doc, 9) },
      { op: 'remove-block', key: withBlocks.key, path: withBlocks.info.blocks[0]!.path },
    );
    expect(after.lines.some((l) => l.info.uuid === value.uuid)).toBe(true);
    expect(columnsOf(after.lines)).toEqual(fresh(after));
  });

  test('an insertion followed by a swap (the draft settles its lines in between)', () => {
    const doc = realDoc('lean');
    const value = {
      parentUuid: null,
      isSidechain: false,
      type: 'user',
      message: { role: 'user', content: 'front' },
      uuid: 'c0c0c0c0-0000-4000-a000-000000000002',
    };
    const after = apply(doc, { op: 'insert-line', afterKey: null, value }, { op: 'swap-lines', key: keyOf(doc, 2), withKey: keyOf(doc, 6) });
    expect(after.lines[0]!.info.uuid).toBe(value.uuid);
    expect(columnsOf(after.lines)).toEqual(fresh(after));
  });
  test('on a document longer than a step of the copy (the lines are put in order a step at a time)', () => {
    // A real line written 210,000 times: three steps of the copy, with edits on both sides of each pause.
    const line = rawLines('long').find((l) => l.startsWith('{"type":"file-history-snapshot"'))!;
    const doc = docFromBuffer(Buffer.from(`${line}\n`.repeat(210_000)));
    const value = { type: 'file-history-snapshot', messageId: 'inserted', snapshot: {}, isSnapshotUpdate: false };
    const edits: Edit[] = [
      { op: 'delete-line', key: 4 },
      { op: 'delete-line', key: 99_998 },
      { op: 'delete-line', key: 99_999 },
      { op: 'insert-line', afterKey: 100_000, value },
      { op: 'set', key: 199_999, path: ['isSnapshotUpdate'], value: true },
    ];
    const steps = editSteps(doc, edits);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    const after = step.value;
    // The edits, then a pause at each of the two step bounds the copy crosses.
    expect(pauses).toBe(3);
    const keys = [...Array(210_000).keys()].filter((k) => k !== 4 && k !== 99_998 && k !== 99_999);
    keys.splice(keys.indexOf(100_000) + 1, 0, 210_000);
    expect(after.lines.map((l) => l.key)).toEqual(keys);
    expect(after.lines.filter((l) => l !== doc.lines[l.key]).map((l) => l.key)).toEqual([210_000, 199_999]);
    expect(columnsOf(after.lines)).toEqual(fresh(after));
    const text = (k: number) =>
      k === 210_000 ? JSON.stringify(value) : k === 199_999 ? JSON.stringify({ ...JSON.parse(line), isSnapshotUpdate: true }) : line;
    expect(serializeToBuffer(after).toString('utf8')).toBe(keys.map((k) => `${text(k)}\n`).join(''));
  });
});

describe('a swap after the draft has indexed its lines', () => {
  test("the swapped lines are found at their new places (a deleted line's child moved by the swap is still relinked)", () => {
    const doc = realDoc('long');
    const lines = doc.lines;
    const byUuid = new Map(lines.map((l) => [l.info.uuid, l]));
    const a = lines.find(
      (l, i) => i > 100 && l.info.uuid && lines.filter((c) => c.info.parentUuid === l.info.uuid).length === 1 && byUuid.has(l.info.parentUuid ?? undefined),
    )!;
    const c = lines.find((l) => l.info.parentUuid === a.info.uuid)!;
    const related = (l: (typeof lines)[number]) =>
      [a, c].some((x) => x.info.uuid === l.info.uuid || x.info.uuid === l.info.parentUuid || x.info.parentUuid === l.info.uuid);
    const u = lines.find((l, i) => i > 600 && l.info.uuid && !related(l))!;
    // Enough deletions (each looks up a uuid's lines and children) for the draft to index its lines.
    const others = lines.filter((l, i) => i > 1000 && l.info.uuid && !related(l) && l !== u).slice(0, 6);
    const after = apply(
      doc,
      ...others.map((l): Edit => ({ op: 'delete-line', key: l.key })),
      { op: 'swap-lines', key: c.key, withKey: u.key },
      { op: 'delete-line', key: a.key },
    );
    const moved = after.lines.find((l) => l.key === c.key)!;
    expect(moved.info.parentUuid).toBe(a.info.parentUuid);
    expect(columnsOf(after.lines)).toEqual(columnsOf([...after.lines]));
  });
});
