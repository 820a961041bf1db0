import { describe, expect, test } from 'vitest';
import { buildGraph } from '../../src/conversation/graph.js';
import { wholeChain } from '../../src/conversation/wholeChain.js';
import type { Doc } from '../../src/transcript/document.js';
import { docOf, type RealName, realDoc, realLines } from '../helpers/fixtures.js';

const chainOf = (doc: Doc) => wholeChain(doc, buildGraph(doc));
/** The uuids of a walk, to compare walks over files whose line positions differ. */
const uuidsOf = (doc: Doc) => chainOf(doc).positions.map((p) => doc.lines[p]!.info.uuid);

describe('the whole session, across compactions and gaps', () => {
  test('the real 2.1.39 session: the walk crosses its compaction to the first prompt', () => {
    const doc = realDoc('long');
    const graph = buildGraph(doc);
    const whole = wholeChain(doc, graph);
    expect(whole.bridges).toEqual([]);
    expect(whole.crossings).toHaveLength(1);
    // Everything the client sends after the compaction, and everything it summarised before it.
    expect(whole.positions.slice(-graph.chain.length)).toEqual(graph.chain);
    expect(whole.positions.slice(0, graph.preCompactChain.length)).toEqual(graph.preCompactChain);
    expect(doc.lines[whole.positions[0]!]!.info.parentUuid).toBeNull();
  });

  const names: RealName[] = ['compact', 'parallel', 'long', 'localCommand', 'queue', 'lean'];
  test.each(names)('%s: a line lost mid-conversation is bridged to the entry written before it', (name) => {
    const entries = realLines(name);
    const intact = docOf(entries);
    const walked = uuidsOf(intact);
    // Drop a line from the middle of the walk (not the leaf, not the root).
    const lost = walked[Math.floor(walked.length / 2)]!;
    const damaged = docOf(entries.filter((e) => e.uuid !== lost));
    const whole = chainOf(damaged);
    expect(whole.bridges).toHaveLength(1);
    expect(uuidsOf(damaged)).toEqual(walked.filter((u) => u !== lost));
  });

  test('a bridge follows timestamps, not file order: a later-stamped line above the gap is passed over', () => {
    // In this real 1.0.98 file line 13 (a tool result) is stamped 17 ms after lines 14 and 15.
    const entries = realLines('oldLinear');
    const doc = docOf(entries.filter((_, i) => i !== 13));
    const whole = chainOf(doc);
    expect(whole.bridges.map((b) => [b.pos + 1, b.to + 1, b.gapMs])).toEqual([[14, 12, 0]]);
    expect(whole.positions).not.toContain(12);
  });

  test('a torn line is bridged like a lost one', () => {
    const entries = realLines('compact');
    const intact = docOf(entries);
    const walked = uuidsOf(intact);
    const torn = walked[10]!;
    const damaged = docOf(entries.map((e) => (e.uuid === torn ? JSON.stringify(e).slice(0, 60) : e)));
    expect(uuidsOf(damaged)).toEqual(walked.filter((u) => u !== torn));
  });

  test('a line with no timestamp hangs under the nearest line above it', () => {
    const entries = realLines('lean');
    const walked = uuidsOf(docOf(entries));
    const lost = walked[3]!;
    const next = walked[4]!;
    const damaged = docOf(entries.filter((e) => e.uuid !== lost).map((e) => (e.uuid === next ? { ...e, timestamp: undefined } : e)));
    expect(uuidsOf(damaged)).toEqual(walked.filter((u) => u !== lost));
  });

  test('an empty file has no session', () => {
    expect(chainOf(docOf([]))).toEqual({ positions: [], bridges: [], crossings: [] });
  });
});
