import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { safeFix, setAt } from '../kit/fixes.js';
import { apiPath } from '../kit/where.js';
import type { RuleContext } from '../types.js';

const MAX_NAME = 64;

/**
 * The tools ToolSearch could load when the session was last written, from the
 * attachments that announce them in file order (tools added, and removed when
 * an MCP server went away), and every tool they ever announced.
 */
function deferredTools(ctx: RuleContext): { available: Set<string>; announced: Set<string> } {
  const available = new Set<string>();
  const announced = new Set<string>();
  for (const line of ctx.doc.lines) {
    const tools = line.info.deferredTools;
    if (!tools || line.info.isSidechain) continue;
    for (const t of tools.added) {
      available.add(t);
      announced.add(t);
    }
    for (const t of tools.removed) available.delete(t);
  }
  return { available, announced };
}

/*
 * A ToolSearch result holds references to the tools it loaded, and the client
 * sends those tools with every later request. A reference to a tool that is
 * gone (its MCP server was removed) or to a name longer than the API allows
 * is rejected on every resume.
 */
export default defineRule(
  { id: 'tool-reference', description: 'a ToolSearch tool_reference to a tool that is gone or whose name is over 64 characters' },
  (ctx, report) => {
    let tools: ReturnType<typeof deferredTools> | undefined;
    for (const r of viewIndex(ctx.view).ofType('tool_result').blocks) {
      if (!r.info.toolRefs) continue;
      for (const ref of r.info.toolRefs) {
        const long = ref.name.length > MAX_NAME;
        tools ??= deferredTools(ctx);
        const gone = !long && tools.announced.has(ref.name) && !tools.available.has(ref.name);
        if (!long && !gone) continue;
        const why = long ? `its name is over ${MAX_NAME} characters` : 'the tool is no longer available';
        report({
          at: r,
          severity: 'error',
          message: long
            ? `tool_reference names a tool by a ${ref.name.length}-character name; the API takes at most ${MAX_NAME}`
            : `tool_reference names ${ref.name}, which is no longer available`,
          apiError: long
            ? `${apiPath(ctx, r)}.tool_result.content.${ref.path.at(-1)}.tool_reference.tool_name: String should have at most ${MAX_NAME} characters`
            : `Tool reference '${ref.name}' not found in available tools`,
          fixes: [
            safeFix(
              'replace the tool reference with a text note',
              setAt(ctx, r, ref.path, { type: 'text', text: `[tool reference removed by ccmend: ${ref.name}; ${why}]` }),
            ),
          ],
        });
      }
    }
  },
);
