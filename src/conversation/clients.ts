/*
 * What each Claude Code version does when it resumes a session and sends it:
 * the send-time behaviours that decide which lines go into the request and what
 * is dropped, replaced or patched on the way. Each was found by resuming real
 * transcripts with real releases against a recording loopback API (see
 * fixtures/recordings/README.md); `seen` names the recorded versions that show
 * either side of each boundary. A new release that changes what is sent is one
 * more entry here, and one more set of recordings.
 */

/** A Claude Code version as numbers, compared part by part: 2.1.9 < 2.1.10. */
export type Version = readonly number[];

export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export const formatVersion = (v: Version) => v.join('.');

export type BehaviourId =
  | 'results-first'
  | 'results-in-call-order'
  | 'splice-preserved-segment'
  | 'relink-preserved-messages'
  | 'drop-orphan-results'
  | 'drop-opening-orphans'
  | 'note-opening-orphans'
  | 'drop-blank-text'
  | 'side-branches'
  | 'dedupe-tool-ids'
  | 'dedupe-calls-in-response'
  | 'dedupe-rewritten-results'
  | 'batch-entry-results'
  | 'bridge-gaps'
  | 'refuse-large-images'
  | 'leaf-last-entry'
  | 'leaf-last-prompt'
  | 'sanitize-surrogates'
  | 'interrupt-trailing-tool-use'
  | 'interrupt-outcome-unknown'
  | 'interrupt-beside-results'
  | 'drop-unanswered-calls'
  | 'answer-final-prompt'
  | 'attach-files'
  | 'attach-skills'
  | 'attach-deferred-tools'
  | 'attach-agents'
  | 'attach-token-budget'
  | 'attach-attribution'
  | 'attach-context'
  | 'hoist-attachments'
  | 'fold-reminders-into-results'
  | 'fold-reminders-into-list-results'
  | 'attribution-apart-from-results'
  | 'seam-newline'
  | 'deferred-tools-short-header'
  | 'attribution-short-note'
  | 'file-result-arrows'
  | 'file-result-malware-note'
  | 'task-as-agent'
  | 'truncate-tool-names'
  | 'keep-empty-response-text'
  | 'keep-empty-text-beside-image'
  | 'prompt-image-placeholder'
  | 'drop-other-models-thinking'
  | 'placeholder-emptied'
  | 'continue-after-results'
  | 'continue-after-attachment'
  | 'send-api-errors'
  | 'send-local-commands'
  | 'gather-split-responses'
  | 'continue-after-merged-interruption'
  | 'answer-after-local-commands'
  | 'move-trailing-local-commands'
  | 'leaf-before-local-commands'
  | 'walk-progress-lines';

export interface Behaviour {
  readonly id: BehaviourId;
  /** `lines`: decides which lines are sent; `patch`: changes what is sent of them. */
  readonly kind: 'lines' | 'patch';
  /** What the versions that have it do. */
  readonly does: string;
  /** What the versions without it do instead. */
  readonly otherwise: string;
  /** The versions that have it: each span from its first version up to (not including) `until`. */
  readonly spans: readonly { readonly from: string; readonly until?: string }[];
}

