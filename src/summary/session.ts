import { clip } from './facts.js';

/*
 * A new session transcript that holds only the hand-off, as its first user
 * message: what `claude --resume <id>` loads and sends, and what its /resume
 * picker lists. The entry carries what Claude Code reads to place and resume a
 * session (its id, working directory and git branch, a uuid chain root and a
 * timestamp); the `custom-title` line is what `/rename` writes, so the picker
 * shows what the session is about; the `last-prompt` line is the leaf pointer
 * Claude Code appends after each prompt.
 */

export interface HandoffOrigin {
  readonly cwd: string;
  readonly branch?: string;
  /** The old session's first request, for the title. */
  readonly goal?: string;
}

export interface NewSessionIds {
  readonly sessionId: string;
  /** The uuid of the one user entry. */
  readonly uuid: string;
}

/** The title the picker shows: what the old session was about. */
export function handoffTitle(goal: string | undefined): string {
  return goal ? `Hand-off: ${clip(goal.replace(/\s+/g, ' '), 80)}` : 'Hand-off from a previous session';
}

/** The new transcript's bytes (JSONL, one entry a line). */
export function handoffTranscript(markdown: string, origin: HandoffOrigin, ids: NewSessionIds, now: Date): string {
  const user = {
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: origin.cwd,
    sessionId: ids.sessionId,
    ...(origin.branch ? { gitBranch: origin.branch } : {}),
    type: 'user',
    message: { role: 'user', content: markdown },
    uuid: ids.uuid,
    timestamp: now.toISOString(),
  };
  const title = { type: 'custom-title', customTitle: handoffTitle(origin.goal), sessionId: ids.sessionId };
  const leaf = { type: 'last-prompt', lastPrompt: clip(markdown.replace(/\s+/g, ' '), 200), leafUuid: ids.uuid, sessionId: ids.sessionId };
  return [user, title, leaf].map((e) => `${JSON.stringify(e)}\n`).join('');
}
