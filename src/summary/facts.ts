import type { Graph } from '../conversation/graph.js';
import { isUserPrompt } from '../conversation/prompts.js';
import { wholeChain } from '../conversation/wholeChain.js';
import { RESULTS, columnsOf } from '../transcript/columns.js';
import { type Doc, type Line, asOwnConversation, entryOf } from '../transcript/document.js';
import { buildGraph } from '../conversation/graph.js';
import { TODO_TOOLS, type Todo, TodoList } from './todos.js';

export type { Todo } from './todos.js';

/*
 * The facts of a hand-off, all copied from the transcript (no model writes
 * them, so they are fast, offline and cannot be invented). They come from the
 * whole session, root to leaf, across every compaction and every gap in the
 * chain, not from what a client would send, and from its subagents' work.
 */

type Obj = Record<string, unknown>;

export type OutcomeStatus = 'ok' | 'failed' | 'rejected' | 'interrupted' | 'background' | 'no-result';

/** How one tool call ended, read from its tool_result (and the result's `toolUseResult`). */
export interface Outcome {
  readonly status: OutcomeStatus;
  /** The telling line of an error, the task id of a background run, a note like "No matches found". */
  readonly detail?: string;
}

/** A shell command and every run of it, oldest first. */
export interface CommandRun {
  readonly command: string;
  readonly outcomes: readonly Outcome[];
  /** When subagents made every run: the task of the last one (its description). */
  readonly by?: string;
}

export type FileAction = 'created' | 'edited' | 'deleted' | 'failed';

/**
 * A file's state at the end of the session: new in it, changed by it, removed
 * by it, or not changed at all because every attempt to change it failed.
 */
export interface FileChange {
  readonly path: string;
  readonly action: FileAction;
  /** Why the last attempt failed (for `failed`). */
  readonly detail?: string;
  /** When subagents made every change to it: the task of the last one (its description). */
  readonly by?: string;
}

/** A subagent's transcript beside the session, and what its meta file says of the call that ran it. */
export interface SubagentTranscript {
  readonly doc: Doc;
  readonly toolUseId?: string;
  readonly description?: string;
}

