// node scripts/record/scripted-session.mjs <scenario> [--version 2.1.332] [--out DIR]
//
// Makes a real transcript: a real Claude Code client runs `claude -p <prompt>` in a throw-away HOME
// against the stand-in API (server.mjs), which answers each request with the next step of a scenario
// (scripts/record/scenarios/<scenario>.mjs): text and tool calls the client then runs for real and
// records. Every line of the transcript, and of its subagents', is written by the client. The session
// is copied to DIR (default fixtures/claude-home/projects) under its project folder.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { FIXTURE_PROJECTS, encodeCwd } from './cases.mjs';
import { clientBinary, clientEnv, installClient, run } from './clients.mjs';
import { startRecordingServer } from './server.mjs';

/**
 * @typedef {object} Step
 * @property {string} after when the request's last user message answers this tool_use id, or (for a
 *   conversation's first request) holds this text
 * @property {import('./server.mjs').ReplyBlock[]} reply
 *
 * @typedef {object} Scenario
 * @property {string} cwd the project directory the client runs in (made afresh)
 * @property {Record<string, string>} files the project's files before the session, by relative path
 * @property {string} prompt
 * @property {string} model
 * @property {string[]} args more client arguments (permissions)
 * @property {Step[]} steps
 */

/** The text and tool_result ids of a message. @param {any} message */
function partsOf(message) {
  const content = typeof message?.content === 'string' ? [{ type: 'text', text: message.content }] : (message?.content ?? []);
  return {
    text: content
      .filter((/** @type {any} */ b) => b.type === 'text')
      .map((/** @type {any} */ b) => b.text)
      .join('\n'),
    answers: content.filter((/** @type {any} */ b) => b.type === 'tool_result').map((/** @type {any} */ b) => b.tool_use_id),
  };
}

/** The step a request calls for: the one after the tool calls its last user message answers, else the one its prompt names. @param {Scenario} scenario */
function responder(scenario) {
  /** @param {any} body */
  return (body) => {
    if (!Array.isArray(body?.tools) || body.tools.length === 0 || !Array.isArray(body.messages)) return undefined;
    const last = partsOf(body.messages.findLast((/** @type {any} */ m) => m.role === 'user'));
    const step =
      scenario.steps.find((s) => last.answers.includes(s.after)) ??
      (last.answers.length === 0 && body.messages.length === 1 ? scenario.steps.find((s) => last.text.includes(s.after)) : undefined);
    return step?.reply;
  };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { version: { type: 'string', default: '2.1.332' }, out: { type: 'string', default: FIXTURE_PROJECTS } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/record/scripted-session.mjs <scenario> [--version V] [--out DIR]');
  process.exit(2);
}
/** @type {Scenario} */
const scenario = (await import(`./scenarios/${positionals[0]}.mjs`)).default;
await installClient(values.version);

rmSync(scenario.cwd, { recursive: true, force: true });
for (const [path, text] of Object.entries(scenario.files)) {
  mkdirSync(dirname(join(scenario.cwd, path)), { recursive: true });
  writeFileSync(join(scenario.cwd, path), text);
}
const home = mkdtempSync(join(tmpdir(), 'ccmend-scripted-'));
const server = await startRecordingServer({ respond: responder(scenario) });
try {
  const result = await run(clientBinary(values.version), ['-p', scenario.prompt, '--model', scenario.model, ...scenario.args], {
    cwd: scenario.cwd,
    env: clientEnv(home, server.url),
    timeoutMs: 300_000,
  });
  console.log(`client exit ${result.code ?? result.signal}: ${`${result.stdout}${result.stderr}`.trim()}`);
  const project = join(home, '.claude', 'projects', encodeCwd(scenario.cwd));
  const sessions = existsSync(project) ? readdirSync(project).filter((n) => n.endsWith('.jsonl')) : [];
  if (sessions.length !== 1) throw new Error(`expected one session in ${project}, found ${sessions.length}`);
  const id = sessions[0].slice(0, -'.jsonl'.length);
  const to = join(values.out, encodeCwd(scenario.cwd));
  mkdirSync(to, { recursive: true });
  cpSync(join(project, sessions[0]), join(to, sessions[0]));
  if (existsSync(join(project, id, 'subagents'))) cpSync(join(project, id, 'subagents'), join(to, id, 'subagents'), { recursive: true });
  console.log(`wrote ${join(to, sessions[0])} (${server.requests.length} requests)`);
} finally {
  await server.stop();
  rmSync(home, { recursive: true, force: true });
}
