import fc from 'fast-check';
import { analyze } from '../../src/rules/analyze.js';
import { EditError, applyEdits } from '../../src/edit/apply.js';
import type { Edit } from '../../src/edit/types.js';
import type { Doc, Line } from '../../src/transcript/document.js';
import type { JsonPath } from '../../src/transcript/lineInfo.js';

/*
 * Random editor actions as data: every Edit op, plus "apply a fix" of a random
 * diagnostic, as numbers resolved against the document they are applied to
 * (so any step applies to any document, and fast-check can shrink them).
 */

export const OPS = [
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
export interface Step {
  op: (typeof OPS)[number];
  a: number;
  b: number;
  c: number;
  text: string;
}

/** A step whose op is one of `ops`. */
export const stepOf = (ops: readonly Step['op'][] = OPS): fc.Arbitrary<Step> =>
  fc.record({
    op: fc.constantFrom(...ops),
    a: fc.nat({ max: 10_000 }),
    b: fc.nat({ max: 10_000 }),
    c: fc.nat({ max: 10_000 }),
    text: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', '  \n', 'x\uD800y', 'é€😀')),
  });

export const step = stepOf();

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);

function blocksOf(line: Line): JsonPath[] {
  return line.info.blocks.map((b) => b.path);
}

/** The edits a step means on `doc` (some of them deliberately stale or out of range). */
export function editsFor(doc: Doc, s: Step, serial: number): Edit[] {
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

/** The document a step makes of `doc`, or undefined when it means no edit there or the editor refuses it (an EditError). */
export function applyStep(doc: Doc, s: Step, serial: number): Doc | undefined {
  try {
    const edits = editsFor(doc, s, serial);
    return edits.length ? applyEdits(doc, edits) : undefined;
  } catch (e) {
    if (!(e instanceof EditError)) throw e;
    return undefined;
  }
}
