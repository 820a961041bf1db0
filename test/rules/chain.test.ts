import { describe, expect, test } from 'vitest';
import { clientOf } from '../../src/conversation/clients.js';
import { analyze } from '../../src/rules/analyze.js';
import { docOf, realBytes, realDoc } from '../helpers/fixtures.js';
import { at, entries, entry, entryAt, expectRepair, rows, textAt } from './helpers.js';

const FIRST_ROLE = 'messages: first message must use the "user" role';
/** The last version that sends only what follows a gap in the chain. */
const CUTTING = { target: [clientOf('2.1.90')!] };
const lean = () => entries('lean');
const leanLine = (n: number) => realBytes('lean').toString('utf8').split('\n')[n - 1]!;

describe('parse-error', () => {
  // Line 5 of the 2.1.19 session (the Read tool_use) torn mid-way, as when the writer dies.
  const torn = () => {
    const lines: unknown[] = lean();
    lines[4] = leanLine(5).slice(0, 300);
    return docOf(lines);
  };

  test('a torn line is reported, and so is what it cut off (by a client that does not bridge)', () => {
    expect(rows(torn(), CUTTING)).toEqual([
      // The response's lines off the chain follow the one on it (recorded: gap-330, 2.1.80-2.1.90): its thinking comes after its call.
      {
        rule: 'thinking-order',
        severity: 'error',
        line: 3,
        turn: 1,
        apiError:
          'messages.0.content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found tool_use.',
      },
      { rule: 'parse-error', severity: 'warning', line: 5 },
      // Its split response is still sent from its other lines, but the prompt before them is no longer on the chain.
      { rule: 'chain-dangling', severity: 'error', line: 6 },
      { rule: 'first-role', severity: 'error', line: 6, turn: 1, apiError: FIRST_ROLE },
      // The Read result hung off the torn line: no longer on the active chain.
      { rule: 'chain-dangling', severity: 'info', line: 7 },
    ]);
  });

  test('--warnings drops the torn line and relinks its child to the line before it, without inventing a prompt', () => {
    // The tear kept the line's parentUuid but not its own uuid (written after the message).
    const res = expectRepair(
      torn(),
      {
        applied: ['parse-error@5: remove the line', 'chain-dangling@6: relink to the nearest earlier turn (line 4)'],
        changed: [6],
        removed: [5],
        added: 0,
      },
      { warnings: true },
    );
    expect(entryAt(res.doc, 4).parentUuid).toBe(entry(lean(), '30631387').uuid);
    expect(res.analysis.view.messages[0]!.lines).toEqual([1]);
    expect(rows(res.doc)).toEqual([{ rule: 'chain-dangling', severity: 'info', line: 6 }]);
  });
});

