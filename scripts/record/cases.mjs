// The transcripts real Claude Code clients are asked to resume: every real fixture as it is, and broken
// variants built from them. Each variant is a pure, deterministic function of its fixture's text that
// changes as little as possible (one line dropped, one field edited, a line or two inserted), so the
// recorded requests show what a client does with exactly that damage. Tests regenerate the variants from
// the fixtures, so only the fixtures and the recordings are committed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_PROJECTS = fileURLToPath(new URL('../../fixtures/claude-home/projects/', import.meta.url));

/** The real transcripts (paths under fixtures/claude-home/projects), by the client that wrote them. */
export const FIXTURES = {
  /** 2.1.19: lean format, two parallel calls (Read, Bash), Write/Edit errors. */
  lean219: '-home-demo-acme-shop/d0ea885a-0f80-4843-82bb-f06c71bdbf28.jsonl',
  /** 2.1.330: parallel calls, an Agent call with its subagent, a real /compact with preservedSegment. */
  compact330: '-home-demo-acme-shop/55cec905-72ad-4d63-801c-986d82b42bf0.jsonl',
  /** 2.1.330: thinking, text and two parallel Bash calls, attachments after the results. */
  parallel330: '-home-demo-acme-shop/a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1.jsonl',
  /** 2.1.330: a Read of a PNG, the tool_result holds an image block. */
  image330: '-home-demo-acme-shop/72ee3283-d363-4ab4-9bb9-6d0e0b8aed55.jsonl',
  /** 2.1.39: a long real session with progress lines, a compaction and subagents. */
  long239: '-home-USER-projects-spotter-worktrees-spotter-dov/4d5611e5-241a-462a-8d15-5122611a9569.jsonl',
  /** 2.1.38: whitespace text before thinking, an interrupted tool use, local commands at the end. */
  localCommand238: '-home-marco-projects-spotter/55604662-cf2a-4331-851a-ec234028f8ca.jsonl',
  /** 2.1.38: queue operations, interruptions, parallel WebSearch and Glob, local commands mid-file. */
  queue238: '-home-marco-projects-spotter/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl',
  /** 1.0.98: inline sidechains, parallel Task calls, a summary line. */
  old098: '-path-to-Demo/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl',
  /** 1.0.98: parallel calls chained linearly, an isMeta slash command. */
  oldLinear098: '-path-to-Demo/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl',
  /** hand-written (session id "s2"): a rewind fork and a compact boundary with preservedSegment. */
  fork: '-tmp/s2.jsonl',
};

/** The prompt every recording resumes with; the recorder finds the main request by it. */
export const PROBE = 'ccmend-probe';

/** The API's image limit, measured on the base64 text. */
const IMAGE_LIMIT = 5 * 1024 * 1024;

/** @param {string} seed */
function sha256(seed) {
  return createHash('sha256').update(seed).digest('hex');
}