export interface SummaryFacts {
  readonly cwd?: string;
  readonly branch?: string;
  readonly sessionId?: string;
  /** Where the transcript is, for what the hand-off leaves out. */
  readonly transcript?: string;
  /** The first thing the user asked. */
  readonly goal?: string;
  /** Everything the user asked after that, in order, in full. */
  readonly requests: readonly string[];
  /** The newest compaction summary Claude Code wrote, whole. */
  readonly compactSummary?: string;
  /** Each file once, in the order of its last change. */
  readonly files: readonly FileChange[];
  /** Each command once (the same command line counts as one), in the order of its last run. */
  readonly commands: readonly CommandRun[];
  /** The latest todo list, from TodoWrite or the task tools, whichever the session used last. */
  readonly todos: readonly Todo[];
  readonly lastAssistant?: string;
  /** The last assistant message came after the last request (else it answered an earlier one). */
  readonly answered: boolean;
  /** What went wrong after the last request or assistant message: failed or lost tool calls, API errors, interruptions. */
  readonly endErrors: readonly string[];
  /** Gaps in the chain (lost or unreadable lines) the facts were read across. */
  readonly gaps: number;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is Obj => !!b && typeof b === 'object' && (b as Obj).type === 'text' && typeof (b as Obj).text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

export function clip(s: string, n: number): string {
  const t = s.trim();
  return t.length > n ? `${t.slice(0, n - 1).trimEnd()}…` : t;
}

/** The first line of a multi-line command, with the first line of its here-document: enough to tell it from others. */
export function commandLabel(command: string): string {
  const lines = command.trim().split('\n');
  const first = clip(lines[0]!, 160);
  if (lines.length === 1) return first;
  const heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(lines[0]!);
  const body = heredoc ? lines.slice(1).find((l) => l.trim() !== '' && l.trim() !== heredoc[1]) : undefined;
  return `${first}${body ? ` ${clip(body, 100)}` : ''} …`;
}

/** Lines of an error that say what went wrong, rather than a warning printed before it. */
const TELLING = /error|fatal|fail|cannot|can't|not found|no such|denied|refused|invalid|rejected/i;

/** "exit 128: fatal: …" from a failed result's text. */
export function errorDetail(text: string): string {
  const lines = text
    .replace(/<\/?tool_use_error>/g, '')
    .split(/\r?\n|\\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const exit = /^(?:Error: )?Exit code (\d+)$/.exec(lines[0] ?? '');
  const rest = exit ? lines.slice(1) : lines;
  const at = Math.max(
    0,
    rest.findIndex((l) => TELLING.test(l)),
  );
  // "Pre-commit validation failed:" says that, not what: the line after it does.
  const telling = rest[at]?.endsWith(':') && rest[at + 1] ? `${rest[at]} ${rest[at + 1]}` : rest[at];
  return [exit ? `exit ${exit[1]}` : undefined, telling === undefined ? undefined : clip(telling, 160)].filter(Boolean).join(': ') || 'error';
}

const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

interface Result {
  readonly block: Obj;
  /** The line's `toolUseResult`, when the line holds this result alone (it describes that one). */
  readonly toolUseResult: unknown;
}

export function outcomeOf(result: Result | undefined): Outcome {
  if (!result) return { status: 'no-result' };
  const text = textOf(result.block.content);
  if (result.block.is_error === true) {
    if (/^The user doesn't want to proceed/.test(text)) return { status: 'rejected' };
    if (/^\[Request interrupted/.test(text)) return { status: 'interrupted' };
    return { status: 'failed', detail: errorDetail(text) };
  }
  const extra = asObj(result.toolUseResult);
  if (extra?.interrupted === true) return { status: 'interrupted' };
  if (typeof extra?.backgroundTaskId === 'string') return { status: 'background', detail: `task ${extra.backgroundTaskId}` };
  if (typeof extra?.returnCodeInterpretation === 'string') return { status: 'ok', detail: extra.returnCodeInterpretation };
  return { status: 'ok' };
}

/** A call the transcript shows took effect (one with no result may or may not have: it is not counted). */
const tookEffect = (o: Outcome) => o.status === 'ok' || o.status === 'background';

/**
 * The files a shell command removes: plain `rm` and `git rm` with literal
 * paths, resolved against the session's directory. A command that changes
 * directory first, or a path with globs or expansions, is not guessed at.
 */
export function removedPaths(command: string, cwd: string | undefined): string[] {
  if (!cwd || /\bcd\b/.test(command)) return [];
  const out: string[] = [];
  for (const segment of command.split(/&&|\|\||;|\n/)) {
    const words = segment.trim().split(/\s+/);
    const args = words[0] === 'rm' ? words.slice(1) : words[0] === 'git' && words[1] === 'rm' ? words.slice(2) : undefined;
    if (!args) continue;
    for (const a of args) {
      if (a.startsWith('-') || a === '') continue;
      if (/[*?[\]{}$`~'"|<>]/.test(a)) return [];
      out.push(a.startsWith('/') ? a : `${cwd.replace(/\/$/, '')}/${a.replace(/^\.\//, '')}`);
    }
  }
  return out;
}

const COMMAND_NAME = /<command-name>([^<]+)<\/command-name>/;
const COMMAND_ARGS = /<command-args>([\s\S]*?)<\/command-args>/;

/** A slash command the user ran (`/review the parser`), from the line Claude Code writes for it. */
function slashCommand(text: string): { name: string; args: string } | undefined {
  const name = COMMAND_NAME.exec(text)?.[1]?.trim();
  return name ? { name, args: COMMAND_ARGS.exec(text)?.[1]?.trim() ?? '' } : undefined;
}

/**
 * What the user asked on a line, if anything: a prompt, a slash command with
 * arguments, or (on the meta line after a command without them) the command
 * whose prompt that line holds. A command that runs locally (`/compact`,
 * `/mcp`) has no such line: it asks the model nothing.
 */
function requestOf(line: Line, text: string, bareCommand: string | undefined): string | undefined {
  if (isUserPrompt(line)) return text;
  if (line.info.isMeta) return text && bareCommand ? bareCommand : undefined;
  const command = slashCommand(text);
  return command?.args ? `${command.name} ${command.args}` : undefined;
}

/** Where each tool_result is: tool_use id -> line position (the first line answering it), on the side chains or off them. */
function resultLines(doc: Doc, sidechain: boolean): Map<string, number> {
  const { flags } = columnsOf(doc.lines);
  const at = new Map<string, number>();
  for (let p = 0; p < doc.lines.length; p++) {
    if (!(flags[p]! & RESULTS) || doc.lines[p]!.info.isSidechain !== sidechain) continue;
    for (const b of doc.lines[p]!.info.blocks) if (b.type === 'tool_result' && b.toolUseId && !at.has(b.toolUseId)) at.set(b.toolUseId, p);
  }
  return at;
}

/** The lines of one conversation (the session's, or a subagent's), with its tool results. */
interface Conversation {
  readonly doc: Doc;
  /** Root-first. */
  readonly positions: readonly number[];
  entryAt(pos: number): Obj | null;
  resultFor(toolUseId: string): Result | undefined;
}

function conversation(doc: Doc, positions: readonly number[], sidechain: boolean): Conversation {
  const answers = resultLines(doc, sidechain);
  const entries = new Map<number, Obj | null>();
  const entryAt = (pos: number) => {
    if (!entries.has(pos)) entries.set(pos, entryOf(doc, doc.lines[pos]!));
    return entries.get(pos)!;
  };
  return {
    doc,
    positions,
    entryAt,
    resultFor(id) {
      const pos = answers.get(id);
      const entry = pos === undefined ? undefined : entryAt(pos);
      const content = (entry?.message as Obj | undefined)?.content;
      if (!entry || !Array.isArray(content)) return undefined;
      const results = (content as Obj[]).filter((b) => b?.type === 'tool_result');
      const block = results.find((b) => b.tool_use_id === id);
      return block ? { block, toolUseResult: results.length === 1 ? entry.toolUseResult : undefined } : undefined;
    },
  };
}

/** A subagent transcript's whole conversation (its lines are all side chain, which is here its main chain). */
function subagentConversation(doc: Doc): Conversation {
  const own = asOwnConversation(doc);
  return conversation(own, wholeChain(own, buildGraph(own)).positions, false);
}

const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);

/**
 * The subagents 1.0.x kept in the session's own file: side chains, each from a
 * root holding the prompt its Task call gave. A side-chain line whose parent
 * is gone (lost or torn) hangs under the side-chain line above it, which in
 * those files is the line its own subagent wrote before it.
 */
function inlineSidechains(doc: Doc, graph: Graph) {
  const roots = new Map<string, number[]>();
  const adopted = new Map<number, number[]>();
  let above: number | undefined;
  for (let p = 0; p < doc.lines.length; p++) {
    const info = doc.lines[p]!.info;
    if (!info.isSidechain || info.kind !== 'entry') continue;
    if (!info.parentUuid && info.type === 'user') {
      const prompt = textOf((entryOf(doc, doc.lines[p]!)?.message as Obj | undefined)?.content).trim();
      roots.set(prompt, [...(roots.get(prompt) ?? []), p]);
    } else if (info.parentUuid && graph.posOf(info.parentUuid) === undefined && above !== undefined) adopted.set(above, [...(adopted.get(above) ?? []), p]);
    above = p;
  }
  const walked = new Uint8Array(doc.lines.length);
  /** The side chain from `root`, in file order. */
  const linesFrom = (root: number): number[] => {
    const out: number[] = [];
    const stack = [root];
    while (stack.length) {
      const p = stack.pop()!;
      if (walked[p]) continue;
      walked[p] = 1;
      out.push(p);
      const uid = doc.lines[p]!.info.uid;
      if (uid >= 0) for (const c of graph.childrenOfId(uid)) if (doc.lines[c]!.info.isSidechain) stack.push(c);
      stack.push(...(adopted.get(p) ?? []));
    }
    return out.sort((a, b) => a - b);
  };
  return {
    /** The side chain a Task call with this prompt ran, if one is left. */
    ranBy(prompt: string): number[] | undefined {
      const root = roots.get(prompt.trim())?.shift();
      return root === undefined ? undefined : linesFrom(root);
    },
    /** The side chains no call was found for, in file order. */
    unclaimed: (): number[][] =>
      [...roots.values()]
        .flat()
        .sort((a, b) => a - b)
        .map(linesFrom)
        .filter((lines) => lines.length > 0),
  };
}

/**
 * Finds the subagent a Task or Agent call ran: a transcript of its own (named
 * by its meta file's toolUseId, or by the agentId the call's result reports),
 * or, as 1.0.x wrote them, a side chain in the session's own file whose first
 * message is the call's prompt. Each is handed out once.
 */
function subagentFinder(doc: Doc, graph: Graph, subagents: readonly SubagentTranscript[]) {
  const byCall = new Map<string, SubagentTranscript>();
  const byAgent = new Map<string, SubagentTranscript>();
  for (const s of subagents) {
    if (s.toolUseId) byCall.set(s.toolUseId, s);
    const agentId = s.doc.lines.find((l) => l.info.agentId)?.info.agentId;
    if (agentId) byAgent.set(agentId, s);
  }
  const taken = new Set<SubagentTranscript>();
  let inline: ReturnType<typeof inlineSidechains> | undefined;
  let inlineConversation: Conversation | undefined;
  const sidechain = (positions: readonly number[]): Conversation => {
    inlineConversation ??= conversation(doc, [], true);
    return { ...inlineConversation, positions };
  };
  return {
    /** The subagent that the call `toolUseId`, with this input and result, ran: its conversation and what it was asked to do. */
    ran(toolUseId: string, input: Obj, result: Result | undefined): { conversation: Conversation; task?: string } | undefined {
      const agentId = asObj(result?.toolUseResult)?.agentId;
      const file = byCall.get(toolUseId) ?? (typeof agentId === 'string' ? byAgent.get(agentId) : undefined);
      const task = typeof input.description === 'string' ? input.description : file?.description;
      if (file && !taken.has(file)) {
        taken.add(file);
        return { conversation: subagentConversation(file.doc), task };
      }
      if (typeof input.prompt !== 'string') return undefined;
      inline ??= inlineSidechains(doc, graph);
      const lines = inline.ranBy(input.prompt);
      return lines ? { conversation: sidechain(lines), task } : undefined;
    },
    /** The subagents no call was found for (the call lost, or never written), with what their meta files say. */
    unclaimed(): { conversation: Conversation; task?: string }[] {
      inline ??= inlineSidechains(doc, graph);
      return [
        ...inline.unclaimed().map((lines) => ({ conversation: sidechain(lines) })),
        ...subagents.filter((s) => !taken.has(s)).map((s) => ({ conversation: subagentConversation(s.doc), task: s.description })),
      ];
    },
  };
}

const FILE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
/** The tools whose calls the facts record (the others only count as the session's last word when they fail). */
const WORK_TOOLS = new Set(['Bash', ...FILE_TOOLS, ...TODO_TOOLS, ...SUBAGENT_TOOLS]);

/** What a tool call is about, in a few words: its command, file, pattern or description. */
function callLabel(input: Obj, relative: (p: string) => string): string {
  if (typeof input.command === 'string') return commandLabel(input.command);
  const file = input.file_path ?? input.notebook_path;
  if (typeof file === 'string') return relative(file);
  for (const k of ['path', 'pattern', 'url', 'query', 'description', 'prompt']) if (typeof input[k] === 'string') return clip(input[k] as string, 100);
  return '';
}

function describeFailure(o: Outcome): string {
  switch (o.status) {
    case 'no-result':
      return 'no result recorded (it may or may not have run)';
    case 'rejected':
      return 'rejected by the user';
    case 'interrupted':
      return 'interrupted';
    default:
      return o.detail ?? 'error';
  }
}

/** A path as the session would say it: relative to its directory when inside it. */
export function relativeTo(cwd: string | undefined): (path: string) => string {
  const base = cwd?.replace(/\/$/, '');
  return (path) => (base && path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path);
}

/**
 * The walk with each response whole: a response split over lines (one block
 * each) keeps its parallel tool calls on lines beside the walk when their
 * results hang off an earlier one, so every line of a response on the walk
 * joins it there. A uuid written twice counts once (as the line it names).
 */
function wholeResponses(doc: Doc, graph: Graph, positions: readonly number[]): number[] {
  const out: number[] = [];
  const taken = new Uint8Array(doc.lines.length);
  for (const pos of positions) {
    const info = doc.lines[pos]!.info;
    const response = info.type === 'assistant' && info.mid >= 0 ? graph.linesOfMessage(info.mid) : [pos];
    for (const p of response) {
      const l = doc.lines[p]!.info;
      if (taken[p] || (p !== pos && (l.type !== 'assistant' || l.isSidechain || graph.posOfId(l.uid) !== p))) continue;
      taken[p] = 1;
      out.push(p);
    }
  }
  return out;
}

/**
 * Collects the facts of the whole session (the graph is the document's; only
 * it is read of the analysis), with the files its subagents changed and the
 * commands they ran, at the call that ran each subagent.
 */
export function summaryFacts(doc: Doc, analysis: { readonly graph: Graph }, subagents: readonly SubagentTranscript[] = []): SummaryFacts {
  const whole = wholeChain(doc, analysis.graph);
  const main = conversation(doc, whole.positions, false);
  const findSubagent = subagentFinder(doc, analysis.graph, subagents);

  let cwd: string | undefined;
  let branch: string | undefined;
  let sessionId: string | undefined;
  for (const pos of whole.positions) {
    const info = doc.lines[pos]!.info;
    if (info.isSidechain) continue;
    cwd = info.cwd ?? cwd;
    branch = info.gitBranch ?? branch;
    sessionId ??= info.sessionId;
  }
  const relative = relativeTo(cwd);

  const prompts: string[] = [];
  let compactSummary: string | undefined;
  let lastAssistant: string | undefined;
  let lastAssistantMessage: string | undefined;
  const todos = new TodoList();
  const commands = new Map<string, CommandRun>();
  const files = new Map<string, FileChange>();
  const seenFiles = new Set<string>();
  let sinceLastWord: string[] = [];
  let answered = false;
  /** A slash command without arguments, just seen: a request if its prompt follows. */
  let bareCommand: string | undefined;

  /** Who made a change, when subagents made all of them: the session itself (undefined) once it made one. */
  const byAfter = (before: { readonly by?: string } | undefined, by: string | undefined) => (before === undefined || before.by !== undefined ? by : undefined);
  const changeFile = (path: string, change: 'create' | 'edit' | 'delete', by: string | undefined) => {
    const prior = files.get(path);
    const before = prior?.action === 'failed' ? undefined : prior;
    files.delete(path);
    seenFiles.add(path);
    const set = (action: FileAction) => {
      const who = byAfter(before, by);
      files.set(path, who === undefined ? { path, action } : { path, action, by: who });
    };
    if (change === 'delete') {
      // A file the session made and removed again leaves nothing to hand on.
      if (before?.action !== 'created') set('deleted');
    } else if (change === 'create') set(before?.action === 'edited' ? 'edited' : 'created');
    else set(before?.action === 'created' ? 'created' : 'edited');
  };
  /** An attempt that did not happen; it matters only while nothing else changed the file. */
  const failFile = (path: string, outcome: Outcome, by: string | undefined) => {
    const before = files.get(path);
    if (before && before.action !== 'failed') return;
    files.delete(path);
    files.set(path, { path, action: 'failed', detail: describeFailure(outcome), ...(by === undefined ? {} : { by }) });
  };

  /** One tool call of the session (`by` undefined) or of the subagent doing `by`. */
  const toolCall = (b: Obj, lineCwd: string | undefined, from: Conversation, by: string | undefined) => {
    const name = String(b.name ?? '');
    const input = asObj(b.input);
    if (!input) return;
    const file = (input.file_path ?? input.notebook_path) as unknown;
    // A subagent's reads and searches say nothing the hand-off keeps (and their results are its largest lines).
    if (by !== undefined && !WORK_TOOLS.has(name)) {
      if (name === 'Read' && typeof file === 'string') seenFiles.add(file);
      return;
    }
    const result = typeof b.id === 'string' ? from.resultFor(b.id) : undefined;
    const outcome = outcomeOf(result);
    if (by === undefined && outcome.status !== 'ok' && outcome.status !== 'background')
      sinceLastWord.push(`${name} \`${callLabel(input, relative)}\`: ${describeFailure(outcome)}`);
    if (name === 'Bash' && typeof input.command === 'string') {
      const label = commandLabel(input.command);
      const before = commands.get(label);
      commands.delete(label);
      const who = byAfter(before, by);
      commands.set(label, { command: label, outcomes: [...(before?.outcomes ?? []), outcome], ...(who === undefined ? {} : { by: who }) });
      if (tookEffect(outcome)) for (const p of removedPaths(input.command, lineCwd)) changeFile(p, 'delete', by);
    } else if (typeof file === 'string' && FILE_TOOLS.has(name)) {
      if (outcome.status === 'no-result') return;
      if (!tookEffect(outcome)) failFile(file, outcome, by);
      else if (name !== 'Write') changeFile(file, 'edit', by);
      else {
        const extra = asObj(result?.toolUseResult);
        const said = textOf(result?.block.content);
        const created = extra?.type === 'create' || /^File created successfully/.test(said);
        const updated = extra?.type === 'update' || /has been (updated|overwritten)/.test(said);
        changeFile(file, created ? 'create' : updated || seenFiles.has(file) ? 'edit' : 'create', by);
      }
    } else if (name === 'Read' && typeof file === 'string') seenFiles.add(file);
    else if (TODO_TOOLS.has(name) && (tookEffect(outcome) || outcome.status === 'no-result'))
      todos.record({ name, input, resultText: textOf(result?.block.content), extra: asObj(result?.toolUseResult), main: by === undefined });
    else if (SUBAGENT_TOOLS.has(name) && typeof b.id === 'string') {
      const ran = findSubagent.ran(b.id, input, result);
      if (ran) subagentWork(ran.conversation, ran.task);
    }
  };
  /** The tool calls of a subagent's conversation (what it was asked and answered is its business). */
  const subagentWork = (sub: Conversation, task: string | undefined) => {
    for (const pos of sub.positions) {
      const info = sub.doc.lines[pos]!.info;
      if (info.type !== 'assistant' || !info.blocks.some((b) => b.type === 'tool_use')) continue;
      const content = (sub.entryAt(pos)?.message as Obj | undefined)?.content;
      if (Array.isArray(content)) for (const b of content as Obj[]) if (b?.type === 'tool_use') toolCall(b, info.cwd ?? cwd, sub, task ?? 'a subagent');
    }
  };

  for (const pos of wholeResponses(doc, analysis.graph, whole.positions)) {
    const line = doc.lines[pos]!;
    const info = line.info;
    if (info.isSidechain || (info.type !== 'user' && info.type !== 'assistant')) continue;
    const entry = main.entryAt(pos);
    const content = (entry?.message as Obj | undefined)?.content;
    if (info.type === 'user') {
      const text = textOf(content).trim();
      const request = requestOf(line, text, bareCommand);
      const command = info.isMeta ? undefined : slashCommand(text);
      bareCommand = command && !command.args ? command.name : undefined;
      if (info.isCompactSummary) compactSummary = text;
      else if (request !== undefined) {
        prompts.push(request);
        answered = false;
        sinceLastWord = [];
      } else if (/^\[Request interrupted by user\]/.test(info.blocks[0]?.preview ?? '')) sinceLastWord.push('the user interrupted the request');
      continue;
    }
    bareCommand = undefined;
    if (info.isApiErrorMessage) {
      sinceLastWord.push(clip(textOf(content), 300));
      continue;
    }
    if (!Array.isArray(content)) continue;
    const text = textOf(content).trim();
    if (text) {
      // The text lines of one split response make one message.
      lastAssistant = lastAssistant !== undefined && info.messageId && info.messageId === lastAssistantMessage ? `${lastAssistant}\n\n${text}` : text;
      lastAssistantMessage = info.messageId;
      answered = true;
      sinceLastWord = [];
    }
    for (const b of content as Obj[]) if (b?.type === 'tool_use') toolCall(b, info.cwd ?? cwd, main, undefined);
  }
  for (const s of findSubagent.unclaimed()) subagentWork(s.conversation, s.task);

  return {
    cwd,
    branch,
    sessionId,
    transcript: doc.path,
    goal: prompts[0],
    requests: prompts.slice(1),
    compactSummary,
    files: [...files.values()],
    commands: [...commands.values()],
    todos: todos.list(),
    lastAssistant,
    answered: lastAssistant !== undefined && answered,
    endErrors: sinceLastWord,
    gaps: whole.bridges.length,
  };
}
