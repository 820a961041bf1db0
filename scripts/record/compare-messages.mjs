// Compares a recorded `messages` array with ccmend's rebuilt one, message by message and block by block.
//
// The recording is what a client sent when it resumed the case with the probe prompt, so before comparing
// it is cleared of what the client made at that moment rather than read from the transcript:
//   - the probe prompt itself (a text block, or the whole string content, equal to PROBE);
//   - in the probe's message, every `<system-reminder>` text block: the reminders a client writes fresh
//     for each new prompt (environment, model, date or "The date has changed", tool, agent and skill
//     listings, token budget, attribution). They are dropped even when the transcript holds the same
//     text, because a fresh reminder often repeats an old one word for word ("<total_tokens>15000000
//     tokens left</total_tokens>"); what a client carries over from the transcript into the new prompt's
//     message (local-command lines) is not wrapped in a reminder and stays;
//   - in the first message, the `<system-reminder>` with the user context ("As you answer the user's
//     questions, you can use the following context: …" with CLAUDE.md, the date or standing
//     instructions) that clients before the attachment era add to every request, unless the transcript
//     holds it. Where it goes varies (first or last block of the first message, or a message of its own
//     when the conversation starts with an assistant turn, or among the reminders before the prompt);
//   - a first user message listing `<available-deferred-tools>` that the transcript does not hold (2.1.69
//     sends its tool list so, before the conversation);
//   - a turn the client had with the stand-in before the probe: a user message of reminders and a
//     `<task-notification>` (a background task the transcript mentions) and the stand-in's reply;
//   - every `cache_control` marker (where a client puts its cache breakpoints depends on the new prompt);
//   - a message these removals leave empty.
// Both sides then get the store's encoding (strings over 1 KiB become digests). Nothing else is changed:
// a difference that remains is a difference in what the client sends from the transcript.
//
// Forms the API treats alike compare equal: string content and a single text block; a tool_result's
// string content and one text block; is_error absent and false.
import { PROBE } from './cases.mjs';
import { REPLY_TEXT } from './server.mjs';
import { digestString, encodeLongStrings, isDigest, LONG_STRING } from './store.mjs';

const REMINDER = '<system-reminder>';
const USER_CONTEXT = "<system-reminder>\nAs you answer the user's questions, you can use the following context:";
const DEFERRED_TOOLS = '<available-deferred-tools>';

/**
 * @typedef {object} Difference
 * @property {number} message index in the recorded messages (after normalisation)
 * @property {number} [block] index of the block in that message
 * @property {string} field what differs: "count", "role", "type", "text", "id", "input", "content", "is_error", "source"…, with a path inside a tool_result
 * @property {string} recorded the recorded side, briefly
 * @property {string} ours ccmend's side, briefly
 */

/** @param {unknown} value */
function brief(value) {
  if (value === undefined) return '(absent)';
  if (isDigest(value)) return `<${value.length} chars sha256 ${value.$sha256.slice(0, 12)}… "${value.head.slice(0, 40)}">`;
  const text = JSON.stringify(value);
  // The length stays visible, so two long values that start alike are told apart.
  return text.length > 120 ? `${text.slice(0, 100)}… (${text.length} chars)` : text;
}

/** @param {any} content @returns {any[]} */
function blocksOf(content) {
  if (typeof content === 'string' || isDigest(content)) return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content : [];
}

/** The last transcript's long-string digests (a comparison asks about one transcript many times). @type {Map<string, Set<string>>} */
const longStringsOf = new Map();

/** The digests of every long string value in a transcript's lines. @param {string} transcript */
function longStrings(transcript) {
  let found = longStringsOf.get(transcript);
  if (found) return found;
  found = new Set();
  /** @param {unknown} value */
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.length > LONG_STRING) found.add(digestString(value).$sha256);
    } else if (value !== null && typeof value === 'object') {
      for (const v of Object.values(value)) visit(v);
    }
  };
  for (const line of transcript.split('\n')) {
    try {
      visit(JSON.parse(line));
    } catch {
      // a torn line holds nothing a client could send
    }
  }
  longStringsOf.clear();
  longStringsOf.set(transcript, found);
  return found;
}

/** Whether the transcript holds this text (a long one is compared by digest). @param {any} text @param {string | undefined} transcript */
function inTranscript(text, transcript) {
  if (transcript === undefined) return false;
  if (isDigest(text)) return longStrings(transcript).has(text.$sha256);
  return transcript.includes(JSON.stringify(text).slice(1, -1));
}

/** A text block's text, or a long one's first characters. @param {any} block @returns {string | undefined} */
function textHead(block) {
  if (block?.type !== 'text') return undefined;
  if (typeof block.text === 'string') return block.text;
  return isDigest(block.text) ? block.text.head : undefined;
}

/** @param {unknown} value @returns {any} */
function withoutCacheControl(value) {
  if (Array.isArray(value)) return value.map(withoutCacheControl);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'cache_control')
        .map(([k, v]) => [k, withoutCacheControl(v)]),
    );
  }
  return value;
}

/**
 * The recorded messages without what the client added at resume time (see the top of this file).
 * @param {readonly unknown[]} messages @param {string} [transcript] the case text the client resumed
 * @returns {any[]}
 */
