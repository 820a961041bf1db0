import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildGraph } from '../../src/conversation/graph.js';
import { summaryFacts } from '../../src/summary/facts.js';
import { handoffFacts } from '../../src/summary/handoffFacts.js';
import { renderHandoff } from '../../src/summary/summary.js';
import type { Doc } from '../../src/transcript/document.js';
import { loadFile } from '../../src/transcript/load.js';
import { docOf, realDoc, realLines, realPath } from '../helpers/fixtures.js';
import { section } from './sections.js';

/*
 * The files a session's subagents changed and the commands they ran are the
 * session's work. Real subagents of every kind the fixtures hold: transcripts
 * beside the session named by their meta file (2.1.330, 2.1.332) or by the
 * agentId the call's result reports (2.1.39), and side chains inside the
 * session's own file (1.0.98).
 */

const withSubagents = (doc: Doc) => handoffFacts(doc, { graph: buildGraph(doc) });
const alone = (doc: Doc) => summaryFacts(doc, { graph: buildGraph(doc) });

const ACME = '/tmp/ccmend-fixtures/acme-shop';

describe('the work of a session’s subagents', () => {
  test('2.1.332: the test file the subagent wrote and the command it ran, marked with its task; the session’s own work unmarked', async () => {
    const facts = await withSubagents(realDoc('tasks'));
    expect(facts.files).toEqual([
      { path: `${ACME}/src/rateLimit.js`, action: 'created' },
      { path: `${ACME}/src/server.js`, action: 'edited' },
      { path: `${ACME}/test/rateLimit.test.js`, action: 'created', by: 'Write the limiter test' },
    ]);
    expect(facts.commands).toEqual([{ command: 'node --test test/rateLimit.test.js', outcomes: [{ status: 'ok' }], by: 'Write the limiter test' }]);
    const md = renderHandoff(facts).markdown;
    expect(section(md, 'Files')).toEqual([
      'Created:',
      '- `src/rateLimit.js`',
      '- `test/rateLimit.test.js` (by a subagent: Write the limiter test)',
      'Edited:',
      '- `src/server.js`',
    ]);
    expect(section(md, 'Commands run').slice(1)).toEqual(['- `node --test test/rateLimit.test.js` (by a subagent: Write the limiter test): ok']);
  });

  test('without its subagent’s transcript the session shows only its own work', () => {
    const facts = alone(realDoc('tasks'));
    expect(facts.files.map((f) => f.path)).toEqual([`${ACME}/src/rateLimit.js`, `${ACME}/src/server.js`]);
    expect(facts.commands).toEqual([]);
  });

  test('a subagent whose call is lost from the session still counts, under the task its meta file names', async () => {
    const lines = realLines('tasks');
    const call = lines.findIndex((e) => e.type === 'assistant' && JSON.stringify(e.message).includes('"id":"toolu_01AgentTest"'));
    const facts = await withSubagents(
      docOf(
        lines.filter((_, i) => i !== call),
        realPath('tasks'),
      ),
    );
    expect(facts.files.at(-1)).toEqual({ path: `${ACME}/test/rateLimit.test.js`, action: 'created', by: 'Write the limiter test' });
    expect(facts.commands.map((c) => c.by)).toEqual(['Write the limiter test']);
  });

  test('a file both the session and a subagent changed is the session’s: listed once, unmarked', async () => {
    // A copy of the session whose subagent's Write aimed at the file the session had edited (one path changed in its call).
    const dir = mkdtempSync(join(tmpdir(), 'ccmend-subagent-'));
    const session = join(dir, basename(realPath('tasks')));
    copyFileSync(realPath('tasks'), session);
    const from = join(dirname(realPath('tasks')), basename(session, '.jsonl'), 'subagents');
    const to = join(dir, basename(session, '.jsonl'), 'subagents');
    cpSync(from, to, { recursive: true });
    const agent = join(to, 'agent-a2a1187e63e41ffc2.jsonl');
    writeFileSync(agent, readFileSync(agent, 'utf8').replace(`"file_path":"${ACME}/test/rateLimit.test.js"`, `"file_path":"${ACME}/src/server.js"`));
    const doc = await loadFile(session);
    const facts = await withSubagents(doc);
    doc.source.close();
    expect(facts.files).toEqual([
      { path: `${ACME}/src/rateLimit.js`, action: 'created' },
      { path: `${ACME}/src/server.js`, action: 'edited' },
    ]);
  });

  test('2.1.330: the background Explore agent’s grep, found by its meta file', async () => {
    const facts = await withSubagents(realDoc('compact'));
    expect(facts.commands.map((c) => [c.command, c.by])).toEqual([
      ['ls src', undefined],
      ["grep -rn 'res.end' src", 'Find routes'],
    ]);
  });

  test('2.1.39: the Explore agent’s commands, found by the agentId its call’s result reports, at the point the session ran it', async () => {
    const facts = await withSubagents(realDoc('long'));
    const byAgent = facts.commands.filter((c) => c.by !== undefined);
    expect(byAgent.map((c) => c.command)).toEqual([
      'find /home/USER/projects/spotter-worktrees/spotter-dov/lib/spotter_web -name "*.ex" -type f | head -20',
      'find /home/USER/projects/spotter-worktrees/spotter-dov/assets/css -name "*.css" -type f',
      'find /home/USER/projects/spotter-worktrees/spotter-dov/assets -name "*.css" -o -name "*.scss" | head -10',
      'ls -la /home/USER/projects/spotter-worktrees/spotter-dov/assets/',
      'find /home/USER/projects/spotter-worktrees/spotter-dov/priv -name "*.css" 2>/dev/null | head -5',
    ]);
    expect(new Set(byAgent.map((c) => c.by))).toEqual(new Set(['Explore transcript rendering codebase']));
    // Where the session ran it: after its first three commands, before everything it ran after the agent answered.
    expect(facts.commands.slice(0, 3).map((c) => c.command)).toEqual([
      'bd show spotter-dov',
      'bd show spotter-dov.1',
      'bd update spotter-dov.1 --status in_progress',
    ]);
    expect(facts.commands.slice(3, 8)).toEqual(byAgent);
    expect(facts.files).toEqual(alone(realDoc('long')).files);
  });

  test('1.0.98: the files five parallel Task agents wrote in side chains of the session’s own file, each under its task', () => {
    const facts = alone(realDoc('old'));
    const by = (task: string) => facts.files.filter((f) => f.by === task).map((f) => f.path.replace('/path/to/Demo/', ''));
    expect(by('Build TODO components')).toEqual([
      'components/TodoItem.tsx',
      'components/TodoList.tsx',
      'components/AddTodo.tsx',
      'components/Filter.tsx',
      'components/index.ts',
    ]);
    expect(by('Create data models')).toEqual([
      'types/state.ts',
      'types/utils.ts',
      'types/index.ts',
      'types/react.ts',
      'types/todo.ts',
      'types/filters.ts',
      'types/actions.ts',
    ]);
    expect(facts.files.filter((f) => f.by === undefined)).toEqual([{ path: '/path/to/Demo/CLAUDE.md', action: 'created' }]);
    expect(facts.files.find((f) => f.path.endsWith('todo-app/src/app/page.tsx'))).toEqual({
      path: '/path/to/Demo/todo-app/src/app/page.tsx',
      action: 'edited',
      by: 'Create main page integration',
    });
    expect(facts.commands.find((c) => c.command === 'npm run build')).toEqual({
      command: 'npm run build',
      outcomes: [
        { status: 'failed', detail: expect.any(String) },
        { status: 'failed', detail: expect.any(String) },
        { status: 'failed', detail: expect.any(String) },
        { status: 'failed', detail: '> Build error occurred' },
      ],
      by: 'Create main page integration',
    });
  });
});
