import { BAD_TOOL_NAME, MAX_TOOL_NAME, isBadToolName, linesFlagged } from '../../transcript/columns.js';
import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { safeFix, setField } from '../kit/fixes.js';
import { apiPath, messageOf } from '../kit/where.js';

/**
 * The tool a badly named call was: the longest name of a well-named call in
 * the view that the bad one starts with (a model that wrote `Bash(ls -la …)`
 * as the name called Bash), else the name's leading run of name characters.
 */
function toolOf(name: string, known: ReadonlySet<string>): string {
  let best = '';
  for (const k of known) if (k.length > best.length && name.startsWith(k)) best = k;
  return best || (/^[a-zA-Z0-9_-]+/.exec(name)?.[0] ?? '').slice(0, MAX_TOOL_NAME) || 'unknown_tool';
}

/*
 * The model sometimes writes a whole command or its flattened parameters into
 * a tool call's name. The call failed at the time (no such tool), but the name
 * stays in the history and every later request is rejected for it.
 */
export default defineRule({ id: 'tool-name', description: 'a tool_use name that is empty, over 200 characters or outside ^[a-zA-Z0-9_-]+$' }, (ctx, report) => {
  // A name is sent as written, cut to the limit, or renamed from Task to Agent: one the API refuses was refused as written.
  const flags = linesFlagged(ctx.doc.lines, BAD_TOOL_NAME);
  if (!flags) return;
  const uses = viewIndex(ctx.view).ofType('tool_use').blocks;
  let known: Set<string> | undefined;
  for (const u of uses) {
    if (!(flags[u.pos]! & BAD_TOOL_NAME)) continue;
    // The name as sent: a client may send it renamed or cut to the limit.
    const name = u.renamed ?? u.info.name;
    if (name === undefined || !isBadToolName(name)) continue;
    if (ctx.view.messages[messageOf(ctx, u)]!.role !== 'assistant') continue;
    known ??= new Set(uses.flatMap((x) => (x.info.name && !isBadToolName(x.info.name) ? [x.info.name] : [])));
    const at = `${apiPath(ctx, u)}.tool_use.name`;
    const [message, apiError] =
      name.length === 0
        ? ['tool_use has an empty name', `${at}: String should have at least 1 character`]
        : name.length > MAX_TOOL_NAME
          ? [
              `tool_use name is ${name.length} characters long; the API takes at most ${MAX_TOOL_NAME}`,
              `${at}: String should have at most ${MAX_TOOL_NAME} characters`,
            ]
          : [
              `tool_use name ${JSON.stringify(name)} has characters the API does not accept`,
              `${at}: String should match pattern '^[a-zA-Z0-9_-]{1,${MAX_TOOL_NAME}}$'`,
            ];
    const fresh = toolOf(name, known);
    report({
      at: u,
      severity: 'error',
      message,
      apiError,
      fixes: [safeFix(`rename the call to ${fresh} (its input is kept)`, setField(ctx, u, ['name'], fresh))],
    });
  }
});