/** A uuid derived from another one, so inserted lines get stable, distinct ids. @param {string} uuid @param {string} tag */
export function derivedUuid(uuid, tag) {
  const h = sha256(`${uuid}:${tag}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The lines of a transcript, edited in place by uuid (a unique prefix is enough). Untouched lines keep
 * their bytes; an edited line is serialised again with JSON.stringify, as Claude Code writes them.
 */
class Lines {
  /** @param {string} text */
  constructor(text) {
    /** @type {string[]} the raw lines; the element after a final newline is '' */
    this.rows = text.split('\n');
  }

  text() {
    return this.rows.join('\n');
  }

  /** @param {number} i @returns {any} */
  parsed(i) {
    try {
      return JSON.parse(this.rows[i]);
    } catch {
      return undefined;
    }
  }

  /** The index of the one line whose uuid starts with `prefix`. @param {string} prefix */
  at(prefix) {
    const hits = [];
    for (let i = 0; i < this.rows.length; i++) {
      const uuid = this.parsed(i)?.uuid;
      if (typeof uuid === 'string' && uuid.startsWith(prefix)) hits.push(i);
    }
    if (hits.length !== 1) throw new Error(`uuid prefix ${prefix} matches ${hits.length} lines`);
    return hits[0];
  }

  /** @param {string} prefix */
  get(prefix) {
    return this.parsed(this.at(prefix));
  }

  /** @param {string} prefix @param {(entry: any) => void} change */
  update(prefix, change) {
    const i = this.at(prefix);
    const entry = this.parsed(i);
    change(entry);
    this.rows[i] = JSON.stringify(entry);
  }

  /** @param {string} prefix @param {(block: any) => void} change */
  updateBlock(prefix, change, blockIndex = 0) {
    this.update(prefix, (entry) => change(entry.message.content[blockIndex]));
  }

  /** @param {string} prefix */
  remove(prefix) {
    this.rows.splice(this.at(prefix), 1);
  }

  /** Removes a line and hangs its children under its parent, so the chain stays whole. @param {string} prefix */
  removeRelinked(prefix) {
    const { uuid, parentUuid } = this.get(prefix);
    this.remove(prefix);
    this.relinkChildren(uuid, parentUuid);
  }

  /** @param {string} fromUuid @param {string | null} toUuid @param {number} [except] a row to leave alone */
  relinkChildren(fromUuid, toUuid, except) {
    for (let i = 0; i < this.rows.length; i++) {
      if (i === except || this.parsed(i)?.parentUuid !== fromUuid) continue;
      const entry = this.parsed(i);
      entry.parentUuid = toUuid;
      this.rows[i] = JSON.stringify(entry);
    }
  }

  /** @param {string} prefix @param {...unknown} entries */
  insertAfter(prefix, ...entries) {
    this.rows.splice(this.at(prefix) + 1, 0, ...entries.map((e) => JSON.stringify(e)));
  }

  /** @param {...unknown} entries */
  append(...entries) {
    const end = this.rows.at(-1) === '' ? this.rows.length - 1 : this.rows.length;
    this.rows.splice(end, 0, ...entries.map((e) => JSON.stringify(e)));
  }

  /**
   * Copies of the line `prefix`, one per content block, inserted after it as continuations of the same
   * response: each hangs under the previous one and the original's children move under the last copy.
   * @param {string} prefix @param {string} tag @param {unknown[]} blocks
   */
  continueResponse(prefix, tag, blocks) {
    const original = this.get(prefix);
    const inserted = [];
    let parent = original.uuid;
    let time = Date.parse(original.timestamp);
    for (const [n, block] of blocks.entries()) {
      const copy = structuredClone(original);
      copy.uuid = derivedUuid(original.uuid, `${tag}-${n}`);
      copy.parentUuid = parent;
      copy.timestamp = new Date((time += 1)).toISOString();
      copy.message.content = [block];
      inserted.push(copy);
      parent = copy.uuid;
    }
    this.insertAfter(prefix, ...inserted);
    this.relinkChildren(original.uuid, parent, this.at(inserted[0].uuid));
  }

  /** Lines from `prefix` to the end move later by `ms`. @param {string} prefix @param {number} ms */
  shiftFrom(prefix, ms) {
    for (let i = this.at(prefix); i < this.rows.length; i++) {
      const entry = this.parsed(i);
      if (typeof entry?.timestamp !== 'string') continue;
      entry.timestamp = new Date(Date.parse(entry.timestamp) + ms).toISOString();
      this.rows[i] = JSON.stringify(entry);
    }
  }

  /**
   * Moves the line `prefix` and everything after it so that it comes `gapMs` after the latest timestamp
   * of the chain entries before it in the file (the entry a client that bridges gaps would hang it under).
   * @param {string} prefix @param {number} gapMs
   */
  placeAfterPredecessor(prefix, gapMs) {
    const i = this.at(prefix);
    let latest = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < i; j++) {
      const entry = this.parsed(j);
      if (typeof entry?.uuid === 'string' && typeof entry.timestamp === 'string') latest = Math.max(latest, Date.parse(entry.timestamp));
    }
    this.shiftFrom(prefix, latest + gapMs - Date.parse(this.parsed(i).timestamp));
  }

  /** Keeps lines up to and including `prefix`, as if the writer stopped there. @param {string} prefix */
  truncateAfter(prefix) {
    this.rows.splice(this.at(prefix) + 1, this.rows.length, '');
  }

  /** Cuts the line `prefix` to half its length, as a writer killed mid-line leaves it. @param {string} prefix */
  tear(prefix) {
    const i = this.at(prefix);
    this.rows[i] = this.rows[i].slice(0, Math.floor(this.rows[i].length / 2));
  }
}

/** @param {(lines: Lines) => void} change @returns {(text: string) => string} */
function edit(change) {
  return (text) => {
    const lines = new Lines(text);
    change(lines);
    return lines.text();
  };
}

// --- images, generated deterministically so the cases need no binary files ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Uint8Array} bytes */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zlib framing around stored (uncompressed) deflate blocks: byte-for-byte the same on every platform. @param {Uint8Array} raw */
function zlibStored(raw) {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = Buffer.alloc(2 + raw.length + blocks * 5 + 4);
  let o = 0;
  out[o++] = 0x78;
  out[o++] = 0x01;
  for (let b = 0; b < blocks; b++) {
    const chunk = raw.subarray(b * 65535, Math.min(raw.length, (b + 1) * 65535));
    out[o++] = b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(chunk.length, o);
    out.writeUInt16LE(~chunk.length & 0xffff, o + 2);
    o += 4;
    out.set(chunk, o);
    o += chunk.length;
  }
  let a = 1;
  let s = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    s = (s + a) % 65521;
  }
  out.writeUInt32BE(((s << 16) | a) >>> 0, o);
  return out;
}

/** @param {string} type @param {Uint8Array} data */
function pngChunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

const PNG_WIDTH = 1024;
const PNG_ROW_BYTES = 1 + PNG_WIDTH * 3;

/** A valid RGB PNG of noise (incompressible, like a photo), `height` rows of 1024 pixels. @param {number} height */
function noisePng(height) {
  const raw = Buffer.alloc(height * PNG_ROW_BYTES);
  let x = 0x2545f491;
  for (let i = 0; i < raw.length; i++) {
    if (i % PNG_ROW_BYTES === 0) continue; // each row starts with filter byte 0 (none)
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    raw[i] = x & 0xff;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(PNG_WIDTH, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', zlibStored(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** The byte length of noisePng(height), without building it. @param {number} height */
function noisePngLength(height) {
  const raw = height * PNG_ROW_BYTES;
  return 8 + 25 + 12 + (2 + raw + 5 * Math.ceil(raw / 65535) + 4) + 12;
}

/**
 * The base64 of the noise PNG just past the image limit (the fewest rows whose size, as `measure`
 * counts it from the PNG's byte length, is over 5 MB), or just before it (the most rows still under).
 * @param {(bytes: number) => number} measure @param {'over' | 'under'} side
 */
function noisePngBase64(measure, side) {
  let height = 1;
  while (measure(noisePngLength(height + 1)) <= IMAGE_LIMIT) height += 1;
  return noisePng(side === 'over' ? height + 1 : height).toString('base64');
}

/** @param {number} bytes */
const base64Length = (bytes) => Math.ceil(bytes / 3) * 4;

// --- the cases ---

/**
 * @typedef {object} RecordingCase
 * @property {string} name
 * @property {string} source the fixture, relative to fixtures/claude-home/projects
 * @property {string} description what is different from the fixture, and what it probes
 * @property {(text: string) => string} [transform] the fixture's text to the case's text; absent for a real fixture as it is
 * @property {string} [sessionId] the session id the case is stored and resumed under, when not the fixture's file name
 * @property {string} [model] the model it is resumed with, when not that of its last assistant line (it has none)
 */

/** @type {RecordingCase[]} */
const real = Object.entries(FIXTURES).map(([key, source]) => ({
  name: `real-${key}`,
  source,
  description: `the real fixture ${basename(source)}, unchanged`,
}));

/** Real lean 2.1.19 file: uuid prefixes of its lines. */
const L = {
  prompt: 'aa6ef44a',
  thinking: '1f77a645',
  text: '30631387',
  read: 'ed05c3e4',
  bash: '1fe41cb6',
  readResult: '785a36a8',
  bashResult: 'c8cd14ac',
  writeText: '629f6c51',
  write: 'd1c67e04',
  writeResult: 'b89f34a5',
  edit: '7e285a2a',
  editResult: 'd8f9c4c6',
  final: 'df54582d',
};

/** Real 2.1.330 parallel file. */
const P = {
  prompt: '2e5e0adf',
  attribution: 'b3233a04',
  lastAttachment: '1c154cc1',
  thinking: '9f86cf6b',
  text: '4b7eae47',
  bashA: '098eb2e4',
  bashB: '76c0eca2',
  resultA: 'e8486ca7',
  resultB: 'e132e620',
  snapshot: '00c7f4cd',
  final: '1535f983',
};

/** Real 2.1.330 image file. */
const I = { prompt: '103bd783', result: '3bc009e6', final: '83931fb0' };

/** @param {(block: any) => void} change the image block of the Read result @returns {(text: string) => string} */
const editImage = (change) => edit((l) => l.update(I.result, (e) => change(e.message.content[0].content[0])));

/** @param {number} gapMs @param {string} dropped @param {string} child */
const gap = (dropped, child, gapMs) =>
  edit((l) => {
    l.remove(dropped);
    l.placeAfterPredecessor(child, gapMs);
  });

const SERVER_TOOL_USE = { type: 'server_tool_use', id: 'srvtoolu_01AcmeDocsSearch', name: 'web_search', input: { query: 'express health check endpoint' } };
const WEB_SEARCH_RESULT = {
  type: 'web_search_tool_result',
  tool_use_id: 'srvtoolu_01AcmeDocsSearch',
  content: [
    {
      type: 'web_search_result',
      title: 'Health checks and graceful shutdown',
      url: 'https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html',
      encrypted_content: 'RXhwcmVzcyBoZWFsdGggY2hlY2tz',
      page_age: null,
    },
  ],
};

const S2_SESSION = derivedUuid('s2', 'session');

/** @type {RecordingCase[]} */
const broken = [
  // A gap in the parentUuid chain: one line lost, its child dangling.
  ...[1000, 4800, 5200, 60000].map((ms) => ({
    name: `gap-${ms < 60000 ? `${ms}ms` : '60s'}`,
    source: FIXTURES.lean219,
    description: `the text line opening the Write response dropped; the response's tool_use line now dangles, ${ms} ms after the latest earlier entry (later lines shifted)`,
    transform: gap(L.writeText, L.write, ms),
  })),
  ...[1000, 60000].map((ms) => ({
    name: `gap-orphan-first-${ms / 1000}s`,
    source: FIXTURES.lean219,
    description: `the Bash tool_use line dropped: its result dangles ${ms / 1000} s after the latest earlier entry, so what follows the gap starts with an orphan tool_result`,
    transform: gap(L.bash, L.bashResult, ms),
  })),
  {
    name: 'gap-330',
    source: FIXTURES.parallel330,
    description: 'the text line of the parallel response dropped (2.1.330 format); the first Bash tool_use dangles 5 ms after the thinking line',
    transform: edit((l) => l.remove(P.text)),
  },
  {
    name: 'gap-239',
    source: FIXTURES.long239,
    description: 'a text line after the compaction dropped (2.1.39 format); its tool_use line dangles, with the real timing',
    transform: edit((l) => l.remove('7ce02cd1')),
  },
  {
    name: 'torn-line',
    source: FIXTURES.queue238,
    description: 'an assistant text line mid-file cut to half its length (torn JSON); the next line dangles',
    transform: edit((l) => l.tear('77c5c1c5')),
  },
  {
    name: 'torn-last-line',
    source: FIXTURES.lean219,
    description: 'the final assistant line cut to half its length, with no newline after it',
    transform: (text) => {
      const lines = new Lines(text);
      lines.tear(L.final);
      return lines.text().replace(/\n$/, '');
    },
  },
  {
    name: 'orphan-result-mid',
    source: FIXTURES.lean219,
    description: 'the Write tool_use line removed (its result relinked to the text before it): an orphan tool_result mid-conversation',
    transform: edit((l) => l.removeRelinked(L.write)),
  },
  {
    name: 'orphan-result-parallel-330',
    source: FIXTURES.parallel330,
    description: 'the first of two parallel Bash tool_use lines removed (children relinked): its result is an orphan on a side branch',
    transform: edit((l) => l.removeRelinked(P.bashA)),
  },
  {
    name: 'tool-use-unanswered-mid',
    source: FIXTURES.lean219,
    description: 'the Write tool_result line removed (the next response relinked to the tool_use): an unanswered tool_use mid-file',
    transform: edit((l) => l.removeRelinked(L.writeResult)),
  },
  {
    name: 'tool-use-unanswered-end',
    source: FIXTURES.lean219,
    description: 'the file ends on the Edit tool_use (its result and the final answer cut off)',
    transform: edit((l) => l.truncateAfter(L.edit)),
  },
  {
    name: 'parallel-result-missing',
    source: FIXTURES.parallel330,
    description: 'the second parallel Bash result removed (the attachments after it relinked to its tool_use)',
    transform: edit((l) => l.removeRelinked(P.resultB)),
  },
  {
    name: 'parallel-result-missing-end',
    source: FIXTURES.parallel330,
    description: 'the file ends after the first of two parallel results (the writer stopped there)',
    transform: edit((l) => l.truncateAfter(P.resultA)),
  },
  {
    name: 'text-empty-in-response',
    source: FIXTURES.lean219,
    description: 'the text line between thinking and the tool calls of the first response is ""',
    transform: edit((l) => l.updateBlock(L.text, (b) => (b.text = ''))),
  },
  {
    name: 'text-whitespace-in-response',
    source: FIXTURES.lean219,
    description: 'the text line between thinking and the tool calls of the first response is "\\n\\n"',
    transform: edit((l) => l.updateBlock(L.text, (b) => (b.text = '\n\n'))),
  },
  {
    name: 'text-only-whitespace-message',
    source: FIXTURES.old098,
    description: 'a text-only assistant message between a tool result and the next prompt is "\\n\\n" (1.0.98 format)',
    transform: edit((l) => l.updateBlock('fa393e1e', (b) => (b.text = '\n\n'))),
  },
  {
    name: 'final-text-trailing-whitespace',
    source: FIXTURES.lean219,
    description: 'the last assistant text ends in "\\n\\n"',
    transform: edit((l) => l.updateBlock(L.final, (b) => (b.text += '\n\n'))),
  },
  {
    name: 'final-text-whitespace-only',
    source: FIXTURES.lean219,
    description: 'the last assistant text is "\\n\\n"',
    transform: edit((l) => l.updateBlock(L.final, (b) => (b.text = '\n\n'))),
  },
  {
    name: 'tool-use-id-duplicate-line',
    source: FIXTURES.lean219,
    description: 'the Edit tool_use line written twice (the copy has a new uuid and hangs under the original; the result under the copy)',
    transform: edit((l) => {
      const original = l.get(L.edit);
      const copy = { ...original, uuid: derivedUuid(original.uuid, 'duplicate') };
      copy.parentUuid = original.uuid;
      l.insertAfter(L.edit, copy);
      l.relinkChildren(original.uuid, copy.uuid, l.at(copy.uuid));
    }),
  },
  {
    name: 'tool-use-id-reused-later',
    source: FIXTURES.lean219,
    description: 'the later Edit call (and its result) reuses the id of the earlier Write call',
    transform: editCallAs('toolu_01WriteHealth'),
  },
  {
    name: 'tool-result-id-batch-entry',
    source: FIXTURES.lean219,
    description: 'the later Edit call (and its result) has the id of the earlier Write call and "_2" (how fix once renamed a reused id)',
    transform: editCallAs('toolu_01WriteHealth_2'),
  },
  {
    name: 'tool-result-duplicate',
    source: FIXTURES.lean219,
    description: 'the Edit tool_result line written twice (the copy has a new uuid; the final answer hangs under the copy)',
    transform: edit((l) => {
      const original = l.get(L.editResult);
      const copy = { ...original, uuid: derivedUuid(original.uuid, 'duplicate'), parentUuid: original.uuid };
      l.insertAfter(L.editResult, copy);
      l.relinkChildren(original.uuid, copy.uuid, l.at(copy.uuid));
    }),
  },
  {
    name: 'tool-result-error-empty',
    source: FIXTURES.lean219,
    description: 'the Write tool_result (is_error: true) has empty content ""',
    transform: edit((l) => l.updateBlock(L.writeResult, (b) => (b.content = ''))),
  },
  {
    name: 'tool-id-invalid-chars',
    source: FIXTURES.lean219,
    description: 'the Edit tool_use id and its result use "toolu_01Edit.Health" (a dot is outside the allowed id pattern)',
    transform: edit((l) => {
      l.updateBlock(L.edit, (b) => (b.id = 'toolu_01Edit.Health'));
      l.updateBlock(L.editResult, (b) => (b.tool_use_id = 'toolu_01Edit.Health'));
    }),
  },
  {
    name: 'image-over-5mb',
    source: FIXTURES.image330,
    description: 'the PNG in the Read result replaced by a valid noise PNG whose base64 is just over 5 MB (5,242,880 characters)',
    transform: editImage((b) => (b.source.data = noisePngBase64(base64Length, 'over'))),
  },
  {
    name: 'image-under-5mb',
    source: FIXTURES.image330,
    description: 'the PNG in the Read result replaced by a valid noise PNG whose base64 is just under 5 MB',
    transform: editImage((b) => (b.source.data = noisePngBase64(base64Length, 'under'))),
  },
  {
    name: 'image-decoded-over-5mb',
    source: FIXTURES.image330,
    description: 'the PNG in the Read result replaced by a valid noise PNG of just over 5 MB decoded (its base64 is about 7 MB)',
    transform: editImage((b) => (b.source.data = noisePngBase64((bytes) => bytes, 'over'))),
  },
  {
    name: 'image-empty-data',
    source: FIXTURES.image330,
    description: 'the image in the Read result has data ""',
    transform: editImage((b) => (b.source.data = '')),
  },
  {
    name: 'image-media-type-mismatch',
    source: FIXTURES.image330,
    description: 'the PNG in the Read result is labelled image/jpeg',
    transform: editImage((b) => (b.source.media_type = 'image/jpeg')),
  },
  {
    name: 'image-svg',
    source: FIXTURES.image330,
    description: 'the image in the Read result is an SVG (media_type image/svg+xml)',
    transform: editImage((b) => {
      b.source.media_type = 'image/svg+xml';
      b.source.data = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>').toString(
        'base64',
      );
    }),
  },
  {
    name: 'document-not-pdf',
    source: FIXTURES.image330,
    description: 'the image in the Read result turned into a document block labelled application/pdf whose bytes are the PNG',
    transform: edit((l) =>
      l.update(I.result, (e) => {
        const image = e.message.content[0].content[0];
        e.message.content[0].content[0] = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: image.source.data } };
      }),
    ),
  },
  {
    name: 'user-image-empty-text-end',
    source: FIXTURES.image330,
    description: 'a last user line holding only the logo image and an empty text block (where a client puts its cache breakpoint)',
    transform: edit((l) => {
      const prompt = l.get(I.prompt);
      const image = l.get(I.result).message.content[0].content[0];
      const final = l.get(I.final);
      l.append({
        ...prompt,
        parentUuid: final.uuid,
        uuid: derivedUuid(prompt.uuid, 'image-prompt'),
        timestamp: new Date(Date.parse(final.timestamp) + 1000).toISOString(),
        message: { role: 'user', content: [image, { type: 'text', text: '' }] },
      });
    }),
  },
  {
    name: 'fork-newest-not-last',
    source: FIXTURES.lean219,
    description:
      'a rewind fork appended at the end: a new prompt and answer hanging under the Bash result, timestamped before the original final answer (the newest timestamp is not the last line)',
    transform: edit((l) => {
      const prompt = l.get(L.prompt);
      const final = l.get(L.final);
      const base = Date.parse(l.get(L.bashResult).timestamp);
      const forkPrompt = {
        ...prompt,
        parentUuid: l.get(L.bashResult).uuid,
        uuid: derivedUuid(prompt.uuid, 'fork'),
        timestamp: new Date(base + 10).toISOString(),
        message: { role: 'user', content: 'Use a /ready route instead' },
      };
      const forkAnswer = {
        ...final,
        parentUuid: forkPrompt.uuid,
        uuid: derivedUuid(final.uuid, 'fork'),
        timestamp: new Date(base + 20).toISOString(),
        message: { ...final.message, id: 'msg_fork0000000000000001', content: [{ type: 'text', text: 'The /ready route is in src/ready.js.' }] },
      };
      l.append(forkPrompt, forkAnswer);
    }),
  },
  {
    name: 'fork-last-prompt-earlier-leaf',
    source: FIXTURES.parallel330,
    description:
      'a rewind fork (a new first prompt and answer, the newest timestamps) inserted before the final last-prompt line, which still names the original leaf',
    transform: edit((l) => {
      const prompt = l.get(P.prompt);
      const final = l.get(P.final);
      const base = Date.parse(final.timestamp);
      const forkPrompt = {
        ...prompt,
        uuid: derivedUuid(prompt.uuid, 'fork'),
        timestamp: new Date(base + 1000).toISOString(),
        message: { role: 'user', content: 'run one command' },
      };
      const forkAnswer = {
        ...final,
        parentUuid: forkPrompt.uuid,
        uuid: derivedUuid(final.uuid, 'fork'),
        timestamp: new Date(base + 1100).toISOString(),
        message: { ...final.message, id: 'msg_fork0000000000000002', content: [{ type: 'text', text: 'Ran one command: alpha.' }] },
      };
      l.insertAfter(P.final, forkPrompt, forkAnswer);
    }),
  },
  {
    name: 'fork-s2-uuid-session',
    source: FIXTURES.fork,
    sessionId: S2_SESSION,
    description: 'the hand-written fork and compaction file under a uuid session id (clients resume only uuids or titles with --print); nothing else changed',
    transform: (text) => text.replaceAll('"sessionId":"s2"', `"sessionId":"${S2_SESSION}"`),
  },
  {
    name: 'surrogate-prompt',
    source: FIXTURES.lean219,
    description: 'the first prompt ends in a lone high surrogate (\\ud83d)',
    transform: edit((l) => l.update(L.prompt, (e) => (e.message.content += ' \ud83d'))),
  },
  {
    name: 'surrogate-tool-result',
    source: FIXTURES.lean219,
    description: 'the Bash tool_result text holds a lone low surrogate (\\udc00)',
    transform: edit((l) => l.updateBlock(L.bashResult, (b) => (b.content = b.content.replace('\n', '\udc00\n')))),
  },
  {
    name: 'text-before-tool-result',
    source: FIXTURES.lean219,
    description: 'the Bash result line holds a text block before its tool_result',
    transform: edit((l) => l.update(L.bashResult, (e) => e.message.content.unshift({ type: 'text', text: 'Also list the tests.' }))),
  },
  {
    name: 'ends-on-tool-result',
    source: FIXTURES.lean219,
    description: 'the final answer removed: the file ends on a user tool_result',
    transform: edit((l) => l.remove(L.final)),
  },
  {
    name: 'ends-on-user-prompt',
    source: FIXTURES.old098,
    description: 'the last response cut off: the file ends on a user prompt (1.0.98 format)',
    transform: edit((l) => l.truncateAfter('2e38973c')),
  },
  {
    name: 'thinking-other-model',
    source: FIXTURES.parallel330,
    description: 'the response holding thinking is marked as written by claude-opus-4-6; the last answer stays claude-sonnet-4-5',
    transform: edit((l) => {
      for (const p of [P.thinking, P.text, P.bashA, P.bashB]) l.update(p, (e) => (e.message.model = 'claude-opus-4-6'));
    }),
  },
  {
    name: 'thinking-other-model-219',
    source: FIXTURES.lean219,
    description: 'the first response (thinking, text, two tool calls) is marked as written by claude-opus-4-5 (2.1.19 format)',
    transform: edit((l) => {
      for (const p of [L.thinking, L.text, L.read, L.bash]) l.update(p, (e) => (e.message.model = 'claude-opus-4-5'));
    }),
  },
  {
    name: 'thinking-not-first',
    source: FIXTURES.parallel330,
    description: 'the text line and the thinking line of the first response swap places in the chain and the file',
    transform: edit((l) => {
      const thinking = l.get(P.thinking);
      const text = l.get(P.text);
      l.relinkChildren(text.uuid, thinking.uuid);
      l.update(P.text, (e) => {
        e.parentUuid = thinking.parentUuid;
        e.timestamp = thinking.timestamp;
      });
      l.update(P.thinking, (e) => {
        e.parentUuid = text.uuid;
        e.timestamp = text.timestamp;
      });
      const i = l.at(P.thinking);
      [l.rows[i], l.rows[i + 1]] = [l.rows[i + 1], l.rows[i]];
    }),
  },
  {
    name: 'tool-input-string',
    source: FIXTURES.lean219,
    description: 'the Edit tool_use input is a JSON string instead of an object',
    transform: edit((l) => l.updateBlock(L.edit, (b) => (b.input = JSON.stringify(b.input)))),
  },
  {
    name: 'compact-no-preserved-segment',
    source: FIXTURES.compact330,
    description: 'the compact boundary without compactMetadata.preservedSegment and preservedMessages',
    transform: edit((l) =>
      l.update('aaec59cc', (e) => {
        delete e.compactMetadata.preservedSegment;
        delete e.compactMetadata.preservedMessages;
      }),
    ),
  },
  {
    name: 'parallel-results-reversed',
    source: FIXTURES.parallel330,
    description: 'the two parallel results swap places in the file (their parents unchanged)',
    transform: edit((l) => {
      const i = l.at(P.resultA);
      [l.rows[i], l.rows[i + 1]] = [l.rows[i + 1], l.rows[i]];
    }),
  },
  {
    name: 'attachment-user-after-tool-result',
    source: FIXTURES.parallel330,
    description: 'a copy of the user-role attribution attachment inserted right after the second parallel result',
    transform: edit((l) => {
      const attachment = l.get(P.attribution);
      const result = l.get(P.resultB);
      const copy = {
        ...attachment,
        parentUuid: result.uuid,
        uuid: derivedUuid(attachment.uuid, 'after-result'),
        timestamp: new Date(Date.parse(result.timestamp) + 1).toISOString(),
      };
      l.insertAfter(P.resultB, copy);
      l.relinkChildren(result.uuid, copy.uuid, l.at(copy.uuid));
    }),
  },
  {
    name: 'server-tool-pair',
    source: FIXTURES.lean219,
    description: 'a server_tool_use (web_search) line and its web_search_tool_result line inserted in the first response after its text',
    transform: edit((l) => l.continueResponse(L.text, 'server-tool', [SERVER_TOOL_USE, WEB_SEARCH_RESULT])),
  },
  {
    name: 'server-tool-result-orphan',
    source: FIXTURES.lean219,
    description: 'a web_search_tool_result line inserted in the first response after its text, without its server_tool_use',
    transform: edit((l) => l.continueResponse(L.text, 'server-tool', [WEB_SEARCH_RESULT])),
  },
  {
    name: 'thinking-empty',
    source: FIXTURES.parallel330,
    description: 'the thinking block of the first response is "" (its signature kept)',
    transform: edit((l) => l.updateBlock(P.thinking, (b) => (b.thinking = ''))),
  },
  {
    name: 'tool-name-too-long',
    source: FIXTURES.lean219,
    description: 'the Edit tool_use is named with 212 characters',
    transform: edit((l) => l.updateBlock(L.edit, (b) => (b.name = `mcp__${'acme_shop_deploy_tools_'.repeat(9)}`))),
  },
  {
    name: 'api-error-after-prompt',
    source: FIXTURES.lean219,
    description: 'a new prompt and the client-made API error line after it (isApiErrorMessage, model "<synthetic>"), as a session stuck on a 400 ends',
    transform: edit((l) => {
      const prompt = l.get(L.prompt);
      const final = l.get(L.final);
      const base = Date.parse(final.timestamp);
      const next = {
        ...prompt,
        parentUuid: final.uuid,
        uuid: derivedUuid(prompt.uuid, 'next'),
        timestamp: new Date(base + 5000).toISOString(),
        message: { role: 'user', content: 'Add a test for it' },
      };
      const error = {
        ...final,
        parentUuid: next.uuid,
        uuid: derivedUuid(final.uuid, 'api-error'),
        timestamp: new Date(base + 5500).toISOString(),
        message: {
          ...final.message,
          id: derivedUuid(final.uuid, 'api-error-message'),
          model: '<synthetic>',
          content: [
            {
              type: 'text',
              text: 'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"messages.3.content.1: unexpected `tool_use_id` found in `tool_result` blocks"}}',
            },
          ],
        },
        isApiErrorMessage: true,
      };
      l.append(next, error);
    }),
  },
];

