import { createHash } from 'node:crypto';
import type { ViewBlock, ViewMessage } from '../conversation/apiView.js';
import { inArray } from '../transcript/jsonPath.js';
import { apiPath, atBlock, blockRule, diag } from './diagnostic.js';
import type { Diagnostic, Edit, Fix, Rule, RuleContext } from './types.js';
import { IdSet, toolIds } from './toolIds.js';
import { viewIndex } from './viewIndex.js';

/*
 * Pairing of tool_use and tool_result blocks: the family behind Claude Code's
 * "API Error: 400 due to tool use concurrency issues".
 */

export const LOST_RESULT = '[tool result lost]';
const ID_PATTERN = /^[a-zA-Z0-9_-]+$/;

/*
 * Only an assistant's tool_use and a user's tool_result take part in pairing.
 * The rules find each message's tool blocks through the view index and compare
 * their ids as numbers (toolIds.ts); the blocks themselves are read for reports.
 */

/** The tool_result blocks of message `i`. */
function toolResults(ctx: RuleContext, i: number): ViewBlock[] {
  if (ctx.view.messages[i]?.role !== 'user') return [];
  const { blocks, start } = toolIds(ctx.view).results;
  return blocks.slice(start[i], start[i + 1]);
}

/*
 * The API merges consecutive messages of one role before it pairs tool calls
 * (a response split in two, say by a line that lost its message.id, is still
 * one assistant turn), so pairing looks across a run of assistant messages.
 * Strict providers reject the run itself: that is role-alternation's report.
 */

/** Index of the message that answers assistant message `i`: the first after its run of assistant messages (maybe past the end). */
function answerOf(messages: readonly ViewMessage[], i: number): number {
  let j = i + 1;
  while (messages[j]?.role === 'assistant') j++;
  return j;
}

/** Index of the first message of the run of assistant messages just before message `i` (`i` if there is none). */
function runBefore(messages: readonly ViewMessage[], i: number): number {
  let k = i;
  while (k > 0 && messages[k - 1]!.role === 'assistant') k--;
  return k;
}

/** A uuid-shaped id derived from `seed`, so fixes are deterministic. */
export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Fields a new line copies from its neighbour so Claude Code reads it like its own. */
const INHERITED = ['isSidechain', 'userType', 'cwd', 'sessionId', 'version', 'gitBranch', 'timestamp'] as const;

/**
 * The uuid a result for the tool_use on line `pos` hangs off: that line's, or if
 * it lost its uuid (or another line carries it too, and so is what the uuid
 * names), the last line of the same response whose uuid names it (the view
 * gathers results hanging off any line of a response).
 */
function anchorUuid(ctx: RuleContext, pos: number): string | null {
  const names = (p: number) => {
    const uuid = ctx.doc.lines[p]!.info.uuid;
    return !!uuid && ctx.graph.posOf(uuid) === p;
  };
  if (names(pos)) return ctx.doc.lines[pos]!.info.uuid!;
  const lines = ctx.view.messages[ctx.view.messageOf.get(pos) ?? -1]?.lines ?? [];
  const anchor = lines.filter(names).at(-1);
  return anchor === undefined ? null : ctx.doc.lines[anchor]!.info.uuid!;
}

/** A new user line holding tool_result `block`, hanging off the tool_use's own line (Claude Code's parallel-call layout). */
export function resultLine(ctx: RuleContext, toolUse: ViewBlock, block: Record<string, unknown>): Record<string, unknown> {
  const line = ctx.doc.lines[toolUse.pos]!;
  const info = line.info as unknown as Record<string, unknown>;
  const value: Record<string, unknown> = { parentUuid: anchorUuid(ctx, toolUse.pos) };
  for (const k of INHERITED) if (info[k] !== undefined) value[k] = info[k];
  value.isSidechain = false;
  Object.assign(value, {
    type: 'user',
    message: { role: 'user', content: [block] },
    uuid: derivedUuid(`ccmend-result:${toolUse.info.id}:${line.info.uuid ?? line.key}`),
  });
  return value;
}