export const BEHAVIOURS: readonly Behaviour[] = [
  {
    id: 'results-first',
    kind: 'patch',
    does: 'moves the tool_result blocks of a user message before its other content',
    otherwise: 'sends a user message in file order, text before its tool_results',
    spans: [{ from: '2.0.30', until: '2.1.31' }, { from: '2.1.80' }],
  },
  {
    id: 'splice-preserved-segment',
    kind: 'lines',
    does: "sends the messages a compaction kept (its boundary's preservedSegment) right after the summary",
    otherwise: 'sends the summary, then what follows it',
    spans: [{ from: '2.1.76' }],
  },
  {
    id: 'relink-preserved-messages',
    kind: 'lines',
    does: "takes those messages from the boundary's list of them (preservedMessages), in its order, even where their parentUuids do not link them",
    otherwise: 'follows the parentUuids from the tail of the segment to its head, and keeps none where they do not lead there',
    spans: [{ from: '2.1.160' }],
  },
  {
    id: 'results-in-call-order',
    kind: 'lines',
    does: 'sends the tool_results answering a response in the order of their timestamps (call by call where those tie)',
    otherwise: 'sends them in the order they were written',
    spans: [{ from: '2.1.80', until: '2.1.263' }],
  },
  {
    id: 'drop-orphan-results',
    kind: 'patch',
    does: 'removes a tool_result whose tool_use is not in the previous message',
    otherwise: 'sends an orphan tool_result as written',
    spans: [{ from: '2.1.21' }],
  },
  {
    id: 'drop-opening-orphans',
    kind: 'patch',
    does: 'removes the tool_results a request would open with (after a gap it does not bridge)',
    otherwise: 'opens the request with those orphan tool_results',
    spans: [{ from: '2.1.69' }],
  },
  {
    id: 'note-opening-orphans',
    kind: 'patch',
    does: 'puts "[Orphaned tool result removed due to conversation resume]" in their place',
    otherwise: 'leaves nothing in their place (the request may then open with an assistant turn)',
    spans: [{ from: '2.1.269' }],
  },
  {
    id: 'drop-blank-text',
    kind: 'patch',
    does: 'drops empty and whitespace-only text blocks',
    otherwise: 'sends empty and whitespace-only text blocks',
    spans: [{ from: '2.1.32' }],
  },
  {
    id: 'keep-empty-response-text',
    kind: 'patch',
    does: 'sends an empty text block of a response all the same (whitespace-only ones it still drops)',
    otherwise: 'drops it with the other blank text, where it drops blank text',
    spans: [{ from: '2.1.114', until: '2.1.277' }],
  },
  {
    id: 'keep-empty-text-beside-image',
    kind: 'patch',
    does: 'sends an empty text block of a user line holding an image (a screenshot pasted with no text) all the same',
    otherwise: 'drops it with the other blank text, where it drops blank text',
    spans: [{ from: '2.1.32', until: '2.1.160' }],
  },
  {
    id: 'prompt-image-placeholder',
    kind: 'patch',
    does: 'sends an image of a user prompt (not of a tool result) as the text "[image]"',
    otherwise: 'sends the image',
    spans: [
      { from: '2.1.39', until: '2.1.64' },
      { from: '2.1.67', until: '2.1.69' },
    ],
  },
  {
    id: 'side-branches',
    kind: 'lines',
    does: "sends every call of a parallel tool response and each call's result (the response's lines off the chain after those on it)",
    otherwise: 'sends only the call and result on the parentUuid chain (the other parallel calls are left out)',
    spans: [{ from: '2.1.80' }],
  },
  {
    id: 'dedupe-calls-in-response',
    kind: 'patch',
    does: 'sends a tool_use repeated within one response (its line written twice) once, its result kept',
    otherwise: 'sends both copies',
    spans: [{ from: '2.1.76' }],
  },
  {
    id: 'dedupe-rewritten-results',
    kind: 'patch',
    does: 'sends a tool_result line written again under itself (the copy a child of the original) once',
    otherwise: 'sends both results (as every version does two results of one call hanging off the call)',
    spans: [{ from: '2.1.76' }],
  },
  {
    id: 'dedupe-tool-ids',
    kind: 'patch',
    does: 'drops a tool_use whose id was used before, and its result',
    otherwise: 'sends a repeated tool_use id as written',
    spans: [{ from: '2.1.88' }],
  },
  {
    // Recorded on tool-result-id-batch-entry: 2.1.235 sends the result, 2.1.236 answers the call as missing.
    id: 'batch-entry-results',
    kind: 'patch',
    does: 'takes a tool_result whose id is another call\'s id and `_<n>` for an entry of a batch call by that id: its own call is answered "[Tool result missing due to internal error]" and the result dropped',
    otherwise: 'sends the result as written',
    spans: [{ from: '2.1.236' }],
  },
  {
    id: 'walk-progress-lines',
    kind: 'lines',
    does: "walks across `progress` lines: a line whose parent is one hangs under that line's own parent",
    otherwise: 'does not read `progress` lines: a parentUuid naming one ends the conversation there (only what follows is sent)',
    spans: [{ from: '2.1.19' }],
  },
  {
    id: 'bridge-gaps',
    kind: 'lines',
    does: 'bridges a gap in the parentUuid chain to the entry written just before, if within about 5 s',
    otherwise: 'sends only what follows a gap in the parentUuid chain',
    spans: [{ from: '2.1.91' }],
  },
  {
    id: 'refuse-large-images',
    kind: 'patch',
    does: 'refuses to resume a session holding an image over 5 MB (nothing is sent)',
    otherwise: 'sends an image over 5 MB',
    spans: [{ from: '2.1.98' }],
  },
  {
    id: 'leaf-last-entry',
    kind: 'lines',
    does: 'resumes from the last conversation entry in the file',
    otherwise: 'resumes from the conversation entry with the newest timestamp',
    spans: [{ from: '2.1.101' }],
  },
  {
    id: 'leaf-before-local-commands',
    kind: 'lines',
    does: 'resumes from the prompt or answer that local-command lines at the end follow (those lines are not sent)',
    otherwise: 'resumes from the last local-command line like any other entry',
    spans: [{ from: '2.1.101', until: '2.1.120' }],
  },
  {
    id: 'leaf-last-prompt',
    kind: 'lines',
    does: 'resumes from the leaf named by the last `last-prompt` line, unless a turn hangs under it',
    otherwise: 'ignores `last-prompt` lines when choosing where to resume',
    spans: [{ from: '2.1.120' }],
  },
  {
    id: 'sanitize-surrogates',
    kind: 'patch',
    does: 'replaces each unpaired UTF-16 surrogate with U+FFFD',
    otherwise: 'sends unpaired UTF-16 surrogates as written',
    spans: [{ from: '2.1.132' }],
  },
  {
    id: 'interrupt-trailing-tool-use',
    kind: 'patch',
    does: 'answers a tool_use left unanswered at the very end with an is_error result saying the call was interrupted',
    otherwise: 'drops a tool_use left unanswered at the very end',
    spans: [{ from: '2.1.269' }],
  },
  {
    id: 'interrupt-outcome-unknown',
    kind: 'patch',
    does: 'words that result "[Tool call interrupted: … its outcome is unknown …]"',
    otherwise: 'words it "[Request interrupted by user for tool use]"',
    spans: [{ from: '2.1.281' }],
  },
  {
    id: 'interrupt-beside-results',
    kind: 'patch',
    does: 'answers a call of the last response left unanswered beside the results of its other calls with an is_error result saying it was interrupted, after those results',
    otherwise: 'drops that call',
    spans: [{ from: '2.1.269' }],
  },
  {
    id: 'drop-unanswered-calls',
    kind: 'patch',
    does: 'drops a tool_use that has no tool_result in the next message',
    otherwise: 'sends a tool_use that has no tool_result',
    spans: [{ from: '1.0.0' }],
  },
  {
    id: 'answer-final-prompt',
    kind: 'patch',
    does: 'answers a conversation that ends on a user message with an assistant "No response requested." before the new prompt',
    otherwise: 'sends two user messages in a row',
    spans: [{ from: '1.0.0' }],
  },
  {
    id: 'attach-files',
    kind: 'lines',
    does: 'sends `file` attachments (files read with the prompt) as reminder text',
    otherwise: 'leaves `file` attachments out',
    spans: [{ from: '2.0.30' }],
  },
  {
    id: 'attach-skills',
    kind: 'lines',
    does: 'sends `skill_listing` attachments as reminder text',
    otherwise: 'leaves `skill_listing` attachments out',
    spans: [{ from: '2.1.26' }],
  },
  {
    id: 'attach-deferred-tools',
    kind: 'lines',
    does: 'sends `deferred_tools_delta` attachments as reminder text',
    otherwise: 'leaves `deferred_tools_delta` attachments out',
    spans: [{ from: '2.1.69' }],
  },
  {
    id: 'attach-agents',
    kind: 'lines',
    does: 'sends `agent_listing_delta` attachments as reminder text',
    otherwise: 'leaves `agent_listing_delta` attachments out',
    spans: [{ from: '2.1.87' }],
  },
  {
    id: 'attach-token-budget',
    kind: 'lines',
    does: 'sends `total_tokens_reminder` attachments as reminder text',
    otherwise: 'leaves `total_tokens_reminder` attachments out',
    spans: [{ from: '2.1.190' }],
  },
  {
    id: 'attach-attribution',
    kind: 'lines',
    does: 'sends `remote_session_change` attachments (commit attribution) as reminder text',
    otherwise: 'leaves `remote_session_change` attachments out',
    spans: [{ from: '2.1.263' }],
  },
  {
    id: 'attach-context',
    kind: 'lines',
    does: 'sends `environment`, `model`, `date` and `session_context` attachments (and kinds it does not know) as reminder text',
    otherwise: 'leaves those attachments out (it sends its own context with the new prompt)',
    spans: [{ from: '2.1.269' }],
  },
  {
    id: 'deferred-tools-short-header',
    kind: 'patch',
    does: 'heads the deferred tools it lists with "…available via ToolSearch:" alone',
    otherwise: 'sends the listing as the transcript renders it (with how to load their schemas)',
    spans: [{ from: '2.1.69', until: '2.1.97' }],
  },
  {
    id: 'attribution-short-note',
    kind: 'patch',
    does: 'says of the commit attribution only that it "replaces any earlier attribution guidance"',
    otherwise: 'sends the attribution reminder as the transcript renders it',
    spans: [{ from: '2.1.263', until: '2.1.269' }],
  },
  {
    id: 'file-result-arrows',
    kind: 'patch',
    does: 'sends a file read into the conversation as a quoted string, each line numbered "     1→", with its malware note',
    otherwise: 'sends the file as the transcript renders it',
    spans: [{ from: '2.0.30', until: '2.1.87' }],
  },
  {
    id: 'file-result-malware-note',
    kind: 'patch',
    does: 'ends a file read into the conversation with a reminder to consider whether it is malware',
    otherwise: 'sends the file as the transcript renders it',
    spans: [{ from: '2.1.87', until: '2.1.131' }],
  },
  {
    id: 'placeholder-emptied',
    kind: 'patch',
    does: 'keeps a message its removals emptied, saying "[Tool use interrupted]" (assistant) or "(no content)" (user)',
    otherwise: 'leaves a message its removals emptied out',
    spans: [{ from: '2.1.88' }],
  },
  {
    id: 'drop-other-models-thinking',
    kind: 'patch',
    does: "drops thinking written by another model than the one it resumes with (the model of the session's last answer)",
    otherwise: 'sends thinking whichever model wrote it',
    spans: [{ from: '2.1.160' }],
  },
  {
    id: 'task-as-agent',
    kind: 'patch',
    does: 'sends a call to the `Task` tool as a call to `Agent`',
    otherwise: 'sends `Task` calls as written',
    spans: [{ from: '2.1.63', until: '2.1.69' }, { from: '2.1.70' }],
  },
  {
    id: 'truncate-tool-names',
    kind: 'patch',
    does: 'cuts a tool_use name over 200 characters (the API limit) to its first 200',
    otherwise: 'sends a tool_use name as written, however long',
    spans: [{ from: '2.1.281' }],
  },
  {
    id: 'continue-after-results',
    kind: 'patch',
    does: 'adds "Continue from where you left off." to a conversation that ends on tool results, before answering it',
    otherwise: 'answers a conversation that ends on tool results as it is',
    spans: [{ from: '2.1.42', until: '2.1.281' }],
  },
  {
    id: 'continue-after-attachment',
    kind: 'patch',
    does: 'takes a conversation whose last entry is an attachment for an interrupted turn: adds "Continue from where you left off." after the last answer, and answers it',
    otherwise: 'sends a conversation that ends on an answer as it is',
    spans: [
      { from: '2.1.42', until: '2.1.101' },
      { from: '2.1.120', until: '2.1.251' },
    ],
  },
  {
    id: 'send-api-errors',
    kind: 'lines',
    does: 'sends the API error messages it wrote as assistant messages',
    otherwise: 'leaves API error messages out; a prompt that failed is not answered, the new prompt joins it',
    spans: [{ from: '1.0.0', until: '2.0.55' }],
  },
  {
    id: 'hoist-attachments',
    kind: 'patch',
    does: 'moves attachments before the user lines in front of them, up to the last assistant line or tool result',
    otherwise: 'sends attachments in file order',
    spans: [{ from: '2.0.30' }],
  },
  {
    id: 'fold-reminders-into-results',
    kind: 'patch',
    does: 'appends a reminder that follows a tool_result whose content is a string to that string, after a blank line',
    otherwise: 'sends a reminder after a tool_result as a text block of its own',
    spans: [{ from: '2.1.190' }],
  },
  {
    id: 'fold-reminders-into-list-results',
    kind: 'patch',
    does: 'appends it to a result whose content is a list of blocks too, as a text block of that list (a text block ending the list gets a newline)',
    otherwise: 'folds reminders only into string results',
    spans: [{ from: '2.1.269' }],
  },
  {
    id: 'send-local-commands',
    kind: 'lines',
    does: 'sends local-command lines (`system` `local_command`: a slash command and its output) as user text',
    otherwise: 'leaves local-command lines out',
    spans: [{ from: '2.1.63' }],
  },
  {
    id: 'gather-split-responses',
    kind: 'lines',
    does: 'sends the lines of one response (one message.id) as one message even when its tool results were written between them, the results after it',
    otherwise: 'sends the chain in its order: a response split by the results written between its lines goes as several messages, each followed by its results',
    spans: [{ from: '2.0.77' }],
  },
  {
    id: 'continue-after-merged-interruption',
    kind: 'patch',
    does: 'having dropped a whitespace-only response line, takes the user lines at the end for one entry: an interruption written after tool results counts as those results and gets "Continue from where you left off."',
    otherwise: 'asks to continue only when the last user line itself holds tool results',
    spans: [{ from: '2.1.42', until: '2.1.269' }],
  },
  {
    id: 'answer-after-local-commands',
    kind: 'patch',
    does: 'answers a conversation whose last user message is followed only by local-command lines',
    otherwise: 'leaves a conversation that ends on a local-command line unanswered (no "No response requested.")',
    spans: [{ from: '2.1.42' }],
  },
  {
    id: 'move-trailing-local-commands',
    kind: 'patch',
    does: "moves the local-command lines that end the conversation into the new prompt's message, after the answer",
    otherwise: 'sends them in the last user message of the conversation',
    spans: [{ from: '2.1.269' }],
  },
  {
    id: 'attribution-apart-from-results',
    kind: 'patch',
    does: 'folds no commit attribution (`remote_session_change`) into a result: it follows the results as a text block of its own',
    otherwise: 'folds the attribution into the result like any other reminder',
    spans: [{ from: '2.1.290' }],
  },
  {
    id: 'seam-newline',
    kind: 'patch',
    does: 'ends the last text of a user message with a newline where the next user entry joins it',
    otherwise: 'joins user entries as written',
    spans: [{ from: '2.1.78' }],
  },
];