// --- sessions ccmend writes, as a client finds them ---

/** Where the bytes of the sessions ccmend writes are kept (the code that writes them is TypeScript, which this script cannot run). */
export const WRITTEN_DIR = fileURLToPath(new URL('../../fixtures/recordings/written/', import.meta.url));

/**
 * The ids and time `ccmend handoff` is given for the recorded hand-off (it makes random ones), so that
 * test/recordings/handoff.test.ts can write the same bytes again from the fixture.
 */
export const HANDOFF_RUN = {
  source: FIXTURES.long239,
  ids: {
    sessionId: derivedUuid('4d5611e5-241a-462a-8d15-5122611a9569', 'handoff-session'),
    uuid: derivedUuid('4d5611e5-241a-462a-8d15-5122611a9569', 'handoff-line'),
  },
  now: '2026-12-02T12:00:00.000Z',
};

/** The bytes of a session ccmend wrote, as kept in WRITTEN_DIR. @param {string} name */
const writtenText = (name) => () => readFileSync(join(WRITTEN_DIR, `${name}.jsonl`), 'utf8');

/** @type {RecordingCase[]} */
const written = [
  {
    name: 'handoff-long239',
    source: HANDOFF_RUN.source,
    description:
      'the session `ccmend handoff` writes beside the real 2.1.39 session (with its subagent): one user line holding the hand-off, a custom-title and a last-prompt line, resumed under its new id',
    sessionId: HANDOFF_RUN.ids.sessionId,
    model: 'claude-opus-4-6',
    transform: writtenText('handoff-long239'),
  },
  {
    name: 'fit-huge-output',
    source: FIXTURES.old098,
    description:
      'the session `ccmend fit --out` writes from the real 1.0.98 session with its Task output on line 294 made 1,800,000 characters long (three times the context window): that output replaced by a stub, every other line as it was',
    transform: writtenText('fit-huge-output'),
  },
];

