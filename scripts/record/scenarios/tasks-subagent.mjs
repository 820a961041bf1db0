// A session that tracks its work with the task tools (TaskCreate, TaskUpdate, TaskList, loaded through
// ToolSearch) and hands part of it to a subagent, which writes a test, runs it and closes its task.
// End state: task 1 and 2 completed (2 by the subagent), 3 pending, 4 deleted.
const SERVER = `import { createServer } from 'node:http';

export const server = createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  res.statusCode = 404;
  res.end();
});
`;

const LIMITER = `// At most \`limit\` requests per client in each window of \`windowMs\`.
export function rateLimit({ limit, windowMs, now = Date.now }) {
  const seen = new Map();
  return (client) => {
    const t = now();
    const entry = seen.get(client);
    if (!entry || t - entry.start >= windowMs) {
      seen.set(client, { start: t, count: 1 });
      return true;
    }
    entry.count += 1;
    return entry.count <= limit;
  };
}
`;

const TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rateLimit } from '../src/rateLimit.js';

test('allows the limit, refuses the next, resets after the window', () => {
  let t = 0;
  const allow = rateLimit({ limit: 2, windowMs: 1000, now: () => t });
  assert.equal(allow('a'), true);
  assert.equal(allow('a'), true);
  assert.equal(allow('a'), false);
  t = 1000;
  assert.equal(allow('a'), true);
});
`;

const text = (t) => ({ type: 'text', text: t });
const call = (id, name, input) => ({ type: 'tool_use', id, name, input });
const create = (id, subject, description, activeForm) => call(id, 'TaskCreate', { subject, description, activeForm });
const update = (id, taskId, status) => call(id, 'TaskUpdate', { taskId, status });
const cwd = '/tmp/ccmend-fixtures/acme-shop';

export default {
  cwd,
  files: { 'package.json': '{ "name": "acme-shop", "type": "module" }\n', 'src/server.js': SERVER },
  prompt: 'Add rate limiting to the API, with a test. Track the work as tasks.',
  model: 'claude-sonnet-4-5',
  args: ['--permission-mode', 'acceptEdits', '--allowedTools', 'Bash(node --test:*)'],
  steps: [
    {
      after: 'Add rate limiting to the API',
      reply: [
        text("I'll track this as tasks."),
        call('toolu_01SearchTaskTools', 'ToolSearch', { query: 'select:TaskCreate,TaskUpdate,TaskList', max_results: 3 }),
      ],
    },
    {
      after: 'toolu_01SearchTaskTools',
      reply: [
        create(
          'toolu_01CreateLimiter',
          'Add a rate limiter middleware',
          'Limit each client to N requests per window in src/rateLimit.js and use it in src/server.js',
          'Adding the rate limiter',
        ),
        create('toolu_01CreateTest', 'Test the rate limiter', 'A node:test test for src/rateLimit.js', 'Testing the rate limiter'),
        create('toolu_01CreateReadme', 'Document the limit in the README', 'Say what the limit is and how to change it', 'Documenting the limit'),
        create('toolu_01CreateConfig', 'Read the limit from an environment variable', 'RATE_LIMIT and RATE_WINDOW_MS', 'Making the limit configurable'),
      ],
    },
    {
      after: 'toolu_01CreateLimiter',
      reply: [update('toolu_01StartLimiter', '1', 'in_progress'), call('toolu_01ReadServer', 'Read', { file_path: `${cwd}/src/server.js` })],
    },
    { after: 'toolu_01ReadServer', reply: [call('toolu_01WriteLimiter', 'Write', { file_path: `${cwd}/src/rateLimit.js`, content: LIMITER })] },
    {
      after: 'toolu_01WriteLimiter',
      reply: [
        call('toolu_01EditServer', 'Edit', {
          file_path: `${cwd}/src/server.js`,
          old_string: "import { createServer } from 'node:http';\n\nexport const server = createServer((req, res) => {\n",
          new_string:
            "import { createServer } from 'node:http';\nimport { rateLimit } from './rateLimit.js';\n\nconst allow = rateLimit({ limit: 100, windowMs: 60_000 });\n\nexport const server = createServer((req, res) => {\n  if (!allow(req.socket.remoteAddress)) {\n    res.statusCode = 429;\n    return res.end();\n  }\n",
        }),
      ],
    },
    {
      after: 'toolu_01EditServer',
      reply: [
        text('The limiter is in. I will drop the configuration task: a fixed limit is enough for now.'),
        update('toolu_01DoneLimiter', '1', 'completed'),
        update('toolu_01StartTest', '2', 'in_progress'),
        update('toolu_01DropConfig', '4', 'deleted'),
      ],
    },
    {
      after: 'toolu_01DoneLimiter',
      reply: [
        call('toolu_01AgentTest', 'Agent', {
          description: 'Write the limiter test',
          prompt: 'Write test/rateLimit.test.js for src/rateLimit.js with node:test, run it, and mark task 2 completed when it passes.',
          subagent_type: 'general-purpose',
          run_in_background: false,
        }),
      ],
    },
    {
      after: 'Write test/rateLimit.test.js for src/rateLimit.js',
      reply: [call('toolu_01SubWriteTest', 'Write', { file_path: `${cwd}/test/rateLimit.test.js`, content: TEST })],
    },
    {
      after: 'toolu_01SubWriteTest',
      reply: [call('toolu_01SubRunTest', 'Bash', { command: 'node --test test/rateLimit.test.js', description: 'Run the rate limiter test' })],
    },
    { after: 'toolu_01SubRunTest', reply: [call('toolu_01SubSearch', 'ToolSearch', { query: 'select:TaskUpdate', max_results: 1 })] },
    { after: 'toolu_01SubSearch', reply: [update('toolu_01SubDoneTest', '2', 'completed')] },
    {
      after: 'toolu_01SubDoneTest',
      reply: [text('test/rateLimit.test.js passes: it covers the limit, the refusal and the reset after the window. Task 2 is completed.')],
    },
    { after: 'toolu_01AgentTest', reply: [call('toolu_01ListTasks', 'TaskList', {})] },
    {
      after: 'toolu_01ListTasks',
      reply: [
        text('Rate limiting is in place (src/rateLimit.js, used by src/server.js) and tested. Task 3, documenting the limit in the README, is still open.'),
      ],
    },
  ],
};
