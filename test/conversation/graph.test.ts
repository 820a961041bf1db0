import { describe, expect, test } from 'vitest';
import { buildApiView } from '../../src/conversation/apiView.js';
import { asWritten, clientOf, NEWEST } from '../../src/conversation/clients.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { docOf, realDoc } from '../helpers/fixtures.js';
import { entries, entry } from '../rules/helpers.js';

/** 1-based line numbers of positions. */
const lineNos = (positions: readonly number[]) => positions.map((p) => p + 1);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('leaf', () => {
  test.each(['parallel', 'image', 'compact'] as const)('%s (2.1.330): the leaf is the line last-prompt names', (name) => {
    const doc = realDoc(name);
    const graph = buildGraph(doc);
    const named = doc.lines.filter((l) => l.info.type === 'last-prompt').at(-1)!.info.leafUuid;
    expect(doc.lines[graph.leaf!]!.info.uuid).toBe(named);
    // It is not the last line: metadata follows it.
    expect(graph.leaf).toBeLessThan(doc.lines.length - 1);
  });

  test('old (1.0.98): inline sidechain lines are never the leaf nor on the chain', () => {
    const doc = realDoc('old');
    const graph = buildGraph(doc);
    expect(graph.leaf! + 1).toBe(438);
    expect(graph.chain.filter((p) => doc.lines[p]!.info.isSidechain)).toEqual([]);
    expect(doc.lines.filter((l) => l.info.isSidechain).length).toBe(405);
  });
});

const client = (v: string) => clientOf(v, 'option')!;

describe('which leaf each client resumes', () => {
  // The real rewind fork of s2.jsonl: the abandoned branch (lines 3-4) gets the newest timestamp, and a
  // last-prompt line names the first answer, as a client that resumed there would have written.
  const forked = () => {
    const lines = entries('fork');
    entry(lines, 'b1a').timestamp = '2025-07-01T11:00:00.000Z';
    lines.push({ type: 'last-prompt', lastPrompt: 'First attempt', leafUuid: 'b1a', sessionId: 's2' });
    return docOf(lines);
  };
  const leafUuid = (v: string) => {
    const doc = forked();
    return doc.lines[buildGraph(doc, client(v)).leaf!]!.info.uuid;
  };

  test('up to 2.1.100: the leaf with the newest timestamp', () => {
    expect(leafUuid('2.1.19')).toBe('b1a');
    expect(leafUuid('2.1.100')).toBe('b1a');
  });
  test('2.1.101 to 2.1.119: the last leaf in the file', () => {
    expect(leafUuid('2.1.101')).toBe('p1a');
    expect(leafUuid('2.1.119')).toBe('p1a');
  });
  test('from 2.1.120: the leaf the last last-prompt line names', () => {
    expect(leafUuid('2.1.120')).toBe('b1a');
    expect(leafUuid('2.1.332')).toBe('b1a');
  });
});

describe('a gap in the chain, per client', () => {
  // The real 2.1.19 session with one line lost (its child's parent names nothing), the child written
  // `ms` after the line before the lost one.
  const gapped = (ms: number) => {
    const lines = entries('lean');
    const lost = lines.findIndex((e) => e.uuid?.startsWith('c8cd14ac'));
    const before = Date.parse(lines[lost - 1]!.timestamp);
    const child = lines.findIndex((e) => e.parentUuid === lines[lost]!.uuid);
    lines[child]!.timestamp = new Date(before + ms).toISOString();
    for (let i = child + 1; i < lines.length; i++) if (lines[i]!.timestamp) lines[i]!.timestamp = new Date(before + ms + (i - child) * 1000).toISOString();
    lines.splice(lost, 1);
    return docOf(lines);
  };

  test('2.1.91 and later bridge a gap of 4.84 s and send the whole conversation', () => {
    const doc = gapped(4840);
    const graph = buildGraph(doc, client('2.1.91'));
    expect(graph.gaps.map((g) => [g.pos + 1, g.to! + 1, g.gapMs, g.bridged])).toEqual([[8, 7, 4840, true]]);
    expect(doc.lines[graph.chain[0]!]!.info.parentUuid).toBeNull();
  });

  test('a gap of 5.24 s is cut even by the newest client: only what follows it is sent', () => {
    const doc = gapped(5240);
    const graph = buildGraph(doc, client('2.1.332'));
    expect(graph.gaps.map((g) => [g.pos + 1, g.bridged])).toEqual([[8, false]]);
    expect(graph.chain[0]! + 1).toBe(8);
  });

  test('2.1.90 and older cut every gap', () => {
    const graph = buildGraph(gapped(100), client('2.1.90'));
    expect(graph.gaps.map((g) => [g.pos + 1, g.bridged])).toEqual([[8, false]]);
    expect(graph.chain[0]! + 1).toBe(8);
  });
});