/**
 * The broken cases fix writes a session of its own from, by what makes it: 'fix' when
 * `ccmend fix --client all --out` changes the case (a written case `fixed-<name>`), 'warnings' when with
 * --warnings it writes other bytes than without (`fixed-warnings-<name>`, which is also what the editor's F,
 * fix everything, then s saves: test/ui/fixAllSave.test.tsx). test/recordings/fixed.test.ts writes them
 * again and checks this table.
 * @type {Record<string, ('fix' | 'warnings')[]>}
 */
const FIXED = {
  'gap-1000ms': ['fix', 'warnings'],
  'gap-4800ms': ['fix', 'warnings'],
  'gap-5200ms': ['fix', 'warnings'],
  'gap-60s': ['fix', 'warnings'],
  'gap-orphan-first-1s': ['fix'],
  'gap-orphan-first-60s': ['fix'],
  'gap-330': ['fix', 'warnings'],
  'gap-239': ['fix', 'warnings'],
  'torn-line': ['fix', 'warnings'],
  'torn-last-line': ['warnings'],
  'orphan-result-mid': ['fix', 'warnings'],
  'orphan-result-parallel-330': ['warnings'],
  'tool-use-unanswered-mid': ['warnings'],
  'tool-use-unanswered-end': ['warnings'],
  'parallel-result-missing': ['warnings'],
  'parallel-result-missing-end': ['warnings'],
  'text-empty-in-response': ['fix', 'warnings'],
  'text-whitespace-in-response': ['fix', 'warnings'],
  'text-only-whitespace-message': ['fix'],
  'final-text-trailing-whitespace': ['warnings'],
  'final-text-whitespace-only': ['fix', 'warnings'],
  'tool-use-id-duplicate-line': ['fix', 'warnings'],
  'tool-use-id-reused-later': ['fix', 'warnings'],
  'tool-result-id-batch-entry': ['warnings'],
  'tool-result-duplicate': ['fix', 'warnings'],
  'tool-result-error-empty': ['fix', 'warnings'],
  'tool-id-invalid-chars': ['fix', 'warnings'],
  'image-over-5mb': ['fix'],
  'image-decoded-over-5mb': ['fix'],
  'image-empty-data': ['fix'],
  'image-media-type-mismatch': ['fix'],
  'image-svg': ['fix'],
  'document-not-pdf': ['fix'],
  'user-image-empty-text-end': ['fix'],
  'fork-newest-not-last': ['warnings'],
  'surrogate-prompt': ['fix', 'warnings'],
  'surrogate-tool-result': ['fix', 'warnings'],
  'text-before-tool-result': ['fix', 'warnings'],
  'ends-on-tool-result': ['warnings'],
  'thinking-other-model': ['warnings'],
  'thinking-other-model-219': ['warnings'],
  'thinking-not-first': ['fix', 'warnings'],
  'tool-input-string': ['fix', 'warnings'],
  'parallel-results-reversed': ['warnings'],
  'attachment-user-after-tool-result': ['warnings'],
  'server-tool-pair': ['warnings'],
  'server-tool-result-orphan': ['fix', 'warnings'],
  'thinking-empty': ['warnings'],
  'tool-name-too-long': ['fix', 'warnings'],
  'api-error-after-prompt': ['warnings'],
};

