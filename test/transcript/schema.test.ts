import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { blockSchema, entrySchema, messageSchema, parseBlock, parseEntry } from '../../src/transcript/schema.js';
import { allTranscripts } from '../helpers/fixtures.js';

/*
 * parseEntry and parseBlock take a value as it is when it already fits the
 * schema, and ask zod only otherwise. Whichever way, each field the schema
 * declares must read as zod's own parse gives it.
 */

const values = allTranscripts().flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    }),
);
const blocks = values.flatMap((v) => {
  const content = (v.message as { content?: unknown } | undefined)?.content;
  return Array.isArray(content) ? content : [];
});
const WRONG = [42, null, [], {}, 'x', true, undefined];

/** The fields a schema declares (nested objects too), as read from a parsed value. */
function declared(schema: typeof entrySchema | typeof blockSchema | typeof messageSchema, v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(schema.shape).map((key) => {
      const x = v[key];
      return [key, key === 'message' && schema === entrySchema && x ? declared(messageSchema, x as Record<string, unknown>) : x];
    }),
  );
}

function sameFields(schema: typeof entrySchema | typeof blockSchema, got: Record<string, unknown> | null, value: unknown) {
  const want = schema.safeParse(value);
  expect(got === null).toBe(!want.success);
  if (!want.success || !got) return;
  expect(declared(schema, got)).toEqual(declared(schema, want.data as Record<string, unknown>));
}

describe('the entry and block parsers', () => {
  test('read every real line and block as zod does', () => {
    expect(values.length).toBeGreaterThan(2000);
    for (const v of values) sameFields(entrySchema, parseEntry(v), v);
    for (const b of blocks) sameFields(blockSchema, parseBlock(b), b);
  });

  test('a field of the wrong type reads as zod reads it (unknown, or its fallback), the rest as it was', () => {
    const sample = values.filter((_, i) => i % 25 === 0);
    let checked = 0;
    for (const v of sample) {
      for (const key of Object.keys(entrySchema.shape)) {
        for (const wrong of WRONG) {
          const damaged = { ...v, [key]: wrong };
          sameFields(entrySchema, parseEntry(damaged), damaged);
          checked++;
        }
      }
      const message = v.message as Record<string, unknown> | undefined;
      if (message)
        for (const wrong of WRONG)
          sameFields(entrySchema, parseEntry({ ...v, message: { ...message, id: wrong } }), { ...v, message: { ...message, id: wrong } });
    }
    for (const b of blocks.slice(0, 200)) for (const wrong of WRONG) sameFields(blockSchema, parseBlock({ ...b, type: wrong }), { ...b, type: wrong });
    expect(checked).toBeGreaterThan(1000);
  });

  test('non-objects are not entries; a block that is not an object is no block', () => {
    for (const v of [null, 1, 'a', [], true]) expect(parseEntry(v)).toBeNull();
    for (const v of [null, 1, 'a', []]) expect(parseBlock(v)).toBeNull();
  });
});
