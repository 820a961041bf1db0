import type { Line } from '../transcript/document.js';

/** Lines Claude Code writes around slash commands and interruptions, not things the user asked. */
const NOT_A_PROMPT = /^(<(local-command|command-|system-reminder|task-notification|bash-|user-prompt-submit-hook)|Caveat: |\[Request interrupted)/;

/** A line holding something the user typed (not a tool result, meta text, a command echo or a summary). */
export function isUserPrompt(line: Line): boolean {
  const i = line.info;
  if (i.kind !== 'entry' || i.type !== 'user' || i.isSidechain || i.isMeta || i.isCompactSummary || i.isVisibleInTranscriptOnly) return false;
  const first = i.blocks[0];
  if (first?.type !== 'text' || i.blocks.some((b) => b.type === 'tool_result')) return false;
  return first.preview !== '' && !NOT_A_PROMPT.test(first.preview);
}

const COMMAND_NAME = /<command-name>([^<]+)<\/command-name>/;

/** The first prompt of a transcript as a one-line preview; else the first slash command run. */
export function firstPrompt(lines: readonly Line[]): string | undefined {
  const prompt = lines.find(isUserPrompt)?.info.blocks[0]?.preview;
  if (prompt) return prompt;
  for (const l of lines) {
    const name = l.info.type === 'user' && !l.info.isSidechain ? COMMAND_NAME.exec(l.info.blocks[0]?.preview ?? '')?.[1] : undefined;
    if (name) return name;
  }
  return undefined;
}
