// node scripts/record/compare.mjs [--versions V,V] [--cases NAME,NAME] [--all]
//
// Runs the built ccmend (`node dist/bin.js api-view <case> --json`, with `--client V` once the CLI
// accepts it) on every recorded case and compares its messages with each client's recording. Prints a
// matrix, a row per case and a column per version: "=" same, "x" different, "-" the client sent nothing
// (it refused, or could not resume), then the first difference of every differing pair (--all: every
// difference). Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES, caseNamed, caseProjectDir, caseSessionId, caseSubagentsDir, caseText } from './cases.mjs';
import { compareMessages, formatDifference } from './compare-messages.mjs';
import { compareVersions, loadMessages, readIndex } from './store.mjs';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

const { values } = parseArgs({ options: { versions: { type: 'string' }, cases: { type: 'string' }, all: { type: 'boolean', default: false } } });
const list = (/** @type {string | undefined} */ s) => (s ? s.split(',').filter(Boolean) : undefined);

const index = readIndex();
const versions = list(values.versions) ?? Object.keys(index).sort(compareVersions);
const cases = (list(values.cases) ?? CASES.map((c) => c.name)).map(caseNamed);

let help = '';
try {
  help = execFileSync('node', [BIN, '--help'], { encoding: 'utf8' });
} catch (error) {
  console.error(`compare: cannot run ${BIN} (run npm run build first): ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  process.exit(2);
}
const takesClient = /api-view[^\n]*--client/.test(help);

const work = mkdtempSync(join(tmpdir(), 'ccmend-compare-'));
/** @type {Map<string, unknown[] | string>} ccmend's messages, or why it gave none */
const viewCache = new Map();

/** @param {import('./cases.mjs').RecordingCase} c @param {string} text @param {string} version */
function apiView(c, text, version) {
  const key = takesClient ? `${c.name}@${version}` : c.name;
  const cached = viewCache.get(key);
  if (cached) return cached;
  const dir = join(work, caseProjectDir(c));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${caseSessionId(c)}.jsonl`);
  writeFileSync(file, text);
  const subagents = caseSubagentsDir(c);
  if (subagents) cpSync(subagents, join(dir, caseSessionId(c), 'subagents'), { recursive: true });
  /** @type {unknown[] | string} */
  let result;
  try {
    const args = [BIN, 'api-view', file, '--json', ...(takesClient ? ['--client', version] : [])];
    const out = execFileSync('node', args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    result = JSON.parse(out).messages;
  } catch (error) {
    result = `api-view failed: ${error instanceof Error ? error.message.split('\n')[0] : error}`;
  }
  viewCache.set(key, result);
  return result;
}

/** @type {string[]} */
const details = [];
const width = Math.max(...cases.map((c) => c.name.length));
console.log(`ccmend api-view${takesClient ? ' --client V' : ' (no --client yet: one view for every version)'} against ${versions.length} recorded versions`);
console.log(`${''.padEnd(width)}  ${versions.join(' ')}`);
const totals = { same: 0, different: 0, unsent: 0 };
for (const c of cases) {
  const text = caseText(c);
  const cells = versions.map((version) => {
    const rec = index[version]?.[c.name];
    const mark = (/** @type {string} */ m) => m.padEnd(version.length);
    if (!rec) return mark('?');
    if (!rec.messagesSha) {
      totals.unsent += 1;
      return mark('-');
    }
    const ours = apiView(c, text, version);
    if (typeof ours === 'string') {
      totals.different += 1;
      details.push(`${version} ${c.name}: ${ours}`);
      return mark('x');
    }
    const differences = compareMessages(loadMessages(rec.messagesSha), ours, text);
    if (differences.length === 0) {
      totals.same += 1;
      return mark('=');
    }
    totals.different += 1;
    const shown = values.all ? differences : differences.slice(0, 1);
    for (const d of shown) details.push(`${version} ${c.name}: ${formatDifference(d)}${values.all ? '' : ` (${differences.length} in all)`}`);
    return mark('x');
  });
  console.log(`${c.name.padEnd(width)}  ${cells.join(' ')}`);
}
console.log(`\n${totals.same} same, ${totals.different} different, ${totals.unsent} with nothing sent\n`);
for (const line of details) console.log(line);
rmSync(work, { recursive: true, force: true });
