import { describe, expect, it } from 'vitest';
import { clientOf } from '../../src/conversation/clients.js';
import { targetOption } from '../../src/report/target.js';
import { analyze } from '../../src/rules/analyze.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { type Exclusion, inRange, recordedCaseText, recordedFailure, recordedPairs } from '../helpers/recordings.js';

/** A client that refused the command line never saw the session: the fixture's id is not a UUID (fork-s2-uuid-session records that file under one). */
const REFUSED_ID = /--resume requires a valid session ID/;

/**
 * Where check and a client still disagree because ccmend's view of the case is not what these clients sent
 * (test/recordings/apiView.test.ts and scripts/record/compare.mjs show the difference): each must leave
 * this table when the view model learns it.
 */
const VIEW_NOT_YET_MODELLED: readonly Exclusion[] = [];

const notYetModelled = (caseName: string, version: string) => VIEW_NOT_YET_MODELLED.some((e) => inRange(e, version, caseName));
const anyNotYetModelled = (caseName: string) => VIEW_NOT_YET_MODELLED.some((e) => e.cases.includes(caseName));

describe('check --client V fails exactly when V cannot resume the session whole', () => {
  const pairs = recordedPairs();
  const judged = pairs.filter((p) => !(p.recording.messagesSha === null && REFUSED_ID.test(p.recording.stderr ?? '')));

  it('leaves out only the pairs whose client refused the command line', () => {
    expect([...new Set(pairs.filter((p) => !judged.includes(p)).map((p) => p.caseName))]).toEqual(['real-fork']);
  });

  // One test per case: each analyses the case once per recorded client.
  describe.each([...new Set(judged.map((p) => p.caseName))])('%s', (caseName) => {
    it('check agrees with every recorded client, but where the view is not yet modelled', () => {
      const text = recordedCaseText(caseName);
      const doc = docFromBuffer(Buffer.from(text), `${caseName}.jsonl`);
      const disagreeing: string[] = [];
      const unexplained: string[] = [];
      let anyFails = false;
      for (const { version } of judged.filter((p) => p.caseName === caseName)) {
        const failure = recordedFailure(version, caseName, doc);
        anyFails ||= Boolean(failure);
        const errors = analyze(doc, { target: [clientOf(version)!] }).diagnostics.filter((d) => d.severity === 'error');
        if (Boolean(failure) === errors.length > 0) continue;
        disagreeing.push(version);
        const check = errors.length ? errors.map((d) => d.rule).join(', ') : 'no errors';
        if (!notYetModelled(caseName, version)) unexplained.push(`${version}: ${failure ?? 'resumes whole'}; check: ${check}`);
      }
      expect(unexplained).toEqual([]);
      // A version the table names that agrees now must leave the table.
      const recorded = judged.filter((p) => p.caseName === caseName).map((p) => p.version);
      expect(recorded.filter((v) => notYetModelled(caseName, v) && !disagreeing.includes(v))).toEqual([]);
      // --client all: an error exactly when some client fails (judged where every client's view is modelled).
      if (!anyNotYetModelled(caseName)) expect(analyze(doc, { target: targetOption('all').clients }).counts.error > 0).toBe(anyFails);
    });
  });
});