/** The API's error for tool_use ids of message `m` not answered at the start of the next message. */
function missingResultsError(m: number, ids: readonly string[]): string {
  return `messages.${m}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
}

const toolResultMissing: Rule = {
  id: 'tool-result-missing',
  description: 'a tool_use has no tool_result in the next message',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    const { uses, useId, results, resultId, count } = toolIds(ctx.view);
    const answered = new IdSet(count);
    messages.forEach((m, i) => {
      if (m.role !== 'assistant' || uses.start[i] === uses.start[i + 1]) return;
      const next = answerOf(messages, i);
      answered.clear();
      if (messages[next]?.role === 'user') for (let k = results.start[next]!; k < results.start[next + 1]!; k++) answered.add(resultId[k]!);
      const unanswered: ViewBlock[] = [];
      for (let k = uses.start[i]!; k < uses.start[i + 1]!; k++) if (useId[k]! >= 0 && !answered.has(useId[k]!)) unanswered.push(uses.blocks[k]!);
      if (!unanswered.length) return;
      // A result that lost its id, with exactly one candidate: re-attach it.
      const idless = toolResults(ctx, next).filter((r) => r.info.toolUseId === undefined);
      const groupEnd = m.lines[m.lines.length - 1]!;
      for (const u of unanswered) {
        const id = u.info.id!;
        const fixes: Fix[] = [];
        if (idless.length === 1 && unanswered.length === 1) {
          const r = idless[0]!;
          fixes.push({
            label: `attach the tool_result without an id (line ${r.pos + 1}) to ${id}`,
            safe: true,
            edits: [{ op: 'set', key: ctx.doc.lines[r.pos]!.key, path: [...r.info.path, 'tool_use_id'], value: id }],
          });
        }
        const lost = { type: 'tool_result', tool_use_id: id, content: LOST_RESULT, is_error: true };
        fixes.push({
          label: `insert a tool_result "${LOST_RESULT}" (is_error) for ${id}`,
          safe: true,
          edits: [{ op: 'insert-line', afterKey: ctx.doc.lines[groupEnd]!.key, value: resultLine(ctx, u, lost) }],
        });
        out.push(
          diag(
            ctx,
            this.id,
            'error',
            atBlock(i, u),
            `tool_use ${id} (${u.info.name ?? 'tool'}) has no tool_result in the next message`,
            missingResultsError(i, [id]),
            fixes,
          ),
        );
      }
    });
    return out;
  },
};

const toolResultOrphan: Rule = {
  id: 'tool-result-orphan',
  description: "a tool_result's id is not a tool_use of the previous message",
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    const { uses, useId, results, resultId, count } = toolIds(ctx.view);
    const called = new IdSet(count);
    messages.forEach((m, i) => {
      if (m.role !== 'user' || results.start[i] === results.start[i + 1]) return;
      const run = runBefore(messages, i);
      called.clear();
      for (let k = uses.start[run]!; k < uses.start[i]!; k++) called.add(useId[k]!);
      for (let k = results.start[i]!; k < results.start[i + 1]!; k++) {
        // A result for a call of the previous turn pairs; a second one for it is tool-result-duplicate's.
        if (called.has(resultId[k]!)) continue;
        const r = results.blocks[k]!;
        const id = r.info.toolUseId;
        const key = ctx.doc.lines[r.pos]!.key;
        const remove: Fix = { label: 'remove the orphan tool_result', safe: true, edits: [{ op: 'remove-block', key, path: r.info.path }] };
        if (id === undefined) {
          const answers = toolResults(ctx, i);
          const calls = uses.blocks.slice(uses.start[run], uses.start[i]);
          const open = calls.filter((u) => u.info.id && !answers.some((x) => x.info.toolUseId === u.info.id));
          const fixes: Fix[] = [];
          if (open.length === 1 && answers.filter((x) => x.info.toolUseId === undefined).length === 1) {
            const target = open[0]!.info.id!;
            fixes.push({
              label: `attach it to the unanswered tool_use ${target}`,
              safe: true,
              edits: [{ op: 'set', key, path: [...r.info.path, 'tool_use_id'], value: target }],
            });
          }
          fixes.push(remove);
          out.push(
            diag(
              ctx,
              this.id,
              'error',
              atBlock(i, r),
              'tool_result has no tool_use_id',
              `${apiPath(ctx, i, r)}.tool_result.tool_use_id: Field required`,
              fixes,
            ),
          );
          continue;
        }
        out.push(
          diag(
            ctx,
            this.id,
            'error',
            atBlock(i, r),
            `tool_result for ${id} has no matching tool_use in the previous message`,
            `${apiPath(ctx, i, r)}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
            [remove],
          ),
        );
      }
    });
    return out;
  },
};

