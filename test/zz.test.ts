import { test } from 'vitest';
import { analyze } from '../src/rules/analyze.js';
import { clientOf } from '../src/conversation/clients.js';
import { fixAll } from '../src/edit/fixAll.js';
import { docOf, realDoc } from './helpers/fixtures.js';
import { blocksOf, entries, entry } from './rules/helpers.js';
const show = (name: string, doc: any) => {
  for (const v of ['2.1.19', '2.1.31', '2.1.330']) {
    const a = analyze(doc, { target: [clientOf(v)!] });
    console.log(`## ${name} @${v}`);
    for (const d of a.diagnostics)
      console.log(`  ${d.severity} ${d.rule}@${d.line} t${d.turn} | ${d.message} | fixes: ${d.fixes.map((f) => f.label).join(' / ')}`);
    const f = fixAll(doc, { target: [clientOf(v)!] });
    console.log(`  fix: ${f.applied.map((x) => `${x.rule}@${x.line}: ${x.label}`).join(' ; ')} -> ${JSON.stringify(f.analysis.counts)}`);
  }
};
test('x', () => {
  {
    const lines = entries('parallel');
    entry(lines, '2e5e0adf').message.content = '';
    show('empty prompt', docOf(lines));
  }
  {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = ' \n\t';
    show('ws prompt', docOf(lines));
  }
  show('localCommand', realDoc('localCommand'));
  {
    const lines = entries('lean');
    entry(lines, 'aa6ef44a').message.content = [];
    show('empty array', docOf(lines));
  }
  {
    const lines = entries('lean');
    const answer = entry(lines, 'df54582d');
    const image = structuredClone(blocksOf(entry(entries('image'), '3bc009e6'))[0]!.content[0]);
    lines.push({
      ...structuredClone(entry(lines, 'aa6ef44a')),
      uuid: 'pppppppp-0000-4000-8000-000000000001',
      parentUuid: answer.uuid,
      timestamp: answer.timestamp,
      message: { role: 'user', content: [image, { type: 'text', text: '' }] },
    });
    show('cache ctl', docOf(lines));
  }
});
