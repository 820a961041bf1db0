import { requestBudget } from '../budget/budget.js';
import { renderApiMessages } from '../conversation/apiView.js';
import { analyze } from '../rules/analyze.js';
import type { BlockInfo } from '../transcript/lineInfo.js';
import { budgetJson, configuredModel } from './budget.js';
import { EXIT } from './errors.js';
import { openTranscript } from './open.js';
import type { Io } from './output.js';

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
export async function runApiView(target: string, opts: { json: boolean }, io: Io): Promise<number> {
  const doc = await openTranscript(target);
  try {
    const { view } = analyze(doc);
    if (opts.json) {
      // The figures sit beside the messages, which stay exactly what the API would receive.
      io.out(JSON.stringify({ messages: renderApiMessages(doc, view), tokens: budgetJson(requestBudget(doc, view, { settingsModel: configuredModel(doc) })) }));
      return EXIT.ok;
    }
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