describe('chain-dangling', () => {
  // The 2.1.19 session with its line 9 (an assistant text) lost and nothing relinked.
  const lost = () => {
    const lines = lean();
    lines.splice(at(lines, '629f6c51'), 1);
    return docOf(lines);
  };

  test('everything before the dangling link is lost on resume (by a client that does not bridge)', () => {
    expect(rows(lost(), CUTTING)).toEqual([
      { rule: 'chain-dangling', severity: 'error', line: 9 },
      { rule: 'first-role', severity: 'error', line: 9, turn: 1, apiError: FIRST_ROLE },
    ]);
    expect(analyze(lost(), CUTTING).diagnostics[0]!.message).toBe(
      'parent 629f6c51-4411-4976-9501-f288fed4d841 is not in the file: everything before this line is lost on resume (Claude Code before 2.1.91 resumes only what follows it)',
    );
  });

  test('a client that bridges the gap sends it all: a warning naming the line it hangs the gap under', () => {
    expect(rows(lost())).toEqual([
      { rule: 'chain-dangling', severity: 'warning', line: 9 },
      { rule: 'first-role', severity: 'warning', line: 9, turn: 1, apiError: FIRST_ROLE },
    ]);
    expect(analyze(lost()).diagnostics[0]!.message).toBe(
      'parent 629f6c51-4411-4976-9501-f288fed4d841 is not in the file; it resumes under line 8 (written 0.1 s before it) (Claude Code before 2.1.91 resumes only what follows it)',
    );
  });

  test('fix relinks it to the nearest earlier turn, which brings the whole conversation back', () => {
    const res = expectRepair(
      lost(),
      { applied: ['chain-dangling@9: relink to the nearest earlier turn (line 8)'], changed: [9], removed: [], added: 0 },
      CUTTING,
    );
    expect(entryAt(res.doc, 8).parentUuid).toBe(entry(lean(), 'c8cd14ac').uuid);
    expect(res.analysis.view.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  });
});

describe('chain-progress-parent', () => {
  // The real 2.1.38 session: the Glob call hangs under a hook's progress line, which releases before 2.1.19 do not read.
  const progressParent = (target: string) =>
    analyze(realDoc('localCommand'), { target: [clientOf(target)!] }).diagnostics.find((d) => d.rule === 'chain-progress-parent')!;
  const MESSAGE =
    'parent c45785f8-6c6d-429f-9608-65b454721668 is a progress line: a client that does not read progress lines loses everything before this line on resume (Claude Code before 2.1.19 resumes only what follows it)';

  test('names the releases it cuts, an error for them and a warning for a client that reads progress lines', () => {
    for (const [target, severity] of [
      ['2.0.77', 'error'],
      ['2.1.39', 'warning'],
    ] as const) {
      const d = progressParent(target);
      expect([d.severity, d.message]).toEqual([severity, MESSAGE]);
    }
  });
});

describe('chain-cycle', () => {
  test('the first prompt made a child of a later line (2.1.19): the loop is cut where it closes', () => {
    const lines = lean();
    entry(lines, 'aa6ef44a').parentUuid = entry(lines, 'ed05c3e4').uuid;
    const doc = docOf(lines);
    expect(rows(doc)).toEqual([{ rule: 'chain-cycle', severity: 'error', line: 2 }]);
    const res = expectRepair(doc, { applied: ['chain-cycle@2: cut the loop here (make this line a root)'], changed: [2], removed: [], added: 0 });
    expect(textAt(res.doc, 1)).toBe(leanLine(2));
  });
});

describe('uuid-duplicate', () => {
  // Line 6 of the 2.1.19 session (a parallel tool_use) written twice, byte for byte.
  const doubled = () => {
    const lines: unknown[] = lean();
    lines.splice(6, 0, leanLine(6));
    return docOf(lines);
  };

  test('the copy is a warning; its tool_use is no repeat, since clients keep one line per uuid', () => {
    expect(rows(doubled())).toEqual([{ rule: 'uuid-duplicate', severity: 'warning', line: 7 }]);
  });

  test('fix leaves it alone: nothing in it is rejected', () => {
    expectRepair(doubled(), { applied: [], changed: [], removed: [], added: 0 });
  });

  test('--warnings removes the copy as a duplicated line', () => {
    expectRepair(doubled(), { applied: ['uuid-duplicate@7: remove the duplicated line'], changed: [], removed: [7], added: 0 }, { warnings: true });
  });

  test('a later copy of a record with new metadata (as Claude Code writes on resume) is info, and the graph follows it', () => {
    // The final answer (line 14) written again after it with a new gitBranch and a slug.
    const lines: unknown[] = lean();
    const again: { uuid: string } = { ...JSON.parse(leanLine(14)), gitBranch: 'feature', slug: 'calm-river' };
    lines.push(again);
    const a = analyze(docOf(lines));
    expect(a.diagnostics.map((d) => [d.rule, d.severity, d.line, d.message])).toEqual([
      ['uuid-duplicate', 'info', 15, `a later copy of the record on line 14 (uuid ${again.uuid}); Claude Code reads this one`],
    ]);
    expect(a.graph.chain.at(-1)).toBe(14);
  });

  test('two different records sharing a uuid are a warning; the later one is the parent its children reach', () => {
    const lines = lean();
    const prompt = lines.findIndex((l) => l.type === 'user' && typeof l.message.content === 'string');
    const last = lines.length - 1;
    lines[last] = { ...lines[last], uuid: lines[prompt].uuid };
    const a = analyze(docOf(lines));
    const d = a.diagnostics.find((x) => x.rule === 'uuid-duplicate')!;
    expect([d.severity, d.line, d.message]).toEqual([
      'warning',
      last + 1,
      `uuid ${lines[prompt].uuid} is also on line ${prompt + 1}, a different record; Claude Code follows this later one`,
    ]);
    expect(a.graph.posOf(lines[prompt].uuid)).toBe(last);
  });
});
