/** The API's error for tool_use ids of message `m` not answered at the start of the next message. */
export function missingResultsError(m: number, ids: readonly string[]): string {
  return `messages.${m}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
}
