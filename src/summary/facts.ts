import type { Graph } from '../conversation/graph.js';
import { isUserPrompt } from '../conversation/prompts.js';
import { wholeChain } from '../conversation/wholeChain.js';
import { RESULTS, columnsOf } from '../transcript/columns.js';
import { type Doc, type Line, entryOf } from '../transcript/document.js';

/*
 * The facts of a hand-off, all copied from the transcript (no model writes
 * them, so they are fast, offline and cannot be invented). They come from the
 * whole session, root to leaf, across every compaction and every gap in the
 * chain, not from what a client would send.
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
}

export interface Todo {
  readonly content: string;
  readonly status: string;
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
  /** The latest todo list. */
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

/** Where each tool_result is: tool_use id -> line position (the first line answering it). */
function resultLines(doc: Doc): Map<string, number> {
  const { flags } = columnsOf(doc.lines);
  const at = new Map<string, number>();
  for (let p = 0; p < doc.lines.length; p++) {
    if (!(flags[p]! & RESULTS) || doc.lines[p]!.info.isSidechain) continue;
    for (const b of doc.lines[p]!.info.blocks) if (b.type === 'tool_result' && b.toolUseId && !at.has(b.toolUseId)) at.set(b.toolUseId, p);
  }
  return at;
}

const FILE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

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

/** Collects the facts of the whole session (the graph is the document's; only it is read of the analysis). */
export function summaryFacts(doc: Doc, analysis: { readonly graph: Graph }): SummaryFacts {
  const whole = wholeChain(doc, analysis.graph);
  const answers = resultLines(doc);
  const entries = new Map<number, Obj | null>();
  const entryAt = (pos: number) => {
    if (!entries.has(pos)) entries.set(pos, entryOf(doc, doc.lines[pos]!));
    return entries.get(pos)!;
  };
  const resultFor = (id: string): Result | undefined => {
    const pos = answers.get(id);
    const entry = pos === undefined ? undefined : entryAt(pos);
    const content = (entry?.message as Obj | undefined)?.content;
    if (!entry || !Array.isArray(content)) return undefined;
    const results = (content as Obj[]).filter((b) => b?.type === 'tool_result');
    const block = results.find((b) => b.tool_use_id === id);
    return block ? { block, toolUseResult: results.length === 1 ? entry.toolUseResult : undefined } : undefined;
  };

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
  let todos: Todo[] = [];
  const commands = new Map<string, Outcome[]>();
  const files = new Map<string, FileChange>();
  const seenFiles = new Set<string>();
  let sinceLastWord: string[] = [];
  let answered = false;
  /** A slash command without arguments, just seen: a request if its prompt follows. */
  let bareCommand: string | undefined;

  const changeFile = (path: string, change: 'create' | 'edit' | 'delete') => {
    const before = files.get(path)?.action;
    files.delete(path);
    seenFiles.add(path);
    const set = (action: FileAction) => files.set(path, { path, action });
    if (change === 'delete') {
      // A file the session made and removed again leaves nothing to hand on.
      if (before !== 'created') set('deleted');
    } else if (change === 'create') set(before === 'edited' ? 'edited' : 'created');
    else set(before === 'created' ? 'created' : 'edited');
  };
  /** An attempt that did not happen; it matters only while nothing else changed the file. */
  const failFile = (path: string, outcome: Outcome) => {
    const before = files.get(path);
    if (before && before.action !== 'failed') return;
    files.delete(path);
    files.set(path, { path, action: 'failed', detail: describeFailure(outcome) });
  };

  const toolCall = (b: Obj, lineCwd: string | undefined) => {
    const name = String(b.name ?? '');
    const input = asObj(b.input);
    if (!input) return;
    const result = typeof b.id === 'string' ? resultFor(b.id) : undefined;
    const outcome = outcomeOf(result);
    const file = (input.file_path ?? input.notebook_path) as unknown;
    if (outcome.status !== 'ok' && outcome.status !== 'background')
      sinceLastWord.push(`${name} \`${callLabel(input, relative)}\`: ${describeFailure(outcome)}`);
    if (name === 'Bash' && typeof input.command === 'string') {
      const label = commandLabel(input.command);
      const runs = commands.get(label) ?? [];
      commands.delete(label);
      commands.set(label, [...runs, outcome]);
      if (tookEffect(outcome)) for (const p of removedPaths(input.command, lineCwd)) changeFile(p, 'delete');
    } else if (typeof file === 'string' && FILE_TOOLS.has(name)) {
      if (outcome.status === 'no-result') return;
      if (!tookEffect(outcome)) failFile(file, outcome);
      else if (name !== 'Write') changeFile(file, 'edit');
      else {
        const extra = asObj(result?.toolUseResult);
        const said = textOf(result?.block.content);
        const created = extra?.type === 'create' || /^File created successfully/.test(said);
        const updated = extra?.type === 'update' || /has been (updated|overwritten)/.test(said);
        changeFile(file, created ? 'create' : updated || seenFiles.has(file) ? 'edit' : 'create');
      }
    } else if (name === 'Read' && typeof file === 'string') seenFiles.add(file);
    else if (name === 'TodoWrite' && Array.isArray(input.todos) && outcome.status !== 'failed') {
      todos = (input.todos as unknown[]).map((t) => asObj(t) ?? {}).map((t) => ({ content: String(t.content ?? ''), status: String(t.status ?? '') }));
    }
  };

  for (const pos of whole.positions) {
    const line = doc.lines[pos]!;
    const info = line.info;
    if (info.isSidechain || (info.type !== 'user' && info.type !== 'assistant')) continue;
    const entry = entryAt(pos);
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
    for (const b of content as Obj[]) if (b?.type === 'tool_use') toolCall(b, info.cwd ?? cwd);
  }

  return {
    cwd,
    branch,
    sessionId,
    transcript: doc.path,
    goal: prompts[0],
    requests: prompts.slice(1),
    compactSummary,
    files: [...files.values()],
    commands: [...commands].map(([command, outcomes]) => ({ command, outcomes })),
    todos,
    lastAssistant,
    answered: lastAssistant !== undefined && answered,
    endErrors: sinceLastWord,
    gaps: whole.bridges.length,
  };
}
