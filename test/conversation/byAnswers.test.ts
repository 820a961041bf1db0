import { describe, expect, test } from 'vitest';
import { buildApiView } from '../../src/conversation/apiView.js';
import { ByAnswers, type Client, clientOf } from '../../src/conversation/clients.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { realDoc } from '../helpers/fixtures.js';

const client = (v: string): Client => clientOf(v)!;

describe('ByAnswers', () => {
  test('a client that answers every question asked alike gets the kept result; one that answers one differently runs it', () => {
    const memo = new ByAnswers<string>();
    let runs = 0;
    const blank = (c: Client) => memo.get(c, (asking) => `${++runs}:${asking.has('drop-blank-text')}`);
    // 2.1.32 and 2.1.330 both drop blank text; 2.1.31 does not.
    expect(blank(client('2.1.32'))).toBe('1:true');
    expect(blank(client('2.1.330'))).toBe('1:true');
    expect(blank(client('2.1.31'))).toBe('2:false');
    expect(blank(client('1.0.98'))).toBe('2:false');
    expect(runs).toBe(2);
  });

  test('questions asked only on some roads: the result of a road holds for the clients that take it', () => {
    const memo = new ByAnswers<string>();
    let runs = 0;
    // Bridging is asked about only when blank text is dropped.
    const road = (c: Client) => memo.get(c, (a) => `${++runs}:${a.has('drop-blank-text') ? a.has('bridge-gaps') : 'kept'}`);
    expect(road(client('2.1.20'))).toBe('1:kept');
    expect(road(client('2.1.31'))).toBe('1:kept');
    expect(road(client('2.1.32'))).toBe('2:false');
    expect(road(client('2.1.91'))).toBe('3:true');
    expect(road(client('2.1.330'))).toBe('3:true');
    expect(runs).toBe(3);
  });

  test('a computation in steps is kept as get keeps one; one done meanwhile for a client that answers alike is the value both share', () => {
    const memo = new ByAnswers<string>();
    let runs = 0;
    const inSteps = (c: Client) =>
      memo.stepwise(c, function* (asking) {
        const drops = asking.has('drop-blank-text');
        yield;
        return `${++runs}:${drops}`;
      });
    const paused = inSteps(client('2.1.32'));
    expect(paused.next()).toEqual({ done: false, value: undefined });
    // While it is paused, 2.1.330 (which drops blank text too) computes the value at once.
    expect(memo.get(client('2.1.330'), (a) => `${++runs}:${a.has('drop-blank-text')}`)).toBe('1:true');
    expect(paused.next()).toEqual({ done: true, value: '1:true' });
    const again = inSteps(client('2.1.91'));
    expect(again.next()).toEqual({ done: true, value: '1:true' });
    expect(runs).toBe(2);
  });

  test('a computation that reads the version is kept for that version only', () => {
    const memo = new ByAnswers<string>();
    const named = (c: Client) => memo.get(c, (a) => a.version);
    expect(named(client('2.1.330'))).toBe('2.1.330');
    expect(named(client('2.1.332'))).toBe('2.1.332');
  });
});

describe('generations that differ only in behaviours a document never calls on share its view', () => {
  // The 2.1.19 session holds no blank text, no API error and no overlong tool name.
  const doc = realDoc('lean');

  test('2.1.31 and 2.1.32 (blank text dropped or not) send the very same messages', () => {
    const older = buildApiView(doc, buildGraph(doc, client('2.1.31')), client('2.1.31'));
    const newer = buildApiView(doc, buildGraph(doc, client('2.1.32')), client('2.1.32'));
    expect(newer.messages).toBe(older.messages);
  });

  test('2.1.79 and 2.1.80 do not: 2.1.80 also sends the parallel calls on side branches', () => {
    const older = buildApiView(doc, buildGraph(doc, client('2.1.79')), client('2.1.79'));
    const newer = buildApiView(doc, buildGraph(doc, client('2.1.80')), client('2.1.80'));
    expect(newer.messages).not.toBe(older.messages);
    expect(newer.messages.flatMap((m) => m.lines).length).toBeGreaterThan(older.messages.flatMap((m) => m.lines).length);
  });
});