export function normaliseRecorded(messages, transcript) {
  /** @type {any[]} */
  const out = withoutCacheControl(messages).map((/** @type {any} */ m) => ({ ...m, content: blocksOf(m.content) }));
  const last = out.at(-1);
  if (last && last.role === 'user' && last.content.some((/** @type {any} */ b) => textHead(b) === PROBE)) {
    last.content = last.content.filter((/** @type {any} */ b) => {
      const head = textHead(b);
      return !(head === PROBE || head?.startsWith(REMINDER));
    });
  }
  dropRunExchange(out);
  const madeAtStart = (/** @type {any} */ b) => {
    const head = textHead(b);
    return (head?.startsWith(DEFERRED_TOOLS) || head?.startsWith(USER_CONTEXT)) && !inTranscript(b.text, transcript);
  };
  for (let i = 0; i < 2 && out[i]?.role === 'user'; i++) {
    out[i].content = out[i].content.filter((/** @type {any} */ b) => !madeAtStart(b));
    if (out[i].content.length > 0) break;
  }
  return encodeBoth(out.filter((m) => m.content.length > 0));
}

/**
 * A client that finds a background task in the transcript reports it in a turn of its own before the
 * new prompt (a user message of reminders and a `<task-notification>`), which the stand-in answered;
 * the probe's request then carries that exchange. It is the client's, made during the recording.
 * @param {any[]} messages the recording with the probe's message last
 */
function dropRunExchange(messages) {
  const reply = messages.at(-2);
  const prompt = messages.at(-3);
  const isReply = reply?.role === 'assistant' && reply.content.length === 1 && textHead(reply.content[0]) === REPLY_TEXT;
  const clientMade =
    prompt?.role === 'user' && prompt.content.every((/** @type {any} */ b) => /^<(system-reminder|task-notification)>/.test(textHead(b) ?? ''));
  if (isReply && clientMade) messages.splice(-3, 2);
}

/** ccmend's messages, in the same form as a normalised recording. @param {readonly unknown[]} messages @returns {any[]} */
export function normaliseOurs(messages) {
  return encodeBoth(withoutCacheControl(messages).map((/** @type {any} */ m) => ({ ...m, content: blocksOf(m.content) })));
}

/** @param {any[]} messages */
function encodeBoth(messages) {
  return /** @type {any[]} */ (encodeLongStrings(messages));
}

/** @param {unknown} a @param {unknown} b */
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields of a block that decide what the API is sent, by type; other types compare whole. @type {Record<string, string[]>} */
const FIELDS = {
  text: ['text'],
  thinking: ['thinking', 'signature'],
  redacted_thinking: ['data'],
  tool_use: ['id', 'name', 'input'],
  server_tool_use: ['id', 'name', 'input'],
  tool_result: ['tool_use_id', 'is_error', 'content'],
  image: ['source'],
  document: ['source'],
};

/**
 * @param {any} recorded @param {any} ours @param {(field: string, recorded: unknown, ours: unknown) => void} report @param {string} prefix
 */
function compareBlock(recorded, ours, report, prefix) {
  if (recorded?.type !== ours?.type) return report(`${prefix}type`, recorded?.type, ours?.type);
  const fields = FIELDS[recorded.type];
  if (!fields) {
    if (!same(recorded, ours)) report(`${prefix}block`, recorded, ours);
    return;
  }
  for (const field of fields) {
    const a = recorded[field];
    const b = ours[field];
    if (field === 'is_error') {
      if (Boolean(a) !== Boolean(b)) report(`${prefix}is_error`, a, b);
    } else if (field === 'content') {
      const ra = blocksOf(a);
      const rb = blocksOf(b);
      if (ra.length !== rb.length) report(`${prefix}content.length`, ra.length, rb.length);
      for (let k = 0; k < Math.min(ra.length, rb.length); k++) compareBlock(ra[k], rb[k], report, `${prefix}content[${k}].`);
    } else if (!same(a, b)) {
      report(`${prefix}${field}`, a, b);
    }
  }
}

/**
 * Every difference between what a client sent and what ccmend rebuilt, after the normalisation above.
 * @param {readonly unknown[]} recorded the stored recording
 * @param {readonly unknown[]} ours ccmend's messages (api-view --json)
 * @param {string} [transcript] the case text, so reminders the transcript itself holds are kept
 * @returns {Difference[]}
 */
export function compareMessages(recorded, ours, transcript) {
  const a = normaliseRecorded(recorded, transcript);
  const b = normaliseOurs(ours);
  /** @type {Difference[]} */
  const differences = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    /** @param {number | undefined} block */
    const reporter = (block) => (/** @type {string} */ field, /** @type {unknown} */ r, /** @type {unknown} */ o) =>
      differences.push({ message: i, ...(block === undefined ? {} : { block }), field, recorded: brief(r), ours: brief(o) });
    if (a[i].role !== b[i].role) reporter(undefined)('role', a[i].role, b[i].role);
    if (a[i].content.length !== b[i].content.length) reporter(undefined)('blocks', a[i].content.length, b[i].content.length);
    for (let j = 0; j < Math.min(a[i].content.length, b[i].content.length); j++) compareBlock(a[i].content[j], b[i].content[j], reporter(j), '');
  }
  if (a.length !== b.length) {
    const i = Math.min(a.length, b.length);
    const extra = a[i] ?? b[i];
    const summary = `${extra.role}: ${extra.content.map((/** @type {any} */ c) => c.type).join(', ')}`;
    differences.push({
      message: i,
      field: 'count',
      recorded: a.length > b.length ? `${a.length} messages; next ${summary}` : `${a.length} messages`,
      ours: b.length > a.length ? `${b.length} messages; next ${summary}` : `${b.length} messages`,
    });
  }
  return differences;
}

/** One line per difference: where, and both sides. @param {Difference} d */
export function formatDifference(d) {
  const where = `message ${d.message}${d.block === undefined ? '' : ` block ${d.block}`} ${d.field}`;
  return `${where}: recorded ${d.recorded}, ours ${d.ours}`;
}
