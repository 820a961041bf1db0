import { describe, expect, test } from 'vitest';
import { EditError, applyEdits } from '../../src/edit/apply.js';
import { fixAll } from '../../src/edit/fixAll.js';
import { lineBytes } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { realBytes } from '../helpers/fixtures.js';
import { type Case, bytesOf, splitRaw } from './damage.js';

/* Cases the property tests found, kept as fixed examples with exact outcomes. */

/** fixAll on the damaged bytes, then on its own saved output. */
function fixTwice(c: Case, warnings = false) {
  const doc = docFromBuffer(bytesOf(c));
  const first = fixAll(doc, { warnings });
  const second = fixAll(docFromBuffer(serializeToBuffer(first.doc)), { warnings });
  return { doc, first, second };
}

const rulesAt = (applied: readonly { rule: string; line: number }[]) => applied.map((a) => `${a.rule}@${a.line}`);

describe('fixAll converged where it used to loop', () => {
  test('results after a local command move in behind the result that opens the message (tool-result-order used to have no fix there)', () => {
    const c: Case = {
      fixture: 'localCommand',
      damage: [
        { kind: 'tear-end', cut: 0 },
        { kind: 'cycle', at: 44531, from: 35745 },
        { kind: 'truncate', at: 72612, cut: 0 },
        { kind: 'swap', a: 0, b: 0 },
      ],
    };
    const { first, second } = fixTwice(c, true);
    // With --warnings it also mends what only older clients trip on (they send only the chain, so the results there differ).
    expect(rulesAt(first.applied)).toEqual([
      'chain-dangling@14',
      'text-whitespace@5',
      'tool-result-order@12',
      'tool-result-orphan@10',
      'tool-result-missing@9',
    ]);
    expect(first.analysis.counts).toEqual({ error: 0, warning: 0, info: 1 });
    const { view, doc } = first.analysis;
    expect(view.messages.at(-1)!.blocks.map((b) => b.info.type)).toEqual(['tool_result', 'tool_result', 'text']);
    expect(view.messages.at(-1)!.lines.map((p) => doc.lines[p]!.info.subtype ?? doc.lines[p]!.info.type)).toEqual(['user', 'user', 'local_command']);
    expect(second.applied).toEqual([]);
  });

  test('a thinking line given the uuid of a later tool_use line owns none of its children (fixAll used to insert and remove a result forever)', () => {
    const c: Case = { fixture: 'lean', damage: [{ kind: 'dup-uuid', at: 75000, from: 61891 }] };
    const { doc, first, second } = fixTwice(c);
    expect(first.applied).toEqual([]);
    // The newest client bridges the link the shared uuid broke (line 4's parent), so the request still opens with the prompt.
    expect(first.analysis.counts).toEqual({ error: 0, warning: 4, info: 0 });
    // Clients before 2.1.91 cut there instead: their request opens with the response.
    expect(first.analysis.diagnostics.map((d) => `${d.rule}@${d.line}`)).toEqual(['thinking-order@3', 'chain-dangling@4', 'first-role@4', 'uuid-duplicate@12']);
    expect(serializeToBuffer(first.doc).equals(serializeToBuffer(doc))).toBe(true);
    expect(second.applied).toEqual([]);
  });

  test('first-role adopts the on-chain line of a split response, not a side-branch line (fixAll used to insert 25 lines)', () => {
    const c: Case = {
      fixture: 'localCommand',
      damage: [
        { kind: 'corrupt', at: 97444, offset: 47707, byte: 179 },
        { kind: 'tear-end', cut: 1.5829640914048864e-90 },
        { kind: 'blank', at: 34080, text: ' ' },
        { kind: 'drop', at: 20440 },
        { kind: 'crlf', at: 69990 },
        { kind: 'cycle', at: 31653, from: 89804 },
      ],
    };
    const { doc, first, second } = fixTwice(c, true);
    expect(rulesAt(first.applied)).toEqual(['text-whitespace@6', 'thinking-order@7', 'first-role@8']);
    // The blank line text-whitespace empties and the line first-role inserts balance; the thinking block moves
    // to the response's first line, and the line it leaves empty goes.
    expect(first.doc.lines.length).toBe(doc.lines.length - 1);
    expect(first.analysis.counts).toEqual({ error: 0, warning: 1, info: 2 });
    expect(second.applied).toEqual([]);
  });

  test('first-role adopts the response line that heads the chain (after a cut loop)', () => {
    const c: Case = { fixture: 'queue', damage: [{ kind: 'drop', at: 0 }, { kind: 'cycle', at: 37261, from: 99796 }, { kind: 'crlf-all' }] };
    const { first, second } = fixTwice(c, true);
    expect(rulesAt(first.applied)).toEqual(['chain-cycle@29', 'text-whitespace@26', 'thinking-order@27', 'first-role@27']);
    expect(first.analysis.counts).toEqual({ error: 0, warning: 0, info: 0 });
    expect(second.applied).toEqual([]);
  });

  test('a lost result for a tool_use line that lost its uuid hangs off its response', () => {
    const c: Case = {
      fixture: 'lean',
      damage: [
        { kind: 'corrupt', at: 1992, offset: 27436, byte: 35 },
        { kind: 'blank', at: 0, text: '' },
      ],
    };
    // Every client drops the unanswered call when it sends: a warning, mended with --warnings.
    const { doc, first, second } = fixTwice(c, true);
    expect(doc.lines[5]!.info.uuid).toBeUndefined();
    expect(rulesAt(first.applied)).toEqual(['chain-dangling@7', 'tool-result-missing@6']);
    expect(first.doc.lines.length).toBe(16);
    expect(first.analysis.counts.error).toBe(0);
    expect(second.applied).toEqual([]);
  });

  test('an assistant line that lost its message.id gathers the results hanging off it', () => {
    const c: Case = {
      fixture: 'oldLinear',
      damage: [
        { kind: 'corrupt', at: 45665, offset: 85243, byte: 32 },
        { kind: 'invalid-utf8', at: 58452, bytes: [255] },
        { kind: 'crlf', at: 0 },
      ],
    };
    const { first, second } = fixTwice(c);
    expect(first.analysis.counts.error).toBe(0);
    expect(second.applied).toEqual([]);
  });
});

