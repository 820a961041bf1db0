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
