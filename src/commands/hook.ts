import { z } from 'zod';
import { analyze } from '../rules/analyze.js';
import type { Doc } from '../transcript/document.js';
import { loadFile } from '../transcript/load.js';
import { CliError, EXIT, ioMessage } from '../report/errors.js';
import { providerOf } from './open.js';
import { installedVersion, resolveTarget } from '../report/target.js';
import { configuredModel } from '../report/settings.js';
import type { Io } from './output.js';
import { processSelf } from './self.js';
import { plural } from '../report/text.js';

/*
 * `ccmend check --hook`, run by Claude Code as a SessionStart hook (matcher "resume").
 *
 * Claude Code's hook contract decides the shape of everything here:
 * - SessionStart cannot block a session, whatever the exit code. On exit 0 its
 *   plain stdout is added to the model's context, not shown to the person; the
 *   JSON field `systemMessage` is the one shown to the person. So a broken
 *   transcript gets `{"systemMessage": …}` on stdout and exit 0, and a healthy
 *   one gets no output at all.
 * - A hook that cannot do its job (stdin is not a hook event, the transcript
 *   cannot be read) exits 2 with one line on stderr: for SessionStart, exit 2
 *   shows stderr to the person only, and the session still starts. 2 is also
 *   ccmend's usage/I-O exit code everywhere else.
 */

const hookEventSchema = z.looseObject({
  session_id: z.string().min(1),
  transcript_path: z.string().min(1),
});

export const BAD_EVENT = 'check --hook: stdin is not a Claude Code hook event (expected JSON with session_id and transcript_path)';

function parseEvent(text: string): z.infer<typeof hookEventSchema> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(BAD_EVENT);
  }
  const parsed = hookEventSchema.safeParse(value);
  if (!parsed.success) throw new CliError(BAD_EVENT);
  return parsed.data;
}

/**
 * What Claude Code shows when the resumed session would be rejected (or lose
 * conversation) for the client resuming it, with the commands that repair it
 * as `self` runs ccmend, and one more when other versions would fail on more.
 * Claude Code puts its own "SessionStart:resume says: " before the first line
 * and indents the others, so each line fits an 80-column terminal with a
 * session id in it, and each command stands alone to be copied.
 */
export function hookNotice(sessionId: string, errors: number, client: string, others = 0, self = 'ccmend'): string {
  return [
    `ccmend: ${client} will fail on ${plural(errors, 'error')}.`,
    `Exit, run  ${self} fix ${sessionId}  then resume.`,
    `(or  ${self} ${sessionId}  to review each error)`,
    ...(others ? [`Other versions fail on ${plural(others, 'more problem')}:`, `  ${self} check --client all ${sessionId}`] : []),
  ].join('\n');
}

/** A new session's transcript does not exist yet: nothing to check. */
async function loadIfPresent(path: string): Promise<Doc | undefined> {
  try {
    return await loadFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`check --hook: ${ioMessage(e, path)}`);
  }
}

/**
 * `readInput` yields the hook event (stdin); `env` picks the provider rules as
 * `check` does, and is where the resuming client is found: the `claude` on the
 * hook's PATH is the one that runs it (or `client`, from --client). `self` says
 * how this ccmend is run (see selfCommand).
 */
export async function runHook(
  readInput: () => Promise<string>,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  self: () => string = processSelf,
  client?: string,
): Promise<number> {
  const event = parseEvent(await readInput());
  const doc = await loadIfPresent(event.transcript_path);
  if (!doc) return EXIT.ok;
  try {
    const target = resolveTarget(client, doc, () => installedVersion(env));
    const provider = providerOf(undefined, env);
    // What breaks the resuming client is its problem now; what would break other clients is one line more.
    const { counts, elsewhere } = analyze(doc, { provider, target: target.clients, budget: { settingsModel: configuredModel(doc, env) } });
    const name = target.option === 'all' ? 'some Claude Code version' : `Claude Code ${target.clients[0]!.version}`;
    if (counts.error) io.out(JSON.stringify({ systemMessage: hookNotice(event.session_id, counts.error, name, elsewhere, self()) }));
    return EXIT.ok;
  } finally {
    doc.source.close();
  }
}

/** All of stdin. Refuses a terminal: the event comes from Claude Code, and waiting on a person would hang. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('check --hook reads a hook event from Claude Code on stdin (see ccmend doctor for the settings.json snippet)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
