import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { buildApiView, renderApiMessages } from '../../src/conversation/apiView.js';
import { clientOf } from '../../src/conversation/clients.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import {
  compareMessages,
  formatDifference,
  normaliseOurs,
  normaliseRecorded,
  recordedCaseText,
  recordedMessages,
  recordedPairs,
  CASES,
} from '../helpers/recordings.js';
import { recordedVersions } from '../helpers/recordings.js';

function ours(text: string, version: string) {
  const doc = docFromBuffer(Buffer.from(text));
  const client = clientOf(version)!;
  return renderApiMessages(doc, buildApiView(doc, buildGraph(doc, client), client));
}
it('dump', () => {
  const versions = recordedVersions();
  const rows: string[] = [];
  const firsts: string[] = [];
  let same = 0,
    diff = 0;
  const pairs = recordedPairs();
  for (const c of CASES) {
    const text = recordedCaseText(c.name);
    const cells = versions.map((v) => {
      const p = pairs.find((x) => x.version === v && x.caseName === c.name);
      if (!p) return '?';
      const rec = recordedMessages(v, c.name);
      if (!rec) return '-';
      const d = compareMessages(rec, ours(text, v), text);
      if (!d.length) {
        same++;
        return '=';
      }
      diff++;
      firsts.push(`${v} ${c.name}: ${formatDifference(d[0]!)} (${d.length})`);
      return 'x';
    });
    rows.push(`${c.name.padEnd(36)} ${cells.join('')}`);
  }
  writeFileSync('/tmp/models-matrix.txt', `${versions.join(' ')}\n${rows.join('\n')}\n${same} same ${diff} different\n\n${firsts.join('\n')}\n`);
  const pair = process.env.PAIR;
  if (pair) {
    for (const one of pair.split(',')) {
      const [v, name] = one.split(':') as [string, string];
      const text = recordedCaseText(name);
      const rec = recordedMessages(v, name)!;
      const o = ours(text, v);
      const short = (ms: any[]) =>
        ms
          .map(
            (m, i) =>
              `#${i} ${m.role}\n` + (Array.isArray(m.content) ? m.content : [m.content]).map((b: any) => '   ' + JSON.stringify(b).slice(0, 400)).join('\n'),
          )
          .join('\n');
      writeFileSync(
        `/tmp/pair-${v}-${name}.txt`,
        `RECORDED\n${short(normaliseRecorded(rec, text))}\n\nOURS\n${short(normaliseOurs(o))}\n\nDIFF\n${compareMessages(rec, o, text).map(formatDifference).join('\n')}\n\nRAW RECORDED\n${short(rec as any[])}\n`,
      );
    }
  }
});