/** The broken cases `ccmend fix --client all --out` changes. */
export const FIXED_FROM = Object.keys(FIXED).filter((name) => FIXED[name].includes('fix'));

/** The broken cases where `ccmend fix --client all --warnings --out` writes other bytes than without --warnings. */
export const FIXED_WITH_WARNINGS_FROM = Object.keys(FIXED).filter((name) => FIXED[name].includes('warnings'));

/**
 * The name of the written case holding what fix writes from a broken case (with --warnings or not).
 * @param {string} name @param {{ warnings?: boolean }} [options]
 */
export const fixedCaseName = (name, { warnings = false } = {}) => `fixed-${warnings ? 'warnings-' : ''}${name}`;

/**
 * The written case of what fix writes from a broken case, resumed under the broken case's session id.
 * @param {string} name @param {boolean} warnings @returns {RecordingCase}
 */
function fixedCase(name, warnings) {
  const original = broken.find((c) => c.name === name);
  if (!original) throw new Error(`${name} is no broken case`);
  const written = fixedCaseName(name, { warnings });
  return {
    name: written,
    source: original.source,
    description: `the session \`ccmend fix --client all${warnings ? ' --warnings' : ''} --out\` writes from ${name}${warnings ? ' (what the editor saves after F)' : ''}, under the same session id`,
    ...(original.sessionId ? { sessionId: original.sessionId } : {}),
    transform: writtenText(written),
  };
}

