import { describe, expect, test } from 'vitest';
import { buildGraph } from '../../src/conversation/graph.js';
import { summaryFacts } from '../../src/summary/facts.js';
import { handoffFacts } from '../../src/summary/handoffFacts.js';
import { renderHandoff } from '../../src/summary/summary.js';
import { TodoList } from '../../src/summary/todos.js';
import type { Doc } from '../../src/transcript/document.js';
import { docOf, type RealName, realDoc, realLines, realPath } from '../helpers/fixtures.js';

/*
 * The latest todo list, from whichever way the session tracked its work:
 * TodoWrite (1.0.98 here) or the task tools of recent releases (a 2.1.332
 * session that creates four tasks, works through them, deletes one, has a
 * subagent close another and ends with a TaskList).
 */

type Obj = Record<string, unknown>;
const withSubagents = (doc: Doc) => handoffFacts(doc, { graph: buildGraph(doc) });
const alone = (doc: Doc) => summaryFacts(doc, { graph: buildGraph(doc) });

/** The tasks session as written up to (not including) the line that makes the call `toolUseId`. */
function tasksBefore(toolUseId: string): Doc {
  const lines = realLines('tasks');
  const at = lines.findIndex((e) => JSON.stringify((e.message as Obj | undefined)?.content ?? '').includes(`"id":"${toolUseId}"`));
  expect(at).toBeGreaterThan(0);
  return docOf(lines.slice(0, at), realPath('tasks'));
}

/** Every tool call of a real fixture's main conversation with its result line, in file order. */
function calls(name: RealName, tool: string): { input: Obj; resultText: string; extra: Obj | undefined }[] {
  const lines = realLines(name).filter((e) => e.isSidechain !== true);
  const blocks = (e: Obj | undefined): Obj[] => {
    const content = (e?.message as Obj | undefined)?.content;
    return Array.isArray(content) ? content : [];
  };
  const results = new Map<string, Obj>();
  for (const e of lines) if (e.type === 'user') for (const b of blocks(e)) if (b?.type === 'tool_result') results.set(String(b.tool_use_id), e);
  return lines.flatMap((e) =>
    blocks(e)
      .filter((b) => e.type === 'assistant' && b?.type === 'tool_use' && b.name === tool)
      .map((b) => {
        const r = results.get(String(b.id));
        const block = blocks(r).find((x) => x.tool_use_id === b.id)!;
        const text = typeof block.content === 'string' ? block.content : ((block.content as Obj[] | undefined) ?? []).map((x) => x.text).join('\n');
        return { input: b.input as Obj, resultText: text, extra: r?.toolUseResult as Obj | undefined };
      }),
  );
}

describe('the task tools (TaskCreate, TaskUpdate, TaskList) of a real 2.1.332 session', () => {
  test('the hand-off lists the tasks as its last TaskList left them: two done, one open, the deleted one gone', async () => {
    const facts = await withSubagents(realDoc('tasks'));
    expect(facts.todos).toEqual([
      { content: 'Add a rate limiter middleware', status: 'completed' },
      { content: 'Test the rate limiter', status: 'completed' },
      { content: 'Document the limit in the README', status: 'pending' },
    ]);
    const md = renderHandoff(facts).markdown;
    expect(md).toContain('## Latest todo list\n\n- [x] Add a rate limiter middleware\n- [x] Test the rate limiter\n- [ ] Document the limit in the README\n');
  });

  test('without the TaskList, the list is built from the creates and updates, the subagent’s update included', async () => {
    const beforeList = tasksBefore('toolu_01ListTasks');
    expect((await withSubagents(beforeList)).todos).toEqual([
      { content: 'Add a rate limiter middleware', status: 'completed' },
      { content: 'Test the rate limiter', status: 'completed' },
      { content: 'Document the limit in the README', status: 'pending' },
    ]);
    // The subagent closed task 2 in its own transcript: without it the session last set it in progress.
    expect(alone(beforeList).todos).toEqual([
      { content: 'Add a rate limiter middleware', status: 'completed' },
      { content: 'Test the rate limiter', status: 'in_progress' },
      { content: 'Document the limit in the README', status: 'pending' },
    ]);
  });

  test('right after the four TaskCreate calls every task is pending; after the first update one is in progress', () => {
    expect(alone(tasksBefore('toolu_01StartLimiter')).todos).toEqual([
      { content: 'Add a rate limiter middleware', status: 'pending' },
      { content: 'Test the rate limiter', status: 'pending' },
      { content: 'Document the limit in the README', status: 'pending' },
      { content: 'Read the limit from an environment variable', status: 'pending' },
    ]);
    expect(renderHandoff(alone(tasksBefore('toolu_01WriteLimiter'))).markdown).toContain(
      '## Latest todo list\n\n- [~] Add a rate limiter middleware\n- [ ] Test the rate limiter\n- [ ] Document the limit in the README\n- [ ] Read the limit from an environment variable\n',
    );
  });

  test('whichever way was used last holds the list: TodoWrite’s whole list, or the tasks; a subagent’s TodoWrite list is its own', () => {
    const written = calls('old', 'TodoWrite').at(-1)!;
    const [create] = calls('tasks', 'TaskCreate');
    const list = new TodoList();
    list.record({ name: 'TodoWrite', ...written, main: true });
    const todoWriteList = list.list();
    expect(todoWriteList.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
    list.record({ name: 'TaskCreate', ...create!, main: true });
    expect(list.list()).toEqual([{ content: 'Add a rate limiter middleware', status: 'pending' }]);
    list.record({ name: 'TodoWrite', ...written, main: false });
    expect(list.list()).toEqual([{ content: 'Add a rate limiter middleware', status: 'pending' }]);
    list.record({ name: 'TodoWrite', ...written, main: true });
    expect(list.list()).toEqual(todoWriteList);
  });

  test('a TaskList read from its text alone (as a subagent’s transcript keeps it) gives the same list', () => {
    const [listed] = calls('tasks', 'TaskList');
    expect(listed!.resultText).toBe(
      '#1 [completed] Add a rate limiter middleware\n#2 [completed] Test the rate limiter\n#3 [pending] Document the limit in the README',
    );
    const fromText = new TodoList();
    fromText.record({ name: 'TaskList', ...listed!, extra: undefined, main: false });
    const fromResult = new TodoList();
    fromResult.record({ name: 'TaskList', ...listed!, main: true });
    expect(fromText.list()).toEqual(fromResult.list());
    expect(fromText.list()).toHaveLength(3);
  });
});
