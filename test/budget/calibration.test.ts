import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { turnEstimates } from '../../src/budget/calibrate.js';
import { buildApiView, type ApiView } from '../../src/conversation/apiView.js';
import { analyze } from '../../src/rules/analyze.js';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { PROJECTS, allTranscripts } from '../helpers/fixtures.js';

/**
 * Every real transcript, each part of it that had requests of its own (what
 * precedes the last compaction, and what is sent now). A subagent's transcript
 * is a conversation of its own whose lines are all marked as a sidechain: read
 * with that mark off, its requests are estimated like any other.
 */
function conversations(): { name: string; doc: Doc; view: ApiView }[] {
  return allTranscripts().flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const doc = docFromBuffer(Buffer.from(path.includes('/subagents/') ? text.replaceAll('"isSidechain":true', '"isSidechain":false') : text), path);
    const { graph, view } = analyze(doc);
    const name = relative(PROJECTS, path);
    const before = graph.preCompactChain.length
      ? [{ name: `${name} (before the compaction)`, doc, view: buildApiView(doc, graph, view.client, graph.preCompactChain) }]
      : [];
    return [...before, { name, doc, view }];
  });
}

const all = conversations();

describe('the estimate against the API counts of real transcripts', () => {
  test('the stand-in API of the 2.1.330 recordings and the hand-written file give no usable count', () => {
    // Their usage says 10 input tokens for requests whose messages alone are thousands: no count anchors them.
    for (const { name, doc, view } of all.filter((c) => /acme-shop|-tmp/.test(c.name))) {
      const turns = turnEstimates(doc, view);
      expect(
        turns.every((t) => t.count <= 15),
        name,
      ).toBe(true);
      expect(
        turns.every((t) => t.anchored === undefined),
        name,
      ).toBe(true);
    }
  });

  test('at every recorded turn after the first of its conversation, within 10% of the count', () => {
    let worst = { ratio: 1, at: '' };
    let worstFromFirst = { ratio: 1, at: '' };
    let turns = 0;
    const files = new Set<string>();
    for (const { name, doc, view } of all) {
      for (const t of turnEstimates(doc, view)) {
        if (t.anchored === undefined) continue;
        turns++;
        files.add(name.replace(/ \(.*/, ''));
        const at = (estimate: number) => `${name} line ${t.line} (count ${t.count}, estimate ${estimate})`;
        if (Math.abs(t.anchored / t.count - 1) > Math.abs(worst.ratio - 1)) worst = { ratio: t.anchored / t.count, at: at(t.anchored) };
        const r = t.fromFirst! / t.count;
        if (Math.abs(r - 1) > Math.abs(worstFromFirst.ratio - 1)) worstFromFirst = { ratio: r, at: at(t.fromFirst!) };
      }
    }
    console.log(`${turns} recorded turns in ${files.size} transcripts; worst estimate / API count: ${worst.ratio.toFixed(3)} at ${worst.at}`);
    console.log(`from each conversation's first count alone: worst ${worstFromFirst.ratio.toFixed(3)} at ${worstFromFirst.at}`);
    // The 2.1.39 session and its subagent, a 2.1.38 session (the other has one response), both 1.0.98 sessions.
    expect(files.size).toBe(5);
    expect(turns).toBe(165);
    expect(Math.abs(worst.ratio - 1)).toBeLessThanOrEqual(0.1);
  });
});
