import { z } from 'zod';

/*
 * Lenient schemas for transcript entries. Only the fields ccmend reasons about
 * are typed; other fields are not read from the parsed summary. They survive
 * anyway: untouched lines are written back from their original bytes, and an
 * edit re-parses its line in full.
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
  title: z.unknown().optional(),
});
export type Block = z.infer<typeof blockSchema>;

export const messageSchema = z.object({
  role: str,
  id: str,
  model: str,
  content: z.unknown().optional(),
  usage: z.unknown().optional(),
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
  agentId: str,
  attachment: z.unknown().optional(),
  compactMetadata: z.unknown().optional(),
  content: z.unknown().optional(),
  message: messageSchema.optional().catch(undefined),
  rendered: z.unknown().optional(),
});
export type Entry = z.infer<typeof entrySchema>;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Whether a value already has the shape `schema` describes, with no field
 * needing a fallback: then it can be used as it is. The check is read off the
 * schema itself. zod's parse builds a new object per line, which cost 0.2 s of
 * a 200 MB load; it is kept for the values that need its leniency (a field of
 * the wrong type, say), and for any kind of schema this check does not know.
 */
function exactCheck(schema: z.ZodType): (v: unknown) => boolean {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> };
  switch (def.type) {
    case 'catch':
      return exactCheck(def.innerType!); // a value that needs the fallback goes to zod
    case 'optional': {
      const inner = exactCheck(def.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = exactCheck(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'string':
      return (v) => typeof v === 'string';
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'unknown':
      return () => true;
    case 'object': {
      const keys = Object.keys(def.shape!);
      const checks = keys.map((key) => exactCheck(def.shape![key]!));
      // An indexed loop over two arrays: run on every line of a load, a callback per field added up.
      return (v) => {
        if (!isRecord(v)) return false;
        for (let i = 0; i < keys.length; i++) if (!checks[i]!(v[keys[i]!])) return false;
        return true;
      };
    }
    default:
      return () => false;
  }
}

/** Parses a value with `schema`, taking it as it is when it already fits (see exactCheck). */
function lenientParser<S extends z.ZodType>(schema: S): (value: unknown) => z.infer<S> | null {
  const fits = exactCheck(schema);
  return (value) => {
    if (fits(value)) return value as z.infer<S>;
    const r = schema.safeParse(value);
    return r.success ? r.data : null;
  };
}

const entry = lenientParser(entrySchema);

/** Parses one decoded JSON value as an entry; non-objects are not entries. */
export function parseEntry(value: unknown): Entry | null {
  return isRecord(value) ? entry(value) : null;
}

/** Parses one content block; null when it is not an object. */
export const parseBlock: (value: unknown) => Block | null = lenientParser(blockSchema);
