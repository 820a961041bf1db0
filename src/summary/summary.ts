import { isUserPrompt } from '../conversation/prompts.js';
import type { Analysis } from '../rules/analyze.js';
import { type Doc, entryOf } from '../transcript/document.js';

/*
 * An extractive hand-off: everything here is copied from the transcript (no
 * model writes it), so it is fast, offline and cannot invent facts.
 */

type Obj = Record<string, unknown>;

const MAX_REQUESTS = 15;
const MAX_COMMANDS = 25;
const CLIP = 400;

function clip(s: string, n = CLIP): string {
  const t = s.trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is Obj => !!b && typeof b === 'object' && (b as Obj).type === 'text' && typeof (b as Obj).text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

interface Todo {
  content: string;
  status: string;
}

export interface SummaryFacts {
  cwd?: string;
  branch?: string;
  sessionId?: string;
  goal?: string;
  requests: string[];
  created: string[];
  edited: string[];
  commands: string[];
  todos: Todo[];
  compactSummary?: string;
  lastAssistant?: string;
  unanswered: string[];
}

/** Collects the facts of the conversation along the resumed branch (including before compaction). */
export function summaryFacts(doc: Doc, analysis: Analysis): SummaryFacts {
  const positions = [...analysis.graph.preCompactChain, ...analysis.graph.chain];
  const facts: SummaryFacts = { requests: [], created: [], edited: [], commands: [], todos: [], unanswered: [] };
  const created = new Set<string>();
  const edited = new Set<string>();
  for (const pos of positions) {
    const line = doc.lines[pos]!;
    const info = line.info;
    if (info.cwd) facts.cwd = info.cwd;
    if (info.gitBranch) facts.branch = info.gitBranch;
    if (info.sessionId && !facts.sessionId) facts.sessionId = info.sessionId;
    if (info.type !== 'user' && info.type !== 'assistant') continue;
    const entry = entryOf(doc, line);
    const content = (entry?.message as Obj | undefined)?.content;
    if (info.type === 'user') {
      if (info.isCompactSummary) facts.compactSummary = textOf(content);
      else if (isUserPrompt(line)) {
        const text = clip(textOf(content));
        if (!facts.goal) facts.goal = text;
        else facts.requests.push(text);
      }
      continue;
    }
    if (!Array.isArray(content)) continue;
    const text = textOf(content).trim();
    if (text) facts.lastAssistant = text;
    for (const b of content as Obj[]) {
      if (b?.type !== 'tool_use' || !b.input || typeof b.input !== 'object') continue;
      const input = b.input as Obj;
      const file = (input.file_path ?? input.notebook_path) as string | undefined;
      if (b.name === 'Write' && file) created.add(file);
      else if ((b.name === 'Edit' || b.name === 'MultiEdit' || b.name === 'NotebookEdit') && file && !created.has(file)) edited.add(file);
      else if (b.name === 'Bash' && typeof input.command === 'string') facts.commands.push(input.command);
      else if (b.name === 'TodoWrite' && Array.isArray(input.todos))
        facts.todos = (input.todos as Obj[]).map((t) => ({ content: String(t.content ?? ''), status: String(t.status ?? '') }));
    }
  }
  facts.created = [...created];
  facts.edited = [...edited];
  facts.commands = [...new Set(facts.commands)].slice(-MAX_COMMANDS);
  facts.requests = facts.requests.slice(-MAX_REQUESTS);
  facts.unanswered = analysis.diagnostics.filter((d) => d.rule === 'tool-result-missing' && d.severity === 'error').map((d) => d.message);
  return facts;
}

const TODO_MARK: Record<string, string> = { completed: '[x]', in_progress: '[~]', pending: '[ ]' };

/** The hand-off as Markdown: the first message of a fresh session. */
export function renderSummary(f: SummaryFacts): string {
  const out: string[] = ['# Hand-off from a previous Claude Code session', ''];
  out.push('I am continuing work from an earlier Claude Code session that could not be resumed. Here is what happened there.', '');
  if (f.cwd) out.push(`- Project directory: \`${f.cwd}\``);
  if (f.branch) out.push(`- Git branch: \`${f.branch}\``);
  if (f.sessionId) out.push(`- Previous session: \`${f.sessionId}\``);
  out.push('', '## Original goal', '', f.goal ? quote(f.goal) : '_(no prompt found)_');
  if (f.requests.length) out.push('', '## Later requests', '', ...f.requests.map((r) => `- ${r.replace(/\n+/g, ' ')}`));
  if (f.compactSummary) out.push('', '## Earlier context (Claude Code’s compaction summary)', '', quote(clip(f.compactSummary, 3000)));
  if (f.created.length || f.edited.length) {
    out.push('', '## Files changed');
    if (f.created.length) out.push('', 'Created:', ...f.created.map((p) => `- \`${p}\``));
    if (f.edited.length) out.push('', 'Edited:', ...f.edited.map((p) => `- \`${p}\``));
  }
  if (f.commands.length) out.push('', '## Commands run', '', '```sh', ...f.commands.map((c) => c.replace(/\n/g, ' \\\n  ')), '```');
  if (f.todos.length) out.push('', '## Latest todo list', '', ...f.todos.map((t) => `- ${TODO_MARK[t.status] ?? '[ ]'} ${t.content}`));
  if (f.lastAssistant) out.push('', '## Last assistant message', '', quote(clip(f.lastAssistant, 1500)));
  const open = [...f.todos.filter((t) => t.status !== 'completed').map((t) => `todo not done: ${t.content}`), ...f.unanswered];
  out.push('', '## Unresolved', '', ...(open.length ? open.map((o) => `- ${o}`) : ['- nothing recorded as open']));
  out.push('', '## Next step', '', 'Check the current state of the files above, then continue with the unresolved items.');
  return `${out.join('\n')}\n`;
}

/** The shell command that starts a fresh session with the hand-off saved in `file`. */
export function startCommand(f: Pick<SummaryFacts, 'cwd'>, file: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `${f.cwd ? `cd ${q(f.cwd)} && ` : ''}claude "$(cat ${q(file)})"`;
}
