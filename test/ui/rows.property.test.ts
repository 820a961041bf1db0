import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { analyze, type Analysis } from '../../src/rules/analyze.js';
import type { Doc } from '../../src/transcript/document.js';
import { columnsOf } from '../../src/transcript/columns.js';
import type { Diagnostic } from '../../src/rules/types.js';
import { type Row, type Rows, treeRows } from '../../src/ui/rows.js';
import { everyRow } from '../helpers/rows.js';
import { type Step, applyStep, step } from '../helpers/editSteps.js';
import { type RealName, realDoc } from '../helpers/fixtures.js';

/*
 * Tree rows are kept per message object: an edit's view shares the messages it
 * does not change with the version before, and their rows are taken as they
 * were. Whatever edits come, the rows are those made for fresh copies of the
 * same messages, with every collapse, and the subagent rows too. And they are
 * made where they are read: what a lookup finds is what reading every row from
 * the top finds.
 */

const SEED = Number(process.env.CCMEND_FC_SEED ?? 20261203);
const NAMES: RealName[] = ['long', 'compact', 'tasks', 'image'];

/** The same analysis with copies of its messages: no row kept for them. */
const fresh = (a: Analysis): Analysis => ({ ...a, view: { ...a.view, messages: a.view.messages.map((m) => ({ ...m })) } });

/** Every other turn collapsed, by the key of its first line. */
function everyOther(a: Analysis): Set<number> {
  const { key } = columnsOf(a.doc.lines);
  return new Set(a.view.messages.filter((_, i) => i % 2 === 0).map((m) => key[m.lines[0]!]!));
}

/** A subagent file name for the first call of the view, as the editor passes them. */
function subagentsOf(a: Analysis): Map<string, string> {
  const call = a.view.messages.flatMap((m) => m.blocks).find((b) => b.info.type === 'tool_use' && b.info.id !== undefined);
  return new Map(call ? [[call.info.id!, 'agent-test.jsonl']] : []);
}

describe('tree rows kept per message equal rows made afresh', () => {
  test.each(NAMES)('%s: random edits', (name) => {
    const start = realDoc(name);
    const subagents = subagentsOf(analyze(start));
    let reused = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 5 }), (steps: Step[]) => {
        let doc: Doc = start;
        let before = analyze(doc);
        treeRows(before, new Set(), subagents);
        steps.forEach((s, i) => {
          const next = applyStep(doc, s, i);
          if (!next) return;
          doc = next;
          const after = analyze(doc);
          if (after.view.messages.some((m) => before.view.messages.includes(m))) reused++;
          // Collapsing and expanding again, with and without subagents: kept rows are taken only for the same.
          for (const names of [subagents, undefined])
            for (const collapsed of [new Set<number>(), everyOther(after), new Set<number>()])
              expect(everyRow(treeRows(after, collapsed, names))).toEqual(everyRow(treeRows(fresh(after), collapsed, names)));
          before = after;
        });
      }),
      { seed: SEED, numRuns: 8 },
    );
    // Views after edits shared messages with the version before, so kept rows were taken.
    expect(reused).toBeGreaterThan(0);
  });
});

/** Where a diagnostic's row is, read from the top: its block (or raw line), else its line's first row, else its turn's row. */
function rowOfRead(rows: readonly Row[], d: Diagnostic): number {
  const ofLine = rows.findIndex((r) => r.pos === d.pos && r.kind !== 'turn' && (d.block === undefined || r.block === undefined || r.block === d.block));
  if (ofLine !== -1) return ofLine;
  const first = rows.findIndex((r) => r.pos === d.pos);
  return first !== -1 ? first : rows.findIndex((r) => r.kind === 'turn' && r.turn !== undefined && r.turn + 1 === d.turn);
}

/** Each row read once, from the bottom up: rows made out of order are the rows made in order. */
const readBackwards = (rows: Rows) => {
  for (let i = rows.length - 1; i >= 0; i--) rows.at(i);
  return rows;
};

describe('looking rows up equals reading them all', () => {
  test.each(NAMES)('%s: ids and diagnostics, after random edits, with turns collapsed', (name) => {
    const start = realDoc(name);
    const subagents = subagentsOf(analyze(start));
    let looked = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 0, maxLength: 3 }), (steps: Step[]) => {
        let doc: Doc = start;
        steps.forEach((s, i) => {
          doc = applyStep(doc, s, i) ?? doc;
        });
        const a = analyze(doc);
        for (const collapsed of [new Set<number>(), everyOther(a)]) {
          const rows = treeRows(fresh(a), collapsed, subagents);
          const all = everyRow(readBackwards(treeRows(fresh(a), collapsed, subagents)));
          expect(everyRow(rows)).toEqual(all);
          expect(rows.length).toBe(all.length);
          for (const [i, r] of all.entries()) {
            expect(rows.at(i)).toEqual(r);
            expect(rows.indexOfId(r.id)).toBe(all.findIndex((o) => o.id === r.id));
          }
          expect(rows.indexOfId('b999999:0')).toBe(-1);
          // Its problems, and a probe at each line: the whole line, its second block, and a turn of its own.
          const probes = a.doc.lines.flatMap((_, pos) => [{ pos }, { pos, block: 1 }, { pos, turn: (pos % 7) + 1 }] as Diagnostic[]);
          for (const d of [...a.diagnostics, ...probes]) {
            expect(rows.rowOf(d)).toBe(rowOfRead(all, d));
            looked++;
          }
        }
      }),
      { seed: SEED, numRuns: 6 },
    );
    expect(looked).toBeGreaterThan(0);
  });
});