describe('bytes survive edits', () => {
  const lean = realBytes('lean');

  test('a relinked line keeps invalid UTF-8 elsewhere in it; only its parentUuid changes', () => {
    const raw = splitRaw(lean);
    // Line 3 (the first assistant line) gets a raw 0xff byte inside its model name.
    const at = raw.lines[2]!.indexOf('"model":"') + '"model":"'.length;
    raw.lines[2] = Buffer.concat([raw.lines[2]!.subarray(0, at), Buffer.from([0xff]), raw.lines[2]!.subarray(at)]);
    const bytes = Buffer.concat(raw.lines.flatMap((l) => [l, Buffer.from('\n')]));
    const doc = docFromBuffer(bytes);
    // Deleting line 2 (the prompt) relinks line 3 to the prompt's parent, null.
    const edited = applyEdits(doc, [{ op: 'delete-line', key: 1 }]);
    const before = raw.lines[2]!;
    const after = lineBytes(edited, edited.lines[1]!);
    const expected = Buffer.from(before.toString('latin1').replace('"parentUuid":"aa6ef44a-c023-4e98-a61e-49b25dc3887d"', '"parentUuid":null'), 'latin1');
    expect(after.includes(0xff)).toBe(true);
    expect(after.equals(expected)).toBe(true);
    expect(edited.lines[1]!.info.parentUuid).toBeNull();
  });

  test('a line inserted after an unterminated last line is not glued to it', () => {
    const unterminated = lean.subarray(0, lean.length - 1);
    const doc = docFromBuffer(unterminated);
    const last = doc.lines.at(-1)!;
    expect(last.eol).toBe('');
    const edited = applyEdits(doc, [{ op: 'insert-line', afterKey: last.key, value: { type: 'custom-title', customTitle: 'x' } }]);
    const out = serializeToBuffer(edited);
    expect(out.equals(Buffer.concat([lean, Buffer.from('{"type":"custom-title","customTitle":"x"}\n')]))).toBe(true);
    expect(docFromBuffer(out).lines.map((l) => l.info.kind)).toEqual(Array(15).fill('entry'));
  });

  test('setting the parent of a line that is not an entry is refused with an EditError, not a crash', () => {
    const doc = docFromBuffer(Buffer.concat([Buffer.from('\n'), lean]));
    expect(doc.lines[0]!.info.kind).toBe('blank');
    expect(() => applyEdits(doc, [{ op: 'set', key: 0, path: ['parentUuid'], value: null }])).toThrow(EditError);
    expect(() => applyEdits(doc, [{ op: 'insert-line', afterKey: 1, value: { type: 'user', uuid: 'u1' }, adopt: [0] }])).toThrow(
      'line 1 is not a readable entry',
    );
  });
});
