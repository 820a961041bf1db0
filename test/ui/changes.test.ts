import { describe, expect, test } from 'vitest';
import { applyEdits } from '../../src/edit/apply.js';
import { changesBetween } from '../../src/ui/changes.js';
import { realDoc } from '../helpers/fixtures.js';

describe('what a save would change (the preview of s)', () => {
  const doc = realDoc('old');
  const key = (line: number) => doc.lines[line - 1]!.key;

  test('removed, relinked, moved, added after a new line and rewritten lines, in file order', () => {
    const uuidOf = (line: number) => doc.lines[line - 1]!.info.uuid!;
    const edited = applyEdits(doc, [
      { op: 'delete-line', key: key(4) },
      { op: 'swap-lines', key: key(8), withKey: key(9) },
      { op: 'insert-line', afterKey: key(10), value: { type: 'user', uuid: 'new-1', parentUuid: uuidOf(10), message: { role: 'user', content: 'first' } } },
      { op: 'set', key: key(12), path: ['message', 'content'], value: 'rewritten text' },
    ]);
    const withSecond = applyEdits(edited, [
      {
        op: 'insert-line',
        afterKey: edited.lines[9]!.key,
        value: { type: 'user', uuid: 'new-2', parentUuid: 'new-1', message: { role: 'user', content: 'second' } },
      },
    ]);
    const changes = changesBetween(doc, withSecond);
    // A swap relinks both lines, so the moved line counts as changed.
    expect([changes.removed, changes.changed, changes.added, changes.moved]).toEqual([1, 5, 2, 0]);
    expect(changes.lines).toEqual([
      "- line 4 removed: assistant: text I'll help you create a TODO app using Next.js by breaking this i…",
      '~ line 5 (assistant): parent relinked to line 3',
      '~ line 8 (user): parent relinked to line 9',
      '~ line 9 (assistant): moved: now comes after line 7; parent relinked to line 7',
      '~ line 10 (assistant): parent relinked to line 8',
      '+ new line 10 (after line 10): user: text first',
      '+ new line 11 (after new line 10): user: text second',
      '~ line 12 (assistant): block 1 (text) changed: "Now I\'ll execute the subtasks in parall…" → "rewritten text"',
    ]);
  });

  test('nothing changed: nothing listed', () => {
    expect(changesBetween(doc, doc)).toEqual({ removed: 0, changed: 0, added: 0, moved: 0, lines: [] });
  });
});