const toolResultOrder: Rule = {
  id: 'tool-result-order',
  description: 'a user message has other content before its tool_results',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const results = viewIndex(ctx.view).ofType('tool_result');
    ctx.view.messages.forEach((m, i) => {
      const count = results.start[i + 1]! - results.start[i]!;
      if (m.role !== 'user' || !count) return;
      // Results that open the message fill its first slots, so the last of them is in slot count - 1.
      const lastResult = results.slot[results.start[i + 1]! - 1]!;
      if (lastResult === count - 1) return;
      const firstOther = m.blocks.findIndex((b) => b.info.type !== 'tool_result');
      const head = m.blocks[firstOther]!;
      const late = m.blocks.slice(firstOther + 1).filter((b) => b.info.type === 'tool_result');
      // Move every late result to the front, in order: right after the results that already open the
      // message (in the last one's line), else just before the other content in its line. A string
      // content slot becomes a block array; a slot outside a message (an attachment, a local command)
      // cannot take blocks.
      const anchor = firstOther > 0 ? m.blocks[firstOther - 1]! : head;
      const path = anchor.info.path;
      const arrayPath = inArray(path) ? path.slice(0, -1) : path;
      const first = (inArray(path) ? (path[path.length - 1] as number) : 0) + (anchor === head ? 0 : 1);
      const toKey = ctx.doc.lines[anchor.pos]!.key;
      const edits: Edit[] = late.map((b, k) => ({
        op: 'move-block',
        key: ctx.doc.lines[b.pos]!.key,
        path: b.info.path,
        toKey,
        toPath: [...arrayPath, first + k],
      }));
      const fixes: Fix[] = anchor.info.path[0] === 'message' ? [{ label: 'move the tool_result blocks before the other content', safe: true, edits }] : [];
      out.push(
        diag(
          ctx,
          this.id,
          'error',
          atBlock(i, m.blocks[lastResult]!),
          `message ${i + 1} has ${head.info.type} before its tool_result blocks`,
          // The API does not name the order: it misses the results that do not open the message
          // (seen when a proxy put a text block before them, router-for-me/CLIProxyAPI#4572).
          missingResultsError(
            i - 1,
            late.map((b) => b.info.toolUseId ?? '?'),
          ),
          fixes,
        ),
      );
    });
    return out;
  },
};

const toolUseDuplicate: Rule = {
  id: 'tool-use-duplicate',
  description: 'a tool_use id repeats',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    const { uses, useId, count } = toolIds(ctx.view);
    // By id number, the message the id is first used in.
    const first = new Int32Array(count).fill(-1);
    uses.blocks.forEach((u, k) => {
      const i = uses.message[k]!;
      const n = useId[k]!;
      if (n < 0 || messages[i]!.role !== 'assistant') return;
      if (first[n]! < 0) {
        first[n] = i;
        return;
      }
      const id = u.info.id!;
      const edits: Edit[] = [{ op: 'remove-block', key: ctx.doc.lines[u.pos]!.key, path: u.info.path }];
      // Drop the later pair: its result too, unless it is the only answer of the first use.
      if (answerOf(messages, first[n]!) !== answerOf(messages, i)) {
        for (const r of toolResults(ctx, answerOf(messages, i))) {
          if (r.info.toolUseId === id) edits.push({ op: 'remove-block', key: ctx.doc.lines[r.pos]!.key, path: r.info.path });
        }
      }
      out.push(
        diag(
          ctx,
          this.id,
          'error',
          atBlock(i, u),
          `tool_use id ${id} is used again (first in message ${first[n]! + 1})`,
          `${apiPath(ctx, i, u)}: \`tool_use\` ids must be unique`,
          [{ label: 'remove the later tool_use and its result', safe: true, edits }],
        ),
      );
    });
    return out;
  },
};