describe('chain', () => {
  test('parallel (2.1.330): results of parallel calls sit on side branches, so the first is off the chain', () => {
    const graph = buildGraph(realDoc('parallel'));
    expect(lineNos(graph.chain)).toEqual([3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 19, 20, 21, 22, 26, 27, 28, 31]);
    // toolu_01AAA's tool_use line has two children (the next tool_use and its result): not a fork.
    expect(graph.forks).toEqual([]);
    expect(graph.dangling).toEqual([]);
    expect(graph.cycleAt).toBeUndefined();
  });

  test('oldLinear (1.0.98): parallel results chained one after another', () => {
    const graph = buildGraph(realDoc('oldLinear'));
    expect(lineNos(graph.chain)).toEqual(range(1, 29));
    expect(graph.forks).toEqual([]);
  });

  test('compact (2.1.330): the chain starts at the boundary; what came before is the pre-compact chain', () => {
    const doc = realDoc('compact');
    const graph = buildGraph(doc);
    expect(graph.chain[0]! + 1).toBe(77);
    expect(doc.lines[graph.chain[0]!]!.info.subtype).toBe('compact_boundary');
    expect(graph.chain.at(-1)! + 1).toBe(107);
    expect(lineNos(graph.preCompactChain)).toEqual([
      3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 21, 22, 23, 24, 26, 27, 28, 32, 33, 36, 37, 41, 42, 43, 46, 51, 52, 56, 57, 58, 59, 62, 65, 66, 69,
    ]);
  });

  test('long (2.1.39): the compaction splits 1512 lines at line 754', () => {
    const graph = buildGraph(realDoc('long'));
    expect([graph.chain[0]! + 1, graph.chain.at(-1)! + 1, graph.leaf! + 1]).toEqual([754, 1507, 1507]);
    expect([graph.preCompactChain[0]! + 1, graph.preCompactChain.at(-1)! + 1]).toEqual([3, 753]);
  });
});

describe('forks', () => {
  test('fork (s2.jsonl): a rewind at line 2; before the compaction the newest branch is followed', () => {
    const doc = realDoc('fork');
    const graph = buildGraph(doc);
    expect(lineNos(graph.forks)).toEqual([2]);
    expect(lineNos(graph.chain)).toEqual([8, 9, 10, 11, 12]);
    // The boundary's logicalParentUuid names b2a2, which the compaction kept after the boundary: not the pre-compact leaf.
    expect(lineNos(graph.preCompactChain)).toEqual([1, 2, 5, 6, 7]);
    const before = buildApiView(doc, graph, asWritten(NEWEST), graph.preCompactChain);
    expect(before.messages.map((m) => [m.role, lineNos(m.lines)])).toEqual([
      ['user', [1]],
      ['assistant', [2]],
      ['user', [5]],
      ['assistant', [6]],
      ['user', [7]],
    ]);
  });

  test('a second answer to the last tool result of the 2.1.19 session is a fork, and the newer branch is resumed', () => {
    const lines = entries('lean');
    const retry = structuredClone(entry(lines, 'df54582d'));
    Object.assign(retry, { uuid: 'eeeeeeee-0000-4000-8000-000000000001', timestamp: '2026-11-22T18:05:00.000Z' });
    retry.message.id = 'msg_retry';
    retry.message.content = [{ type: 'text', text: 'Retried: the endpoint is in src/health.js.' }];
    lines.push(retry);
    const doc = docOf(lines);
    const graph = buildGraph(doc);
    expect(lineNos(graph.forks)).toEqual([13]);
    expect(graph.leaf! + 1).toBe(15);
    expect(lineNos(graph.chain)).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 15]);
  });
});

describe('dangling', () => {
  test('a parent that names no line: a client that does not bridge sends only what follows it', () => {
    const lines = entries('lean');
    entry(lines, '7e285a2a').parentUuid = 'ffffffff-0000-4000-8000-000000000000';
    const doc = docOf(lines);
    expect(lineNos(buildGraph(doc).dangling)).toEqual([12]);
    expect(lineNos(buildGraph(doc, client('2.1.90')).chain)).toEqual([12, 13, 14]);
    // The newest bridges it to line 11, written 22 ms before line 12: the whole conversation again
    // (line 7 is the first parallel call's result, on its side branch).
    const bridged = buildGraph(doc, client('2.1.332'));
    expect(bridged.gaps.map((g) => [g.pos + 1, g.to! + 1, g.gapMs, g.bridged])).toEqual([[12, 11, 22, true]]);
    expect(lineNos(bridged.chain)).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14]);
  });
});
