import { describe, expect, it } from 'vitest';
import { buildApiView, renderApiMessages } from '../../src/conversation/apiView.js';
import { clientOf, compareVersions, parseVersion } from '../../src/conversation/clients.js';
import { buildGraph } from '../../src/conversation/graph.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { compareMessages, formatDifference, recordedCaseText, recordedMessages, recordedPairs } from '../helpers/recordings.js';

/*
 * `api-view --client V` against what every recorded Claude Code release sent
 * (fixtures/recordings): for each (version, case) pair with a request, the
 * case text is loaded as the CLI loads a file, its view built for that
 * version and compared message by message and block by block (see
 * scripts/record/compare-messages.mjs for what the comparison ignores).
 */

/**
 * Pairs that cannot be equal, and why: what the client sent is not read from
 * the transcript. Each must still differ; one that comes to match must leave
 * the table.
 */
const EXCLUDED: readonly { readonly caseName: string; readonly from: string; readonly until?: string; readonly reason: string }[] = [];

const excluded = (version: string, caseName: string) => {
  const v = parseVersion(version)!;
  return EXCLUDED.find(
    (e) =>
      e.caseName === caseName && compareVersions(v, parseVersion(e.from)!) >= 0 && (e.until === undefined || compareVersions(v, parseVersion(e.until)!) < 0),
  );
};

/** ccmend's messages for a case as `api-view --client <version> --json` prints them. */
function ourMessages(text: string, version: string): unknown[] {
  const doc = docFromBuffer(Buffer.from(text));
  const client = clientOf(version)!;
  return renderApiMessages(doc, buildApiView(doc, buildGraph(doc, client), client));
}

describe('api-view --client V equals what every recorded client sent', () => {
  const results = recordedPairs().flatMap(({ version, caseName }) => {
    const recorded = recordedMessages(version, caseName);
    if (!recorded) return [];
    const text = recordedCaseText(caseName);
    const differences = compareMessages(recorded, ourMessages(text, version), text);
    return [{ version, caseName, differences, exclusion: excluded(version, caseName) }];
  });

  it('for every pair with a request, but the excluded ones', () => {
    const different = results.filter((r) => !r.exclusion && r.differences.length);
    expect(different.map((r) => `${r.version} ${r.caseName}: ${formatDifference(r.differences[0]!)} (${r.differences.length} in all)`)).toEqual([]);
    expect(results.filter((r) => !r.exclusion).length).toBe(0);
  });

  it('differs on every excluded pair, for the reason given', () => {
    expect(results.filter((r) => r.exclusion && !r.differences.length).map((r) => `${r.version} ${r.caseName}`)).toEqual([]);
    expect(results.filter((r) => r.exclusion).length).toBe(0);
  });
});
