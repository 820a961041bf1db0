import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { run } from './run.js';
import { copyWithSubagents } from '../helpers/fixtures.js';
import { type Entry, dropLinked } from '../rules/helpers.js';

const SESSION = '55cec905-72ad-4d63-801c-986d82b42bf0';
const AGENT = 'agent-a7903128f83f736cb.jsonl';
const jsonl = (entries: readonly Entry[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join('');
const parse = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Entry);

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A copy of the 2.1.330 session that ran an Agent call, with its subagent transcript beside it (changed by `breakAgent`). */
function session(breakAgent?: (lines: Entry[]) => Entry[]): { main: string; agent: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ccmend-subagents-'));
  dirs.push(dir);
  const { main, subagents } = copyWithSubagents('compact', dir);
  const agent = join(subagents, AGENT);
  if (breakAgent) writeFileSync(agent, jsonl(breakAgent(parse(agent))));
  return { main, agent };
}

const FOR = 'checked for Claude Code 2.1.330, the newest version that wrote this session';

describe('check', () => {
  test("a session's subagent transcript is checked after it, as a file of its own", async () => {
    const { main, agent } = session();
    const r = await run('check', main);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [`${main}: 0 errors · 0 warnings, ${FOR}`, `${agent} (subagent of ${SESSION}.jsonl, run by toolu_01AgentRoutes): 0 errors · 0 warnings, ${FOR}`].join(
        '\n',
      ),
    );
  });

  test('a subagent whose Grep result was lost: its warning is listed under its file, with its turn in its own conversation', async () => {
    // Claude Code drops the unanswered call when it sends: the request goes through without that search.
    const { main, agent } = session((lines) => dropLinked(lines, '2080715b'));
    const r = await run('check', '--json', main);
    expect(r.code).toBe(0);
    const files = JSON.parse(r.out).files as Entry[];
    expect(files.map((f) => [f.path, f.subagentOf ?? null, f.toolUseId ?? null, f.counts.warning])).toEqual([
      [main, null, null, 0],
      [agent, main, 'toolu_01AgentRoutes', 1],
    ]);
    // The reminder after the lost result is then a user message of its own after the prompt's: two user
    // messages in a row are the client's own shape (see role-alternation), not a warning.
    expect(files[1]!.diagnostics.map((d: Entry) => `${d.rule}@${d.line} turn ${d.turn}`)).toEqual(['tool-result-missing@13 turn 2']);
  });

  test('--no-subagents checks only the session', async () => {
    const { main } = session((lines) => dropLinked(lines, '2080715b'));
    const r = await run('check', '--no-subagents', main);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${main}: 0 errors · 0 warnings, ${FOR}`);
  });
});

describe('fix', () => {
  test("a subagent's lost result is restored in its own transcript, as a line of its side chain, with a backup", async () => {
    const { main, agent } = session((lines) => dropLinked(lines, '2080715b'));
    const before = readFileSync(main);
    const r = await run('fix', main, '--warnings');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `${main}: nothing to fix for Claude Code 2.1.330, the newest version that wrote this session`,
      'now: 0 errors · 0 warnings',
      `${agent} (subagent of ${SESSION}.jsonl, run by toolu_01AgentRoutes): 1 fix for Claude Code 2.1.330, the newest version that wrote this session`,
      '  line 13  tool-result-missing: insert a tool_result "[tool result lost]" (is_error) for toolu_01SubGrep',
      expect.stringMatching(new RegExp(`^saved ${agent.replace(/[.+]/g, '\\$&')} \\(backup: .*\\.bak\\)$`)),
      'now: 0 errors · 0 warnings',
      `resume with: cd /home/demo/acme-shop && claude --resume ${SESSION}`,
    ]);
    expect(readFileSync(main).equals(before)).toBe(true);
    const inserted = parse(agent)[13]!;
    expect(inserted).toMatchObject({
      isSidechain: true,
      agentId: 'a7903128f83f736cb',
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01SubGrep', content: '[tool result lost]', is_error: true }] },
    });
    expect((await run('check', main)).code).toBe(0);
  });

  test('with --out the subagent transcript is written in the same layout beside the output; the originals stay', async () => {
    const { main, agent } = session((lines) => dropLinked(lines, '2080715b'));
    const broken = readFileSync(agent);
    const outDir = mkdtempSync(join(tmpdir(), 'ccmend-subagents-out-'));
    dirs.push(outDir);
    const out = join(outDir, `${SESSION}.jsonl`);
    const r = await run('fix', main, '--out', out, '--json', '--warnings');
    const json = JSON.parse(r.out);
    const written = join(outDir, SESSION, 'subagents', AGENT);
    expect(json.subagents.map((s: Entry) => [s.path, s.toolUseId, s.written, s.applied.length])).toEqual([[agent, 'toolu_01AgentRoutes', written, 1]]);
    expect(readFileSync(agent).equals(broken)).toBe(true);
    expect(readdirSync(join(outDir, SESSION, 'subagents'))).toEqual([AGENT]);
    expect((await run('check', out)).code).toBe(0);
    // Nothing was written beside the input: no backup, no saved copy.
    expect(readdirSync(dirname(agent)).sort()).toEqual([AGENT, AGENT.replace(/\.jsonl$/, '.meta.json')]);
  });
});