const BY_ID = new Map(BEHAVIOURS.map((b) => [b.id, b]));

function inSpans(b: Behaviour, v: Version): boolean {
  return b.spans.some((s) => compareVersions(v, parseVersion(s.from)!) >= 0 && (s.until === undefined || compareVersions(v, parseVersion(s.until)!) < 0));
}

/** One Claude Code version as a sender: which behaviours it has. */
export interface Client {
  readonly version: string;
  has(behaviour: BehaviourId): boolean;
}

export function clientOf(version: string): Client | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  const set = new Set(BEHAVIOURS.filter((b) => inSpans(b, v)).map((b) => b.id));
  return { version: formatVersion(v), has: (id) => set.has(id) };
}

/**
 * The same client choosing the same lines, but sending them as written: what
 * the file holds, in the shape of the request, before any send-time patch.
 */
export function asWritten(client: Client): Client {
  return { ...client, has: (id) => BY_ID.get(id)!.kind === 'lines' && client.has(id) };
}

/**
 * Results of a computation that reads its client only through `has` (and
 * `version`), each kept with the answers it got. A client that gives every one
 * of those answers alike takes the same road through it, so it gets the same
 * result without running it: generations that differ only in behaviours a
 * document never calls on share one graph, one merge, one step.
 */
export class ByAnswers<T> {
  private readonly known: { readonly answers: readonly (readonly [BehaviourId, boolean])[]; readonly version?: string; readonly value: T }[] = [];

