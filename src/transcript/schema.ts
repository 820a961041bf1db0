import { z } from 'zod';

/*
 * Lenient schemas for transcript entries. Only the fields ccmend reasons about
 * are read; other fields are left out of the parsed summary (z.object strips
 * them: copying them, as looseObject does, cost a third of the validation on a
 * 200 MB load). They survive anyway: untouched lines are written back from
 * their original bytes, and an edit re-parses its line in full.
 * A field of the wrong type makes the field unknown, never the line unreadable.
 */

const str = z.string().optional().catch(undefined);
const bool = z.boolean().optional().catch(undefined);

export const blockSchema = z.object({
  type: z.string().catch('unknown'),
  text: z.unknown().optional(),
  thinking: z.unknown().optional(),
  signature: z.unknown().optional(),
  id: z.unknown().optional(),
  name: z.unknown().optional(),
  input: z.unknown().optional(),
  tool_use_id: z.unknown().optional(),
  content: z.unknown().optional(),
  is_error: z.unknown().optional(),
  source: z.unknown().optional(),
});
export type Block = z.infer<typeof blockSchema>;

export const messageSchema = z.object({
  role: str,
  id: str,
  content: z.unknown().optional(),
});

export const entrySchema = z.object({
  type: z.string().catch('unknown'),
  subtype: str,
  uuid: str,
  parentUuid: z.string().nullable().optional().catch(undefined),
  logicalParentUuid: z.string().nullable().optional().catch(undefined),
  isSidechain: bool,
  isMeta: bool,
  isCompactSummary: bool,
  isVisibleInTranscriptOnly: bool,
  isApiErrorMessage: bool,
  sessionId: str,
  version: str,
  cwd: str,
  gitBranch: str,
  timestamp: str,
  leafUuid: str,
  content: z.unknown().optional(),
  message: messageSchema.optional().catch(undefined),
  rendered: z.unknown().optional(),
});
export type Entry = z.infer<typeof entrySchema>;

/** Parses one decoded JSON value as an entry; non-objects are not entries. */
export function parseEntry(value: unknown): Entry | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const r = entrySchema.safeParse(value);
  return r.success ? r.data : null;
}
