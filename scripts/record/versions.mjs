// node scripts/record/versions.mjs [--cases NAME,NAME] [--all] [--effect]
//
// Where client behaviour changes: for every case, the recorded versions in runs that send the same
// messages (after the comparison's normalisation), the outcome of each run (sent, or the exit code and
// output of a client that sent nothing) and the first difference between neighbouring runs (--all:
// every difference).
//
// --effect: what the damage of a broken case does, per version: the differences between what a version
// sent for the case and what the same version sent for the unchanged fixture it was built from, with
// the versions in runs of the same effect. This separates a behaviour from changes in how a release
// renders everything else (reminders, attachments).
import { parseArgs } from 'node:util';
import { CASES, caseNamed, caseText } from './cases.mjs';
import { compareMessages, formatDifference, normaliseRecorded } from './compare-messages.mjs';
import { compareVersions, loadMessages, readIndex } from './store.mjs';

const { values } = parseArgs({
  options: { cases: { type: 'string' }, all: { type: 'boolean', default: false }, effect: { type: 'boolean', default: false } },
});
const index = readIndex();
const versions = Object.keys(index).sort(compareVersions);
const cases = values.cases ? values.cases.split(',').map(caseNamed) : CASES;

/** @param {import('./store.mjs').Recording} r @param {unknown[] | undefined} messages */
function outcome(r, messages) {
  if (messages) return `sent ${messages.length} messages${r.exitCode === 0 ? '' : ` (exit ${r.exitCode})`}`;
  const stdout = r.stdout ? ` "${r.stdout}"` : '';
  const stderr = r.stderr ? ` stderr "${r.stderr.replace(/\s+/g, ' ')}"` : '';
  return `sent nothing: exit ${r.exitCode ?? r.signal}${stdout}${stderr}`;
}

/** @param {string[]} span */
const spanOf = (span) => (span.length === 1 ? span[0] : `${span[0]}–${span.at(-1)} (${span.length})`);

/** @param {import('./cases.mjs').RecordingCase} c */
function byMessages(c) {
  const text = caseText(c);
  /** @type {{versions: string[], messages: unknown[] | undefined, outcome: string}[]} */
  const runs = [];
  for (const version of versions) {
    const r = index[version]?.[c.name];
    if (!r) continue;
    const messages = r.messagesSha ? normaliseRecorded(loadMessages(r.messagesSha), text) : undefined;
    const previous = runs.at(-1);
    const now = outcome(r, messages);
    const same = previous && (messages && previous.messages ? compareMessages(messages, previous.messages, text).length === 0 : previous.outcome === now);
    if (previous && same) previous.versions.push(version);
    else runs.push({ versions: [version], messages, outcome: now });
  }
  runs.forEach((run, i) => {
    console.log(`  ${spanOf(run.versions)}: ${run.outcome}`);
    const next = runs[i + 1];
    if (next?.messages && run.messages) {
      const differences = compareMessages(next.messages, run.messages, text);
      for (const d of values.all ? differences : differences.slice(0, 1))
        console.log(`      ${next.versions[0]} ("recorded") vs ${run.versions[0]} ("ours"): ${formatDifference(d)}`);
    }
  });
}

/** @param {import('./cases.mjs').RecordingCase} c */
function byEffect(c) {
  const base = CASES.find((b) => b.source === c.source && !b.transform);
  if (!base || base === c) return byMessages(c);
  const text = caseText(c);
  const baseText = caseText(base);
  /** @type {{versions: string[], key: string}[]} */
  const runs = [];
  for (const version of versions) {
    const r = index[version]?.[c.name];
    const b = index[version]?.[base.name];
    if (!r || !b) continue;
    const messages = r.messagesSha ? loadMessages(r.messagesSha) : undefined;
    let key = outcome(r, messages && normaliseRecorded(messages, text));
    if (messages && b.messagesSha) {
      const differences = compareMessages(messages, normaliseRecorded(loadMessages(b.messagesSha), baseText), text);
      key +=
        differences.length === 0 ? ', the same as the fixture' : `, unlike the fixture:\n${differences.map((d) => `      ${formatDifference(d)}`).join('\n')}`;
    }
    if (runs.at(-1)?.key === key) runs.at(-1)?.versions.push(version);
    else runs.push({ versions: [version], key });
  }
  console.log(`  (compared with ${base.name})`);
  for (const run of runs) console.log(`  ${spanOf(run.versions)}: ${run.key}`);
}

for (const c of cases) {
  console.log(`\n${c.name}: ${c.description}`);
  if (values.effect) byEffect(c);
  else byMessages(c);
}