const toolResultDuplicate: Rule = {
  id: 'tool-result-duplicate',
  description: 'two tool_results answer one tool_use',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { results, resultId, count } = toolIds(ctx.view);
    const seen = new IdSet(count);
    ctx.view.messages.forEach((m, i) => {
      if (m.role !== 'user') return;
      seen.clear();
      for (let k = results.start[i]!; k < results.start[i + 1]!; k++) {
        const n = resultId[k]!;
        if (n < 0) continue;
        if (!seen.has(n)) {
          seen.add(n);
          continue;
        }
        const r = results.blocks[k]!;
        const id = r.info.toolUseId!;
        out.push(
          diag(
            ctx,
            this.id,
            'error',
            atBlock(i, r),
            `a second tool_result for ${id}`,
            `messages.${i}: each tool_use must have a single result. Found multiple \`tool_result\` blocks with id: ${id}`,
            [
              {
                label: 'keep the first result, remove this one',
                safe: true,
                edits: [{ op: 'remove-block', key: ctx.doc.lines[r.pos]!.key, path: r.info.path }],
              },
            ],
          ),
        );
      }
    });
    return out;
  },
};

const toolIdFormat: Rule = {
  id: 'tool-id-format',
  description: 'a tool_use id is missing or does not match ^[a-zA-Z0-9_-]+$',
  scope: 'view',
  check(ctx) {
    const out: Diagnostic[] = [];
    const { messages } = ctx.view;
    const { uses } = toolIds(ctx.view);
    uses.blocks.forEach((u, k) => {
      const i = uses.message[k]!;
      const id = u.info.id;
      if ((id !== undefined && ID_PATTERN.test(id)) || messages[i]!.role !== 'assistant') return;
      const line = ctx.doc.lines[u.pos]!;
      const fresh = id ? id.replace(/[^a-zA-Z0-9_-]/g, '_') || 'toolu_ccmend' : `toolu_ccmend_${derivedUuid(`${line.info.uuid}:${u.index}`).replace(/-/g, '')}`;
      const edits: Edit[] = [{ op: 'set', key: line.key, path: [...u.info.path, 'id'], value: fresh }];
      if (id !== undefined) {
        for (const r of toolResults(ctx, answerOf(messages, i))) {
          if (r.info.toolUseId === id) edits.push({ op: 'set', key: ctx.doc.lines[r.pos]!.key, path: [...r.info.path, 'tool_use_id'], value: fresh });
        }
      }
      out.push(
        diag(
          ctx,
          this.id,
          'error',
          atBlock(i, u),
          id === undefined ? 'tool_use has no id' : `tool_use id ${JSON.stringify(id)} has characters the API does not accept`,
          id === undefined
            ? `${apiPath(ctx, i, u)}.tool_use.id: Field required`
            : `${apiPath(ctx, i, u)}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`,
          [{ label: `rename the id to ${fresh} in the tool_use and its result`, safe: true, edits }],
        ),
      );
    });
    return out;
  },
};

const toolInputType = blockRule('tool-input-type', 'a tool_use input is not a JSON object', 'tool_use', (ctx, m, u) => {
  if (u.info.inputIsObject || ctx.view.messages[m]!.role !== 'assistant') return undefined;
  return {
    severity: 'error',
    message: `tool_use ${u.info.id ?? ''} input is not an object`,
    apiError: `${apiPath(ctx, m, u)}.tool_use.input: Input should be a valid dictionary`,
    fixes: [
      {
        label: 'parse the input if it is JSON text, else make it {}',
        safe: true,
        edits: [{ op: 'parse-json', key: ctx.doc.lines[u.pos]!.key, path: [...u.info.path, 'input'] }],
      },
    ],
  };
});

export const ERROR_PLACEHOLDER = '[tool failed without output]';

const errorResultEmpty = blockRule('error-result-empty', 'a tool_result with is_error has empty content', 'tool_result', (ctx, m, r) => {
  if (!r.info.isError || !r.info.empty || ctx.view.messages[m]!.role !== 'user') return undefined;
  return {
    severity: 'error',
    message: `error tool_result for ${r.info.toolUseId ?? '?'} has no content`,
    apiError: `${apiPath(ctx, m, r)}: content cannot be empty if \`is_error\` is true`,
    fixes: [
      {
        label: `set its content to "${ERROR_PLACEHOLDER}"`,
        safe: true,
        edits: [{ op: 'set', key: ctx.doc.lines[r.pos]!.key, path: [...r.info.path, 'content'], value: ERROR_PLACEHOLDER }],
      },
    ],
  };
});

export const toolRules: Rule[] = [
  toolResultMissing,
  toolResultOrphan,
  toolResultOrder,
  toolUseDuplicate,
  toolResultDuplicate,
  toolIdFormat,
  toolInputType,
  errorResultEmpty,
];