const fixed = [...FIXED_FROM.map((name) => fixedCase(name, false)), ...FIXED_WITH_WARNINGS_FROM.map((name) => fixedCase(name, true))];

/** The names of the broken variants, in their declared order. */
export const BROKEN_CASES = broken.map((c) => c.name);

/** Every case, real fixtures first. */
export const CASES = [...real, ...broken, ...written, ...fixed];

/** @param {string} name */
export function caseNamed(name) {
  const found = CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no recording case named ${name}`);
  return found;
}

/** The lean session's later Edit call and its result, under another id. @param {string} id */
function editCallAs(id) {
  return edit((l) => {
    l.updateBlock(L.edit, (b) => (b.id = id));
    l.updateBlock(L.editResult, (b) => (b.tool_use_id = id));
  });
}

/** The bytes a client is given for this case. @param {RecordingCase} c */
export function caseText(c) {
  const text = readFileSync(join(FIXTURE_PROJECTS, c.source), 'utf8');
  return c.transform ? c.transform(text) : text;
}

/** The session id: the fixture's file name unless the case renames it. @param {RecordingCase} c */
export function caseSessionId(c) {
  return c.sessionId ?? basename(c.source, '.jsonl');
}

/** The project directory name (the encoded cwd) the fixture lives in. @param {RecordingCase} c */
export function caseProjectDir(c) {
  return dirname(c.source);
}

/** The subagent transcripts directory of the session the case resumes, when the fixtures have one. @param {RecordingCase} c */
export function caseSubagentsDir(c) {
  const dir = join(FIXTURE_PROJECTS, caseProjectDir(c), caseSessionId(c), 'subagents');
  return existsSync(dir) ? dir : undefined;
}

/** Claude Code's project directory name for a working directory. @param {string} cwd */
export function encodeCwd(cwd) {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** @param {string} text */
function entries(text) {
  return text.split('\n').flatMap((line) => {
    try {
      const value = JSON.parse(line);
      return value && typeof value === 'object' ? [value] : [];
    } catch {
      return [];
    }
  });
}

/** The working directory the session ran in: the one of its lines' cwds that its project directory encodes. @param {RecordingCase} c @param {string} text */
export function caseCwd(c, text) {
  const cwds = entries(text).flatMap((e) => (typeof e.cwd === 'string' ? [e.cwd] : []));
  const cwd = cwds.find((d) => encodeCwd(d) === caseProjectDir(c)) ?? cwds[0];
  if (!cwd) throw new Error(`${c.name}: no line names a cwd`);
  return cwd;
}

/** The model a case is resumed with. @param {RecordingCase} c @param {string} text */
export function caseModel(c, text) {
  return c.model ?? lastAssistantModel(text);
}

/** The model of the last assistant line a model wrote (client-made lines say "<synthetic>"). @param {string} text */
export function lastAssistantModel(text) {
  const models = entries(text).flatMap((e) =>
    e.type === 'assistant' && typeof e.message?.model === 'string' && e.message.model !== '<synthetic>' ? [e.message.model] : [],
  );
  const model = models.at(-1);
  if (!model) throw new Error('no assistant line names a model');
  return model;
}
