import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { applyEdits } from '../../src/edit/apply.js';
import { type History, isDirty, push, redo, startHistory, undo } from '../../src/edit/history.js';
import type { Edit } from '../../src/edit/types.js';
import type { Line } from '../../src/transcript/document.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { realDoc } from '../helpers/fixtures.js';

/** A full garbage collection (exposed for this process if node was not started with --expose-gc). */
function collector(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Collects garbage until the documents are gone (a WeakRef's target lives at
 * least until the job that made it ends, and a collection may find the last
 * ones still on a stack): fails if they stay.
 */
async function collected(docs: readonly WeakRef<object>[]): Promise<void> {
  const gc = collector();
  for (let tries = 0; tries < 10 && docs.some((d) => d.deref()); tries++) {
    await new Promise((r) => setTimeout(r, 0));
    gc();
  }
  expect(docs.filter((d) => d.deref())).toHaveLength(0);
}

/** Five editor edits of the real 2.1.39 session, pushed on a history; what each version was, kept apart from its document. */
function edited() {
  const loaded = realDoc('long');
  const entries = loaded.lines.filter((l) => l.info.kind === 'entry' && l.info.uuid);
  const edits: Edit[] = [
    { op: 'delete-line', key: entries[100]!.key },
    { op: 'set', key: entries[200]!.key, path: ['isMeta'], value: true },
    { op: 'merge-lines', key: entries[301]!.key, intoKey: entries[300]!.key },
    {
      op: 'insert-line',
      afterKey: entries[400]!.key,
      value: { type: 'user', uuid: 'inserted', parentUuid: entries[400]!.info.uuid, message: { role: 'user', content: 'hi' } },
    },
    { op: 'rewind', keys: [entries[entries.length - 20]!.key] },
  ];
  let h = startHistory(loaded);
  const lines: (readonly Line[])[] = [loaded.lines];
  const bytes = [serializeToBuffer(loaded)];
  const docs = [new WeakRef(loaded)];
  edits.forEach((e, i) => {
    const next = applyEdits(h.present, [e]);
    h = push(h, next, `edit ${i}`);
    lines.push(next.lines);
    bytes.push(serializeToBuffer(next));
    docs.push(new WeakRef(next));
  });
  return { h, lines, bytes, docs };
}

const sameLines = (a: readonly Line[], b: readonly Line[]) => a.length === b.length && a.every((l, i) => l === b[i]);

describe('history', () => {
  test('a version whose document nothing keeps any more is rebuilt from its splices: the same lines, the same bytes', async () => {
    const versions = edited();
    let h: History = versions.h;
    const { lines, bytes, docs } = versions;
    await collected(docs.slice(0, -1));
    for (let i = lines.length - 2; i >= 0; i--) {
      h = undo(h);
      expect(sameLines(h.present.lines, lines[i]!)).toBe(true);
      expect(serializeToBuffer(h.present).equals(bytes[i]!)).toBe(true);
      expect(h.label).toBe(i ? `edit ${i - 1}` : undefined);
      expect(isDirty(h)).toBe(i !== 0);
    }
    for (let i = 1; i < lines.length; i++) {
      h = redo(h);
      expect(sameLines(h.present.lines, lines[i]!)).toBe(true);
      expect(serializeToBuffer(h.present).equals(bytes[i]!)).toBe(true);
      expect(isDirty(h)).toBe(true);
    }
  });
});
