import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EditError, applyEdits } from '../../src/edit/apply.js';
import { type History, push, redo, startHistory, undo } from '../../src/edit/history.js';
import { analyze } from '../../src/rules/analyze.js';
import type { Edit } from '../../src/edit/types.js';
import { columnsOf } from '../../src/transcript/columns.js';
import type { Doc, Line } from '../../src/transcript/document.js';
import type { JsonPath } from '../../src/transcript/lineInfo.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { SMALL_FIXTURES, bytesOf, caseOf } from './damage.js';

/*
 * Random sequences of the edits an editor key maps to (every Edit op, plus
 * "apply a fix" of a random diagnostic), each pushed on the undo history as
 * the editor does, then undone one by one: every state comes back byte for
 * byte, and the loaded document is never mutated (it is deep-frozen here, so
 * a write to it throws). The per-line columns each result carries are checked
 * against columns read afresh from its lines.
 */

const SEED = Number(process.env.CCMEND_FC_SEED ?? 20261122);
const SCALE = Number(process.env.CCMEND_FC_SCALE ?? 1);

const OPS = [
  'delete-line',
  'insert-line',
  'set',
  'remove-block',
  'move-block',
  'parse-json',
  'trim-end',
  'repair-surrogates',
  'swap-lines',
  'merge-lines',
  'rewind',
  'fix',
] as const;

/** One editor action, as numbers resolved against the document it is applied to. */
interface Step {
  op: (typeof OPS)[number];
  a: number;
  b: number;
  c: number;
  text: string;
}

const step: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom(...OPS),
  a: fc.nat({ max: 10_000 }),
  b: fc.nat({ max: 10_000 }),
  c: fc.nat({ max: 10_000 }),
  text: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', '  \n', 'x\uD800y', 'é€😀')),
});

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);

function blocksOf(line: Line): JsonPath[] {
  return line.info.blocks.map((b) => b.path);
}

/** The edits a step means on `doc` (some of them deliberately stale or out of range). */
function editsFor(doc: Doc, s: Step, serial: number): Edit[] {
  const lines = doc.lines;
  const line = pick(lines, s.a);
  const other = pick(lines, s.b);
  if (!line || !other) return [];
  const withBlocks = lines.filter((l) => l.info.blocks.length);
  const bl = pick(withBlocks, s.a);
  const blockPath = bl && pick(blocksOf(bl), s.b);
  switch (s.op) {
    case 'delete-line':
      return [{ op: 'delete-line', key: line.key }];
    case 'insert-line': {
      const value = {
        parentUuid: line.info.uuid ?? null,
        isSidechain: false,
        type: 'user',
        message: { role: 'user', content: s.text || 'inserted' },
        uuid: `ins-${serial}-${s.c}`,
      };
      const adopt = s.c % 2 ? lines.filter((l) => line.info.uuid && l.info.parentUuid === line.info.uuid).map((l) => l.key) : [];
      return [{ op: 'insert-line', afterKey: s.c % 5 === 0 ? null : line.key, value, adopt }];
    }
    case 'set': {
      const paths: JsonPath[] = [
        ['parentUuid'],
        ['message', 'content'],
        ['message', 'id'],
        ['isMeta'],
        ...(blockPath
          ? [
              [...blockPath, 'text'],
              [...blockPath, 'id'],
            ]
          : []),
      ];
      const values = [s.text, null, undefined, 42, { nested: [s.text] }, other.info.uuid];
      return [{ op: 'set', key: (bl && s.c % 2 ? bl : line).key, path: pick(paths, s.c)!, value: pick(values, s.b) }];
    }
    case 'remove-block':
      return blockPath
        ? [{ op: 'remove-block', key: bl!.key, path: blockPath }]
        : [{ op: 'remove-block', key: line.key, path: ['message', 'content', s.c % 3] }];
    case 'move-block': {
      const to = pick(withBlocks, s.c);
      if (!blockPath || !to) return [];
      return [{ op: 'move-block', key: bl!.key, path: blockPath, toKey: to.key, toPath: ['message', 'content', s.c % (to.info.blocks.length + 1)] }];
    }
    case 'parse-json':
      return [{ op: 'parse-json', key: (bl ?? line).key, path: blockPath ? [...blockPath, 'input'] : ['message', 'content'] }];
    case 'trim-end':
      return [{ op: 'trim-end', key: (bl ?? line).key, path: blockPath ?? ['message', 'content'] }];
    case 'repair-surrogates':
      return [{ op: 'repair-surrogates', key: line.key }];
    case 'swap-lines':
      return [{ op: 'swap-lines', key: line.key, withKey: other.key }];
    case 'merge-lines':
      return line.key === other.key ? [] : [{ op: 'merge-lines', key: line.key, intoKey: other.key }];
    case 'rewind':
      return [{ op: 'rewind', keys: [line.key] }];
    case 'fix': {
      const d = pick(analyze(doc).diagnostics, s.a);
      const f = d && pick(d.fixes, s.b);
      return f ? [...f.edits] : [];
    }
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v) && !Buffer.isBuffer(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

describe('random edits, then undo of all of them', () => {
  test('restore the loaded document byte for byte; every state in between comes back too', () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(caseOf(SMALL_FIXTURES), fc.array(step, { minLength: 1, maxLength: 12 }), (c, steps) => {
        const original = bytesOf(c);
        const doc = docFromBuffer(original);
        deepFreeze(doc.lines);
        let h: History = startHistory(doc);
        const states: Buffer[] = [original];
        steps.forEach((s, i) => {
          const edits = editsFor(h.present, s, i);
          if (!edits.length) return;
          let next: Doc;
          try {
            next = applyEdits(h.present, edits);
          } catch (e) {
            // The editor shows an EditError as "cannot: …"; anything else would crash it.
            if (!(e instanceof EditError)) throw e;
            refused++;
            return;
          }
          applied++;
          // The columns an edit carries over from its document are those of its lines, read afresh.
          expect(columnsOf(next.lines)).toEqual(columnsOf([...next.lines]));
          const a = analyze(next);
          expect(a.diagnostics.every((d) => d.pos >= 0 && d.pos < next.lines.length)).toBe(true);
          h = push(h, next);
          states.push(serializeToBuffer(next));
        });
        expect(h.past.length).toBe(states.length - 1);
        for (let i = states.length - 1; i >= 0; i--) {
          expect(serializeToBuffer(h.present).equals(states[i]!)).toBe(true);
          h = undo(h);
        }
        expect(h.present).toBe(doc);
        expect(serializeToBuffer(h.present).equals(original)).toBe(true);
        for (let i = 1; i < states.length; i++) {
          h = redo(h);
          expect(serializeToBuffer(h.present).equals(states[i]!)).toBe(true);
        }
      }),
      { numRuns: Math.ceil(150 * SCALE), seed: SEED },
    );
    // The runs exercise real edits, not only refusals.
    expect(applied).toBeGreaterThan(refused);
  });
});
