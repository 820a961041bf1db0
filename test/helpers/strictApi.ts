/*
 * A strict stand-in for the Messages API's request validation, written from the
 * API's documented and observed error texts, independently of ccmend's rules: the
 * oracle that recorded requests of real clients are judged by. It reads the raw
 * `messages` array a client sent and returns every violation, in the API's words
 * (the real API returns only the first).
 */

type Json = Record<string, unknown>;

const MAX_IMAGE_BASE64 = 5 * 1024 * 1024;
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const ID = /^[a-zA-Z0-9_-]+$/;
const SIGNATURE = /^[A-Za-z0-9+/_-]+=*$/;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const blocksOf = (m: Json): Json[] =>
  typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? (m.content as Json[]) : [];

/** Every string in a value (keys too) that holds an unpaired UTF-16 surrogate. */
function hasLoneSurrogate(v: unknown): boolean {
  if (typeof v === 'string') return !v.isWellFormed();
  if (Array.isArray(v)) return v.some(hasLoneSurrogate);
  if (isObject(v)) return Object.entries(v).some(([k, x]) => !k.isWellFormed() || hasLoneSurrogate(x));
  return false;
}

function checkImage(at: string, block: Json, out: string[]): void {
  const source = isObject(block.source) ? block.source : {};
  if (source.type !== 'base64') return;
  const mediaType = source.media_type;
  if (typeof mediaType !== 'string' || !IMAGE_TYPES.includes(mediaType)) {
    out.push(`${at}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
    return;
  }
  const data = typeof source.data === 'string' ? source.data : '';
  if (!data) {
    out.push(`${at}.image.source.base64: image cannot be empty`);
    return;
  }
  if (data.length > MAX_IMAGE_BASE64) out.push(`${at}.image.source.base64: image exceeds 5 MB maximum: ${data.length} bytes > ${MAX_IMAGE_BASE64} bytes`);
  const head = Buffer.from(data.slice(0, 64), 'base64');
  if (!MAGIC[mediaType]!(head)) out.push(`${at}.image.source.base64.data: Image does not match the provided media type ${mediaType}`);
}

/** A base64 PDF must at least begin as one; the API parses the rest, which this stand-in does not. */
function checkDocument(at: string, block: Json, out: string[]): void {
  const source = isObject(block.source) ? block.source : {};
  if (source.type !== 'base64' || source.media_type !== 'application/pdf') return;
  const data = typeof source.data === 'string' ? source.data : '';
  if (!Buffer.from(data.slice(0, 12), 'base64').toString('latin1').startsWith('%PDF-'))
    out.push(`${at}.pdf.source.base64.data: The PDF specified was not valid.`);
}

function checkText(at: string, text: unknown, block: Json, out: string[]): void {
  if (typeof text !== 'string' || text === '') {
    out.push(block.cache_control ? `${at}.text: cache_control cannot be set for empty text blocks` : 'messages: text content blocks must be non-empty');
  } else if (text.trim() === '') out.push('messages: text content blocks must contain non-whitespace text');
}

/** Consecutive messages of one role are one turn to the API; system messages sit outside the turns. */
function turnsOf(messages: readonly Json[]): { role: string; blocks: { at: string; block: Json }[] }[] {
  const turns: { role: string; blocks: { at: string; block: Json }[] }[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'system') return;
    const role = String(m.role);
    const blocks = blocksOf(m).map((block, j) => ({ at: `messages.${i}.content.${j}`, block }));
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  });
  return turns;
}

export function violations(messages: readonly Json[]): string[] {
  const out: string[] = [];
  if (!messages.length) return ['messages: at least one message is required'];
  if (Buffer.byteLength(JSON.stringify(messages)) > MAX_REQUEST_BYTES) out.push('413 request_too_large: Request exceeds the maximum size');
  if (hasLoneSurrogate(messages)) out.push('The request body is not valid JSON: no low surrogate in string');
  const firstTurn = messages.find((m) => m.role !== 'system');
  if (firstTurn && firstTurn.role !== 'user') out.push('messages: first message must use the "user" role');

  messages.forEach((m, i) => {
    const empty = typeof m.content === 'string' ? m.content === '' : !Array.isArray(m.content) || m.content.length === 0;
    if (empty && !(i === messages.length - 1 && m.role === 'assistant')) {
      out.push(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    }
  });

  const toolIds = new Set<string>();
  const turns = turnsOf(messages);
  turns.forEach((turn, t) => {
    const kinds = turn.blocks.map((b) => b.block.type);
    if (turn.role === 'assistant' && kinds.some((k) => k === 'thinking' || k === 'redacted_thinking')) {
      const first = kinds[0];
      if (first !== 'thinking' && first !== 'redacted_thinking') {
        out.push(
          `${turn.blocks[0]!.at}.type: If an assistant message contains any thinking blocks, the first block must be \`thinking\` or \`redacted_thinking\`. Found \`${first}\`.`,
        );
      }
    }
    const serverUses = new Set<string>();
    for (const { at, block } of turn.blocks) {
      const type = block.type;
      if (type === 'text') checkText(at, block.text, block, out);
      else if (type === 'image') checkImage(at, block, out);
      else if (type === 'document') checkDocument(at, block, out);
      else if (type === 'thinking') {
        // With thinking display "omitted" (the default since mid-2026) the API itself returns empty thinking
        // whose signature carries the reasoning, and takes it back: only an unsigned empty block is refused.
        const signed = typeof block.signature === 'string' && block.signature !== '';
        if (typeof block.thinking !== 'string' || (block.thinking === '' && !signed)) out.push(`${at}.thinking: each thinking block must contain thinking`);
        if (!signed) out.push(`${at}.thinking.signature: Field required`);
        // The signature is checked cryptographically; this stand-in can only tell one that is not base64.
        else if (!SIGNATURE.test(block.signature as string)) out.push(`${at}: Invalid \`signature\` in \`thinking\` block`);
      } else if (type === 'tool_use' || type === 'server_tool_use') {
        const id = block.id;
        if (typeof id !== 'string') out.push(`${at}.tool_use.id: Field required`);
        else {
          if (!ID.test(id)) out.push(`${at}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
          if (toolIds.has(id)) out.push(`${at}: \`tool_use\` ids must be unique`);
          toolIds.add(id);
          if (type === 'server_tool_use') serverUses.add(id);
        }
        if (typeof block.name === 'string' && block.name.length > 200) out.push(`${at}.tool_use.name: String should have at most 200 characters`);
        if (!isObject(block.input)) out.push(`${at}.tool_use.input: Input should be a valid dictionary`);
      } else if (typeof type === 'string' && type.endsWith('_tool_result') && type !== 'tool_result') {
        const id = block.tool_use_id;
        if (typeof id !== 'string' || !serverUses.has(id)) {
          out.push(
            `${at}: unexpected \`tool_use_id\` found in \`${type}\` blocks: ${String(id)}. Each \`${type}\` block must have a corresponding \`server_tool_use\` block before it.`,
          );
        }
      } else if (type === 'tool_result') {
        const content = block.content;
        const emptyContent = content === undefined || content === '' || (Array.isArray(content) && content.length === 0);
        if (block.is_error === true && emptyContent) out.push(`${at}: content cannot be empty if \`is_error\` is true`);
        if (Array.isArray(content)) {
          content.forEach((c, k) => {
            if (isObject(c) && c.type === 'image') checkImage(`${at}.tool_result.content.${k}`, c, out);
            if (isObject(c) && c.type === 'document') checkDocument(`${at}.tool_result.content.${k}`, c, out);
            if (isObject(c) && c.type === 'text') checkText(`${at}.tool_result.content.${k}`, c.text, c, out);
          });
        }
      }
    }

    // Pairing: each call of an assistant turn is answered by the tool_result blocks that open the next turn.
    const calls = turn.role === 'assistant' ? turn.blocks.filter((b) => b.block.type === 'tool_use').map((b) => b.block.id as string) : [];
    const next = turns[t + 1];
    const leading: { at: string; block: Json }[] = [];
    if (next?.role === 'user') {
      for (const b of next.blocks) {
        if (b.block.type !== 'tool_result') break;
        leading.push(b);
      }
    }
    if (calls.length) {
      const answered = new Set(leading.map((b) => b.block.tool_use_id));
      const missing = calls.filter((id) => !answered.has(id));
      // The final turn of a request is never answered: a client sends a user prompt after it.
      if (missing.length && next) {
        out.push(
          `messages.${messageIndexOf(turn.blocks[0]!.at)}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
    if (turn.role === 'user') {
      const previous = turns[t - 1];
      const called = new Set(previous?.role === 'assistant' ? previous.blocks.filter((b) => b.block.type === 'tool_use').map((b) => b.block.id) : []);
      const seen = new Set<unknown>();
      for (const { at, block } of turn.blocks) {
        if (block.type !== 'tool_result') continue;
        const id = block.tool_use_id;
        if (!called.has(id)) {
          out.push(
            `${at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        } else if (seen.has(id)) out.push(`${at}: each tool_use must have a single result. Found multiple \`tool_result\` blocks with id: ${String(id)}`);
        seen.add(id);
      }
    }
  });

  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    const blocks = blocksOf(last);
    const end = blocks.at(-1);
    if (end?.type === 'text' && typeof end.text === 'string' && /\s$/.test(end.text)) out.push('final assistant content cannot end with trailing whitespace');
  }
  return out;
}

const messageIndexOf = (at: string) => Number(/^messages\.(\d+)/.exec(at)![1]);
