import { test } from 'vitest';
import { readdirSync } from 'node:fs';
import { loadFile } from '../src/transcript/load.js';
import { analyze } from '../src/rules/analyze.js';
test('probe', async () => {
  const base = '/work/main/fixtures/claude-home/projects';
  for (const d of readdirSync(base)) for (const f of readdirSync(`${base}/${d}`)) {
    if (!f.endsWith('.jsonl')) continue;
    const doc = await loadFile(`${base}/${d}/${f}`);
    const a = analyze(doc);
    console.log(f, 'lines', doc.lines.length, 'chain', a.graph.chain.length, 'msgs', a.view.messages.length, a.counts, 'roles', a.view.messages.map(m=>m.role[0]+m.blocks.length).join(' ').slice(0,200));
    for (const d of a.diagnostics.filter(d=>d.severity!=='info').slice(0,6)) console.log('   ', d.severity, d.rule, 'L'+d.line, 't'+d.turn, d.message.slice(0,100));
  }
});
