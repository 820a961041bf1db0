import { estimateTextTokens } from '../budget/estimate.js';
import { HANDOFF_TOKEN_BUDGET } from './budget.js';
import { type CommandRun, type FileAction, type Outcome, type SummaryFacts, clip, relativeTo } from './facts.js';

export { summaryFacts } from './facts.js';
export type { SummaryFacts } from './facts.js';

/*
 * The hand-off as Markdown: the first message of a fresh session. It says only
 * what the facts hold; a section with nothing in it is left out. When it would
 * not fit the budget, the least useful parts are cut first, and it says so.
 */

/** How much of each part is shown; Infinity: all of it. */
interface Limits {
  /** The newest commands. */
  readonly commands: number;
  /** The newest of the requests before the last one. */
  readonly requests: number;
  /** Each of those requests, in characters. */
  readonly requestChars: number;
  /** The files changed last. */
  readonly files: number;
  readonly goalChars: number;
  /** The compaction summary, in characters from its end (its last sections say what was pending). */
  readonly compactChars: number;
  readonly lastRequestChars: number;
  readonly lastAssistantChars: number;
}

const WHOLE: Limits = {
  commands: Number.POSITIVE_INFINITY,
  requests: Number.POSITIVE_INFINITY,
  requestChars: Number.POSITIVE_INFINITY,
  files: Number.POSITIVE_INFINITY,
  goalChars: Number.POSITIVE_INFINITY,
  compactChars: Number.POSITIVE_INFINITY,
  lastRequestChars: Number.POSITIVE_INFINITY,
  lastAssistantChars: Number.POSITIVE_INFINITY,
};

/** Successive cuts, least useful first: old commands, then the wording of old requests, then files, then the long texts. */
const CUTS: readonly Partial<Limits>[] = [
  { commands: 30 },
  { requestChars: 300 },
  { commands: 10, requests: 10 },
  { files: 30 },
  { lastAssistantChars: 3000, goalChars: 2000 },
  { compactChars: 12000 },
  { commands: 0, requests: 3, files: 10, requestChars: 200 },
  { compactChars: 6000, lastAssistantChars: 1500, lastRequestChars: 3000, goalChars: 1000 },
];

