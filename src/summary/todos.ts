/*
 * The session's todo list. Claude Code keeps one in two ways: TodoWrite, whose
 * every call holds the whole list, and the task tools (TaskCreate, TaskUpdate,
 * TaskList, TaskGet), each of which creates, changes or reports tasks one at a
 * time. A session's subagents share its task list, but a TodoWrite list is
 * the writer's own. Whichever way was used last holds the latest state.
 */

type Obj = Record<string, unknown>;

export interface Todo {
  readonly content: string;
  readonly status: string;
}

/** A finished todo tool call: its input, the text of its result and the result's `toolUseResult`. */
export interface TodoCall {
  readonly name: string;
  readonly input: Obj;
  readonly resultText: string;
  readonly extra: Obj | undefined;
  /** Whether the session's own conversation made it (a subagent's TodoWrite list is its own). */
  readonly main: boolean;
}

export const TODO_TOOLS = new Set(['TodoWrite', 'TaskCreate', 'TaskUpdate', 'TaskList', 'TaskGet']);

const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** `#1 [completed] Add a rate limiter`: a line of TaskList's text (a subagent's transcript keeps no `toolUseResult`). */
const TASK_LINE = /^#(\S+) \[([a-z_]+)\] (.+)$/;

export class TodoList {
  private written: Todo[] = [];
  private readonly tasks = new Map<string, Todo>();
  private latest: 'written' | 'tasks' = 'written';

  /** Takes in one successful call of a todo tool (one of TODO_TOOLS). */
  record(call: TodoCall): void {
    const { name, input, extra } = call;
    if (name === 'TodoWrite') {
      if (!call.main || !Array.isArray(input.todos)) return;
      this.written = input.todos.map((t) => asObj(t) ?? {}).map((t) => ({ content: String(t.content ?? ''), status: String(t.status ?? '') }));
      this.latest = 'written';
      return;
    }
    if (extra?.success === false) return;
    this.latest = 'tasks';
    if (name === 'TaskCreate') {
      const id = str(asObj(extra?.task)?.id) ?? /^Task #(\S+) created/.exec(call.resultText)?.[1];
      const subject = str(input.subject);
      if (id !== undefined && subject !== undefined) this.tasks.set(id, { content: subject, status: 'pending' });
    } else if (name === 'TaskUpdate') {
      const id = str(input.taskId);
      if (id === undefined) return;
      if (input.status === 'deleted') {
        this.tasks.delete(id);
        return;
      }
      const known = this.tasks.get(id);
      const content = str(input.subject) ?? known?.content;
      if (content !== undefined) this.tasks.set(id, { content, status: str(input.status) ?? known?.status ?? 'pending' });
    } else if (name === 'TaskList') this.replace(call);
    else if (name === 'TaskGet') {
      const task = asObj(extra?.task);
      const id = str(task?.id);
      if (id !== undefined && typeof task?.subject === 'string' && typeof task.status === 'string')
        this.tasks.set(id, { content: task.subject, status: task.status });
    }
  }

  /** TaskList reports the whole list: it replaces what the calls before it built up. */
  private replace(call: TodoCall): void {
    const listed = Array.isArray(call.extra?.tasks)
      ? (call.extra.tasks as unknown[]).flatMap((t) => {
          const o = asObj(t);
          const id = str(o?.id);
          return id !== undefined && typeof o?.subject === 'string' ? [[id, { content: o.subject, status: String(o.status ?? '') }] as const] : [];
        })
      : call.resultText.split('\n').flatMap((l) => {
          const m = TASK_LINE.exec(l.trim());
          return m ? [[m[1]!, { content: m[3]!, status: m[2]! }] as const] : [];
        });
    if (!listed.length && !Array.isArray(call.extra?.tasks)) return;
    this.tasks.clear();
    for (const [id, todo] of listed) this.tasks.set(id, todo);
  }

  /** The latest list, in the order the todos were written or the tasks created. */
  list(): Todo[] {
    return this.latest === 'tasks' ? [...this.tasks.values()] : this.written;
  }
}
