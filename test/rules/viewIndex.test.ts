import { expect, test } from 'vitest';
import { asWritten, NEWEST } from '../../src/conversation/clients.js';
import { buildApiView } from '../../src/conversation/apiView.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { viewIndex } from '../../src/rules/kit/blocks.js';
import { REAL, type RealName, realDoc } from '../helpers/fixtures.js';

test.each(Object.keys(REAL) as RealName[])('the index of %s lists each type of block as a walk over the view finds it', (name) => {
  const doc = realDoc(name);
  const view = buildApiView(doc, buildGraph(doc), asWritten(NEWEST));
  const ix = viewIndex(view);
  expect(viewIndex(view)).toBe(ix);

  const walk = view.messages.flatMap((m, message) => m.blocks.map((b, slot) => ({ b, message, slot })));
  for (const type of new Set([...walk.map((w) => w.b.info.type), 'no-such-type'])) {
    const want = walk.filter((w) => w.b.info.type === type);
    const got = ix.ofType(type);
    expect([...got.blocks]).toEqual(want.map((w) => w.b));
    expect([...got.message]).toEqual(want.map((w) => w.message));
    expect([...got.slot]).toEqual(want.map((w) => w.slot));
    expect([...got.sent]).toEqual(want.map((w) => w.b.info.sent));
    view.messages.forEach((_, m) => {
      expect(got.blocks.slice(got.start[m], got.start[m + 1])).toEqual(want.filter((w) => w.message === m).map((w) => w.b));
    });
  }
  expect([...ix.withImages.blocks]).toEqual(walk.filter((w) => w.b.info.images.length).map((w) => w.b));
  expect(ix.blockCount).toBe(walk.length);
  expect(ix.sentBytes).toBe(walk.reduce((n, w) => n + w.b.info.sent, 0));
});

test('views holding the same message objects in another array share one index; one message other is indexed afresh', () => {
  const doc = realDoc('long');
  const view = buildApiView(doc, buildGraph(doc), asWritten(NEWEST));
  const ix = viewIndex(view);
  expect(viewIndex({ ...view, messages: [...view.messages] })).toBe(ix);
  // The same messages but one, which holds its blocks in another order: its index is its own.
  const m = view.messages.findIndex((x) => x.blocks.length > 1);
  const swapped = { ...view.messages[m]!, blocks: [...view.messages[m]!.blocks].reverse() };
  const other = viewIndex({ ...view, messages: view.messages.map((x, k) => (k === m ? swapped : x)) });
  expect(other).not.toBe(ix);
  const type = swapped.blocks[0]!.info.type;
  expect(other.ofType(type).in(m)).toEqual(swapped.blocks.filter((b) => b.info.type === type));
  // A shorter array of the same first messages is another view too.
  expect(viewIndex({ ...view, messages: view.messages.slice(0, -1) }).blockCount).toBe(ix.blockCount - view.messages.at(-1)!.blocks.length);
});