  get(client: Client, compute: (asking: Client) => T): T {
    const known = this.find(client);
    if (known) return known.value;
    const { asking, keep } = this.asker(client);
    return keep(compute(asking));
  }

  /**
   * get, for a computation that pauses between its steps (each `next()` runs one). One done
   * meanwhile for a client that answers alike is taken instead, so that they share one value.
   */
  *stepwise(client: Client, compute: (asking: Client) => Generator<void, T, void>): Generator<void, T, void> {
    const known = this.find(client);
    if (known) return known.value;
    const { asking, keep } = this.asker(client);
    const value = yield* compute(asking);
    return this.find(client)?.value ?? keep(value);
  }

  private find(client: Client) {
    return this.known.find((k) => (k.version === undefined || k.version === client.version) && k.answers.every(([id, yes]) => client.has(id) === yes));
  }

  /** The client as a computation asks it, recording what it asks; `keep` stores the value with those answers. */
  private asker(client: Client): { asking: Client; keep: (value: T) => T } {
    const answers = new Map<BehaviourId, boolean>();
    let version: string | undefined;
    const asking: Client = {
      get version() {
        version = client.version;
        return version;
      },
      has(id) {
        let yes = answers.get(id);
        if (yes === undefined) answers.set(id, (yes = client.has(id)));
        return yes;
      },
    };
    const keep = (value: T) => {
      this.known.push({ answers: [...answers], version, value });
      return value;
    };
    return { asking, keep };
  }
}

