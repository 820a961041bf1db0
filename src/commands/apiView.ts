import { requestBudget } from '../budget/budget.js';
import { buildApiView, renderApiMessages } from '../conversation/apiView.js';
import { buildGraph } from '../conversation/graph.js';
import type { BlockInfo } from '../transcript/lineInfo.js';
import { budgetJson } from './budget.js';
import { configuredModel } from '../report/settings.js';
import { CliError, EXIT } from '../report/errors.js';
import { openTranscript } from './open.js';
import type { Io } from './output.js';
import { resolveTarget } from '../report/target.js';

function describeBlock(b: BlockInfo): string {
  switch (b.type) {
    case 'tool_use':
      return `tool_use ${b.id ?? '(no id)'} ${b.preview}`;
    case 'tool_result':
      return `tool_result ${b.toolUseId ?? '(no id)'}${b.isError ? ' error' : ''}: ${b.preview}`;
    default:
      return `${b.type}: ${b.preview}`;
  }
}

/** `ccmend api-view`: the messages Claude Code would send. */
export async function runApiView(target: string, opts: { json: boolean; client?: string }, io: Io): Promise<number> {
  if (opts.client === 'all') throw new CliError('api-view shows the request of one Claude Code version: give --client a version such as 2.1.330');
  const doc = await openTranscript(target);
  try {
    const { clients, label } = resolveTarget(opts.client, doc);
    const client = clients[0]!;
    const view = buildApiView(doc, buildGraph(doc, client), client);
    if (opts.json) {
      // The figures sit beside the messages, which stay exactly what the API would receive.
      const tokens = budgetJson(requestBudget(doc, view, { settingsModel: configuredModel(doc) }));
      io.out(JSON.stringify({ client: client.version, messages: renderApiMessages(doc, view), tokens }));
      return EXIT.ok;
    }
    io.out(`the request ${label} sends`);
    view.messages.forEach((m, i) => {
      const lines = m.lines.map((p) => p + 1);
      io.out(`#${i + 1} ${m.role} (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})`);
      for (const b of m.blocks) io.out(`    ${describeBlock(b.info)}`);
    });
    return EXIT.ok;
  } finally {
    doc.source.close();
  }
}