export interface Handoff {
  readonly markdown: string;
  /** Its size by the context budget's estimate for text. */
  readonly tokens: number;
  /** What was left out or shortened to fit, one phrase each (empty when nothing was). */
  readonly cut: readonly string[];
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

/** The last `n` characters of a text or a little fewer, from a line start. */
function tail(text: string, n: number): string {
  if (text.length <= n) return text;
  const from = text.length - n;
  const nl = text.indexOf('\n', from);
  return text.slice(nl === -1 || nl - from > 200 ? from : nl + 1);
}

/** Inline code, fenced so a backtick inside it does not end it. */
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

const flat = (s: string) => s.replace(/\s*\n\s*/g, ' ');
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function outcomeText(o: Outcome): string {
  switch (o.status) {
    case 'ok':
      return o.detail ? `ok (${o.detail})` : 'ok';
    case 'failed':
      return `failed: ${o.detail ?? 'error'}`;
    case 'rejected':
      return 'rejected by the user';
    case 'interrupted':
      return 'interrupted';
    case 'background':
      return `started in the background (${o.detail})`;
    case 'no-result':
      return 'no result recorded';
  }
}

/** Who did it, when it was not the session itself. */
const byWhom = (by: string | undefined) => (by === undefined ? '' : ` (by a subagent: ${flat(by)})`);

function commandLine(c: CommandRun): string {
  const last = c.outcomes[c.outcomes.length - 1]!;
  const what = `- ${code(c.command)}${c.outcomes.length > 1 ? ` ×${c.outcomes.length}` : ''}${byWhom(c.by)}`;
  if (c.outcomes.length === 1) return `${what}: ${outcomeText(last)}`;
  const runs = c.outcomes.length;
  const failed = c.outcomes.filter((o) => o.status === 'failed').length;
  if (failed === runs) return `${what}: failed each time, last: ${last.detail ?? 'error'}`;
  return `${what}: last ${outcomeText(last)}${failed ? `; ${failed} of the ${runs} runs failed` : ''}`;
}

const FILE_HEADINGS: readonly [FileAction, string][] = [
  ['created', 'Created:'],
  ['edited', 'Edited:'],
  ['deleted', 'Deleted:'],
  ['failed', 'Not changed (every attempt failed):'],
];

const TODO_MARK: Record<string, string> = { completed: '[x]', in_progress: '[~]', pending: '[ ]' };

function render(f: SummaryFacts, lim: Limits): { markdown: string; cut: string[] } {
  const out: string[] = ['# Hand-off from a previous Claude Code session', ''];
  const cut: string[] = [];
  const shorten = (text: string, n: number, what: string) => {
    if (text.length <= n) return text;
    cut.push(`${what} cut after ${count(n, 'character')}`);
    return clip(text, n);
  };
  out.push('I am continuing work from an earlier Claude Code session. Everything below is copied from its transcript (by ccmend).', '');
  if (f.cwd) out.push(`- Project directory: ${code(f.cwd)}`);
  if (f.branch) out.push(`- Git branch: ${code(f.branch)}`);
  if (f.sessionId) out.push(`- Previous session: ${code(f.sessionId)}${f.transcript ? ` (transcript: ${code(f.transcript)})` : ''}`);
  if (f.gaps) out.push(`- The transcript has ${count(f.gaps, 'gap')} (lost or unreadable lines); what follows was read across them.`);

  if (f.goal) out.push('', '## Original goal', '', quote(shorten(f.goal, lim.goalChars, 'the original goal')));
  const earlier = f.requests.slice(0, -1);
  const shownRequests = earlier.slice(Math.max(0, earlier.length - lim.requests));
  if (shownRequests.length < earlier.length) cut.push(`${count(earlier.length - shownRequests.length, 'earlier request')} left out`);
  const longRequests = shownRequests.filter((r) => r.length > lim.requestChars).length;
  if (longRequests) cut.push(`the wording of ${count(longRequests, 'request')} cut after ${count(lim.requestChars, 'character')}`);
  if (shownRequests.length) out.push('', '## Later requests', '', ...shownRequests.map((r) => `- ${clip(flat(r), lim.requestChars)}`));

  if (f.compactSummary) {
    const kept = tail(f.compactSummary, lim.compactChars);
    if (kept !== f.compactSummary) cut.push(`the compaction summary's first ${count(f.compactSummary.length - kept.length, 'character')} left out`);
    out.push(
      '',
      '## Claude Code’s compaction summary',
      '',
      'Claude Code wrote this when it compacted the session; the other sections cover the whole session, including what came after it.',
      '',
      quote(kept === f.compactSummary ? kept : `…\n${kept}`),
    );
  }

  if (f.todos.length) out.push('', '## Latest todo list', '', ...f.todos.map((t) => `- ${TODO_MARK[t.status] ?? '[ ]'} ${t.content}`));

  const files = f.files.slice(Math.max(0, f.files.length - lim.files));
  if (files.length < f.files.length) cut.push(`${count(f.files.length - files.length, 'file')} changed earlier left out`);
  if (files.length) {
    const rel = relativeTo(f.cwd);
    out.push('', '## Files');
    for (const [action, heading] of FILE_HEADINGS) {
      const these = files.filter((c) => c.action === action);
      if (these.length) out.push('', heading, ...these.map((c) => `- ${code(rel(c.path))}${byWhom(c.by)}${c.detail ? `: ${flat(c.detail)}` : ''}`));
    }
  }

  const commands = lim.commands >= f.commands.length ? f.commands : f.commands.slice(f.commands.length - lim.commands);
  if (commands.length < f.commands.length) cut.push(`${count(f.commands.length - commands.length, 'older command')} left out`);
  if (commands.length)
    out.push('', '## Commands run', '', 'Each once, in the order of its last run, with how that run ended.', '', ...commands.map(commandLine));

  // The last request and the last message in the order they came (the message may answer an earlier request).
  const lastRequest = f.requests[f.requests.length - 1];
  const request = lastRequest === undefined ? [] : ['', '## Last request', '', quote(shorten(lastRequest, lim.lastRequestChars, 'the last request'))];
  const answer = f.lastAssistant
    ? ['', '## Last assistant message', '', quote(shorten(f.lastAssistant, lim.lastAssistantChars, 'the last assistant message'))]
    : [];
  out.push(...(f.answered ? [...request, ...answer] : [...answer, ...request]));
  if (f.endErrors.length) out.push('', '## Where it stopped', '', 'The session ended on:', '', ...f.endErrors.map((e) => `- ${flat(e)}`));

  if (cut.length) {
    const where = f.transcript ? ` The whole session is in ${code(f.transcript)}.` : '';
    out.push('', `_Shortened to fit a fresh session: ${cut.join('; ')}.${where}_`);
  }
  return { markdown: `${out.join('\n')}\n`, cut };
}

/** The hand-off, cut to `budget` tokens if it can be (what was cut is said in it and returned). */
export function renderHandoff(f: SummaryFacts, budget = HANDOFF_TOKEN_BUDGET): Handoff {
  let limits = WHOLE;
  let result = render(f, limits);
  for (const step of CUTS) {
    if (estimateTextTokens(result.markdown) <= budget) break;
    limits = { ...limits, ...step };
    result = render(f, limits);
  }
  return { ...result, tokens: estimateTextTokens(result.markdown) };
}

/** The hand-off as Markdown, within the default budget. */
export function renderSummary(f: SummaryFacts): string {
  return renderHandoff(f).markdown;
}

export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The shell command that starts a fresh session with the hand-off as its first
 * message: read from `file` by `reader` (`cat` for a saved hand-off, `ccmend
 * summary` for the transcript itself).
 */
export function startCommand(f: Pick<SummaryFacts, 'cwd'>, file: string, reader = 'cat'): string {
  return `${f.cwd ? `cd ${shellQuote(f.cwd)} && ` : ''}claude "$(${reader} ${shellQuote(file)})"`;
}