export function behaviour(id: BehaviourId): Behaviour {
  return BY_ID.get(id)!;
}

/** The oldest version ccmend models: anything older behaves like it. */
export const OLDEST_MODELLED = '1.0.0';

/**
 * One client per span of versions that send alike: the first version of each
 * span between the behaviours' boundaries. `--client all` checks for each.
 */
export const GENERATIONS: readonly Client[] = (() => {
  const starts = new Set<string>([OLDEST_MODELLED]);
  for (const b of BEHAVIOURS) for (const s of b.spans) for (const v of [s.from, s.until]) if (v) starts.add(v);
  return [...starts]
    .map((v) => parseVersion(v)!)
    .sort(compareVersions)
    .map((v) => clientOf(formatVersion(v))!);
})();

/** The generation a client belongs to: the one it sends alike with. */
export function generationOf(client: Client): Client {
  const v = parseVersion(client.version)!;
  let found = GENERATIONS[0]!;
  for (const g of GENERATIONS) if (compareVersions(parseVersion(g.version)!, v) <= 0) found = g;
  return found;
}

/** The version just before `version`, when it can be named: 2.1.32 → 2.1.31. */
export function versionBefore(version: string): string | undefined {
  const [major, minor, patch] = parseVersion(version)!;
  return patch! > 0 ? `${major}.${minor}.${patch! - 1}` : undefined;
}

/**
 * Generations as people read versions: runs of neighbouring generations joined
 * into ranges, "2.1.19–2.1.31", "2.1.32+", "before 2.1.21".
 */
export function versionRanges(generations: readonly Client[]): string[] {
  const at = new Set(generations.map((g) => GENERATIONS.findIndex((x) => x.version === g.version)));
  const out: string[] = [];
  for (let i = 0; i < GENERATIONS.length; i++) {
    if (!at.has(i)) continue;
    let j = i;
    while (at.has(j + 1)) j++;
    const next = GENERATIONS[j + 1];
    const last = next && versionBefore(next.version);
    if (!next) out.push(i === 0 ? 'every version' : `${GENERATIONS[i]!.version}+`);
    else if (i === 0) out.push(`before ${next.version}`);
    else out.push(last && last !== GENERATIONS[i]!.version ? `${GENERATIONS[i]!.version}–${last}` : GENERATIONS[i]!.version);
    i = j;
  }
  return out;
}

/** The newest generation ccmend models. */
export const NEWEST: Client = GENERATIONS[GENERATIONS.length - 1]!;
