// Builds a large transcript from the real 2.1.39 fixture: copies chained into one
// conversation, with uuids, tool ids and message ids made unique per copy.
// By default the compaction boundaries are removed, so the whole file is one
// long active chain (the worst case for the API view and the rules); with
// `keepCompactions` each copy keeps its compaction, as real long sessions do,
// and only what follows the last one is sent. Each copy is stamped after the one
// before, as a real session is written: clients that pick the newest entry to
// resume from then pick the end of the last copy.
import { readFileSync, createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SOURCE = fileURLToPath(
  new URL('../fixtures/claude-home/projects/-home-USER-projects-spotter-worktrees-spotter-dov/4d5611e5-241a-462a-8d15-5122611a9569.jsonl', import.meta.url),
);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const IDS = /\b(toolu_|msg_)([A-Za-z0-9]+)/g;
const TIMESTAMP = /"timestamp":"([^"]+)"/g;

export async function makeLarge(out, targetBytes, { keepCompactions = false } = {}) {
  const lines = readFileSync(SOURCE, 'utf8').split('\n').filter(Boolean);
  const stamps = lines.flatMap((l) => [...l.matchAll(TIMESTAMP)].map((m) => Date.parse(m[1]))).filter((t) => !Number.isNaN(t));
  // One copy's time span and a minute: copy k is stamped k spans later.
  const span = Math.max(...stamps) - Math.min(...stamps) + 60_000;
  const ws = createWriteStream(out);
  let written = 0;
  let lastTurn = null;
  for (let copy = 0; written < targetBytes; copy++) {
    const tag = copy.toString(16).padStart(4, '0');
    for (const raw of lines) {
      let line = raw
        .replace(UUID, (u) => u.slice(0, 24) + tag + u.slice(28))
        .replace(IDS, (_, p, id) => `${p}${id}c${tag}`)
        .replace(TIMESTAMP, (whole, t) => (Number.isNaN(Date.parse(t)) ? whole : `"timestamp":"${new Date(Date.parse(t) + copy * span).toISOString()}"`));
      const o = JSON.parse(line);
      const boundary = o.type === 'system' && o.subtype === 'compact_boundary';
      if (boundary && !keepCompactions) continue;
      // Roots (the copy's first turn) and the summary that hung off a dropped boundary continue the previous copy.
      if ((o.parentUuid === null && !boundary) || (o.isCompactSummary && !keepCompactions)) {
        o.parentUuid = lastTurn;
        line = JSON.stringify(o);
      }
      if ((o.type === 'user' || o.type === 'assistant') && !o.isSidechain) lastTurn = o.uuid;
      if (!ws.write(`${line}\n`)) await new Promise((r) => ws.once('drain', r));
      written += Buffer.byteLength(line) + 1;
    }
  }
  await new Promise((r) => ws.end(r));
  return written;
}
