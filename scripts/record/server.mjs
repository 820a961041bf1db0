// A loopback stand-in for the Anthropic Messages API that records every request a Claude Code client
// makes and answers each with the smallest reply that lets the client finish: a one-word assistant turn
// for /v1/messages (streamed as server-sent events when asked), a token count for count_tokens, and an
// empty JSON object for anything else (feature flags, account and telemetry endpoints a client may try).
// Given a `respond` function it answers /v1/messages with the blocks that function returns instead
// (text and tool_use), so a real client can be led through a scripted session that it then records.
import { createServer } from 'node:http';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';

/** What the stand-in answers; short, so a recording shows the client's request and not the reply. */
export const REPLY_TEXT = 'ok';

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} url path and query, as the client sent it
 * @property {string | undefined} userAgent
 * @property {unknown} body the parsed JSON body, or the raw text when it is not JSON, or null when empty
 */

/**
 * @typedef {object} RecordingServer
 * @property {string} url base URL for ANTHROPIC_BASE_URL
 * @property {number} port
 * @property {RecordedRequest[]} requests every request so far, in arrival order
 * @property {() => Promise<void>} stop
 */

/** @param {import('node:http').IncomingMessage} req @param {Buffer} raw */
function decodeBody(req, raw) {
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  const bytes = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : encoding === 'br' ? brotliDecompressSync(raw) : raw;
  const text = bytes.toString('utf8');
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

let replyCounter = 0;

/**
 * @typedef {{type: 'text', text: string} | {type: 'tool_use', id: string, name: string, input: Record<string, unknown>}} ReplyBlock
 * @typedef {(body: any) => ReplyBlock[] | undefined} Respond the reply to one /v1/messages body; undefined: the one-word reply
 */

/** @param {unknown} body @param {ReplyBlock[]} content */
function assistantMessage(body, content) {
  const model = body && typeof body === 'object' && 'model' in body ? body.model : 'unknown';
  replyCounter += 1;
  return {
    id: `msg_ccmend_recorder_${replyCounter}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** @param {import('node:http').ServerResponse} res @param {ReturnType<typeof assistantMessage>} message */
function streamMessage(res, message) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  /** @param {string} type @param {object} data */
  const send = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', { message: { ...message, content: [], stop_reason: null } });
  for (const [index, block] of message.content.entries()) {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { index, content_block: { ...block, input: {} } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { index });
  }
  send('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 1 } });
  send('message_stop', {});
  res.end();
}

/** @param {import('node:http').ServerResponse} res @param {unknown} value */
function json(res, value) {
  const text = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the stand-in on 127.0.0.1 at a free port. @param {{respond?: Respond}} [options] @returns {Promise<RecordingServer>} */
export function startRecordingServer({ respond } = {}) {
  /** @type {RecordedRequest[]} */
  const requests = [];
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let body;
      try {
        body = decodeBody(req, Buffer.concat(chunks));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', url, userAgent: req.headers['user-agent'], body });
      const path = url.split('?')[0];
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') return json(res, { input_tokens: 1 });
      if (req.method === 'POST' && path === '/v1/messages') {
        const message = assistantMessage(body, respond?.(body) ?? [{ type: 'text', text: REPLY_TEXT }]);
        const streaming = body !== null && typeof body === 'object' && 'stream' in body && body.stream === true;
        return streaming ? streamMessage(res, message) : json(res, message);
      }
      return json(res, {});
    });
  });
  // A client killed mid-request leaves a socket that would otherwise hold stop() open.
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        stop: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
