import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fixAll } from '../../src/edit/fixAll.js';
import { describeSession } from '../../src/report/session.js';
import { resolveTarget } from '../../src/report/target.js';
import { docFromBuffer, loadFile } from '../../src/transcript/load.js';
import { serializeToBuffer } from '../../src/transcript/save.js';
import { App, type AppDeps, fileEditorDeps } from '../../src/ui/run.js';
import { copyWithSubagents } from '../helpers/fixtures.js';
import { DEMO, mount, status, tempCopy, unmountAll } from './harness.js';

/*
 * A subagent's transcript in the editor, on the real 2.1.332 session whose Agent call ran a
 * subagent that wrote and ran a test: the tree shows the transcript under the call with its
 * problems for the target, o opens it as a conversation of its own, and quitting goes back to
 * the session as it was left. The subagent's copy lost the result of its `node --test` run:
 * that line is removed and the line after it linked to its parent instead, nothing else changed.
 */

const SESSION = '51483dab-eb50-4c9c-9132-23c4d95935c3';
const AGENT = 'agent-a2a1187e63e41ffc2.jsonl';
/** The result of toolu_01SubRunTest. */
const LOST = '14c0b48e-';

let dirs: string[] = [];
afterEach(() => {
  unmountAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** The lines of a file, split at "\n" (its last one empty). */
const linesOf = (b: Buffer) => b.toString('utf8').split('\n');

/** A copy of the session with its subagents folder, the subagent's transcript without the result of its test run. */
function session(): { main: string; agent: string; broken: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'ccmend-ui-subagents-'));
  dirs.push(dir);
  const { main, subagents } = copyWithSubagents('tasks', dir);
  const agent = join(subagents, AGENT);
  const lines = linesOf(readFileSync(agent));
  const at = lines.findIndex((l) => l.includes(`"uuid":"${LOST}`));
  const { uuid, parentUuid } = JSON.parse(lines[at]!) as { uuid: string; parentUuid: string };
  lines.splice(at, 1);
  const child = lines.findIndex((l) => l.includes(`"parentUuid":"${uuid}"`));
  lines[child] = lines[child]!.replace(`"parentUuid":"${uuid}"`, `"parentUuid":"${parentUuid}"`);
  const broken = Buffer.from(lines.join('\n'));
  writeFileSync(agent, broken);
  return { main, agent, broken };
}

function deps(loaded: string[] = []): AppDeps {
  return {
    sessions: () => [],
    cwd: '/tmp/ccmend-fixtures/acme-shop',
    load: (path, progress) => {
      loaded.push(path);
      return loadFile(path, progress);
    },
    describe: describeSession,
    demoCopy: () => tempCopy(DEMO, 'demo.jsonl'),
    target: (doc) => resolveTarget(undefined, doc, () => undefined),
    editor: fileEditorDeps({ clipboard: async () => {} }),
  };
}

const SIZE = { columns: 120, rows: 40 };
const ROW = /^▲ +↳ subagent agent-a2a1187e63e41ffc2\.jsonl · 1 warning +tool-result-missing$/m;
const CALL = 'tool_use  Agent Write the limiter test  [toolu_01AgentTest]';

/** The session open in the app, with the subagent's row on screen and its count shown. */
async function openSession(loaded: string[] = []) {
  const files = session();
  const ui = await mount(<App path={files.main} provider="anthropic" deps={deps(loaded)} size={SIZE} />);
  await ui.until((f) => f.includes(`${SESSION}.jsonl`) && / errors? · /.test(f), 'the editor');
  return { ui, ...files };
}

/** The frame's tree line that holds `text`, and the one under it. */
function lineAndNext(frame: string, text: string): [string, string] {
  const lines = frame.split('\n');
  const at = lines.findIndex((l) => l.includes(text));
  return [lines[at]!.trimEnd(), lines[at + 1]!.trimEnd()];
}

describe("a session's subagent transcript in the editor", () => {
  test('is shown under the call that ran it with its problems for the target, checked only once its row is on screen', async () => {
    const loaded: string[] = [];
    const { ui, main, agent } = await openSession(loaded);
    // The call is further down than the first screen: nothing of the subagent was read yet.
    expect(ui.frame()).not.toContain('↳ subagent');
    expect(status(ui.frame())).toBe("n: next problem · ?: help · o: open a subagent's transcript (its ↳ row, under its call)");
    expect(loaded).toEqual([main]);
    await ui.press('/', ...'subagent', '\r');
    const f = await ui.until((fr) => ROW.test(fr), "the subagent's count");
    const [call, under] = lineAndNext(f, CALL);
    expect(call).toBe(`      ${CALL}`);
    expect(under).toMatch(ROW);
    expect(loaded).toEqual([main, agent]);
    // The session's own problems do not count the subagent's.
    expect(f.split('\n')[0]).toMatch(/^ccmend {2}0 errors · 0 warnings {2}for Claude Code 2\.1\.332 {2}51483dab-eb50-4c9c-9132-23c4d95935c3\.jsonl/);
    // Checked for every client, the subagent's lost result also leaves two user messages in a row.
    const all = await ui.press('c');
    expect(all.split('\n')[0]).toContain('for all clients');
    await ui.until(
      (fr) => /↳ subagent agent-a2a1187e63e41ffc2\.jsonl · 2 warnings +tool-result-missing,role-alternation$/m.test(fr),
      'the count for all clients',
    );
  });

  test('o opens it as a file of its own; F fixes it, s saves it with a backup, and q goes back to the session as it was left', async () => {
    const { ui, main, agent, broken } = await openSession();
    const sessionBytes = readFileSync(main);
    // An unsaved edit of the session first: it is there when the editor comes back.
    expect(status(await ui.press('d'))).toBe('deleted turn #1 · u undoes');
    await ui.press('/', ...'subagent', '\r');
    await ui.until((fr) => ROW.test(fr), "the subagent's count");

    const opened = await ui.press('o');
    const lines = opened.split('\n');
    expect(lines[0]).toMatch(/^ccmend {2}0 errors · 1 warning {2}for Claude Code 2\.1\.332 {2}agent-a2a1187e63e41ffc2\.jsonl/);
    expect(lines[1]!.trimEnd()).toBe(`subagent of ${SESSION}.jsonl run by toolu_01AgentTest (Write the limiter test)`);
    expect(status(opened)).toBe('subagent agent-a2a1187e63e41ffc2.jsonl, run by toolu_01AgentTest: q goes back to the session · n: next problem');
    expect(opened).not.toContain('↳ subagent');

    expect(status(await ui.press('n'))).toBe(
      'problem 1/1: tool-result-missing · f: insert a tool_result "[tool result lost]" (is_error) for toolu_01SubRunTest',
    );
    const fixed = await ui.press('F');
    expect(status(fixed)).toBe('applied 1 fix; 0 errors and 0 warnings left · u undoes');
    expect(fixed.split('\n')[0]).toContain('0 errors · 0 warnings  [modified]');

    // Unsaved changes of the subagent are not dropped without asking.
    const asked = await ui.press('q');
    expect(status(asked)).toBe(`Go back to the session ${SESSION}.jsonl without saving your changes? (y/n)`);
    expect(status(await ui.press('n'))).toBe('cancelled');

    const preview = await ui.press('s');
    expect(preview).toContain('0 removed · 0 changed · 1 added');
    expect(preview).toContain('+ new line 21 (after line 20): user: result error [toolu_01SubRunTest] [tool result lost]');
    await ui.press('y');
    const saved = await ui.until((fr) => fr.includes('saved; backup'), 'the save');
    expect(saved.split('\n')[0]).not.toContain('[modified]');

    // On disk: the transcript as it was with one line added where the result was lost, as `ccmend fix --warnings` writes it.
    const written = readFileSync(agent);
    const before = linesOf(broken);
    const after = linesOf(written);
    expect([...after.slice(0, 20), ...after.slice(21)]).toEqual(before);
    expect(JSON.parse(after[20]!)).toMatchObject({
      parentUuid: JSON.parse(before[19]!).uuid,
      isSidechain: true,
      agentId: 'a2a1187e63e41ffc2',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01SubRunTest', content: '[tool result lost]', is_error: true }] },
    });
    const asFixed = docFromBuffer(broken, agent);
    const target = resolveTarget(undefined, asFixed, () => undefined).clients;
    expect(serializeToBuffer(fixAll(asFixed, { target, conversation: 'subagent', warnings: true }).doc).equals(written)).toBe(true);
    const backups = readdirSync(join(agent, '..')).filter((n) => n.startsWith(`${AGENT}.ccmend-`) && n.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(agent, '..', backups[0]!)).equals(broken)).toBe(true);

    const back = await ui.press('q');
    expect(status(back)).toBe(`back from the subagent ${AGENT}`);
    const head = back.split('\n')[0]!;
    expect(head).toMatch(/^ccmend {2}1 error · 0 warnings {2}\[modified\] {2}for Claude Code 2\.1\.332 {2}51483dab-eb50-4c9c-9132-23c4d95935c3\.jsonl/);
    // Where it was left: on the subagent's row (its call's detail below), now checked again as saved.
    const recounted = await ui.until((fr) => fr.includes('↳ subagent agent-a2a1187e63e41ffc2.jsonl · no problems'), 'the count as saved');
    expect(lineAndNext(recounted, CALL)[1]).toBe(`        ↳ subagent ${AGENT} · no problems`);
    expect(recounted).toContain(`│ ↳ subagent ${AGENT}: o opens it (q there comes back here)`);
    expect(recounted).toContain('│ Agent toolu_01AgentTest');
    // The session's history came back with it.
    const undone = await ui.press('u');
    expect(status(undone)).toBe('undid: deleted turn #1');
    expect(undone.split('\n')[0]).toContain('0 errors · 0 warnings  for Claude Code 2.1.332');
    expect(readFileSync(main).equals(sessionBytes)).toBe(true);
  });

  test('going back without saving, when asked, leaves the transcript as it is on disk', async () => {
    const { ui, agent, broken } = await openSession();
    await ui.press('/', ...'subagent', '\r');
    await ui.until((fr) => ROW.test(fr), "the subagent's count");
    await ui.press('o', 'F', 'q');
    const back = await ui.press('y');
    expect(status(back)).toBe(`back from the subagent ${AGENT}`);
    expect(back.split('\n')[0]).toMatch(/^ccmend {2}0 errors · 0 warnings {2}for Claude Code/);
    expect(readFileSync(agent).equals(broken)).toBe(true);
    expect(readdirSync(join(agent, '..')).filter((n) => n.endsWith('.bak'))).toEqual([]);
  });

  test('Ctrl+C with unsaved changes says it goes back to the session, and the second press does', async () => {
    const { ui, agent, broken } = await openSession();
    await ui.press('/', ...'subagent', '\r');
    await ui.until((fr) => ROW.test(fr), "the subagent's count");
    await ui.press('o', 'F');
    const warned = await ui.press('\x03');
    // The warning takes two status lines at this width.
    const twoLines = warned
      .trimEnd()
      .split('\n')
      .slice(-2)
      .map((l) => l.trim())
      .join(' ');
    expect(twoLines).toBe(`unsaved changes: Ctrl+C again goes back to the session ${SESSION}.jsonl without saving them · s saves · any other key goes on`);
    const back = await ui.press('\x03');
    expect(status(back)).toBe(`back from the subagent ${AGENT}`);
    expect(readFileSync(agent).equals(broken)).toBe(true);
  });

  test('in the raw view, under the line of a call made before the last compaction (which the request leaves out)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccmend-ui-subagents-'));
    dirs.push(dir);
    const { main } = copyWithSubagents('compact', dir);
    const ui = await mount(<App path={main} provider="anthropic" deps={deps()} size={SIZE} />);
    await ui.until((f) => / errors? · /.test(f), 'the editor');
    expect(status(await ui.press('/', ...'subagent', '\r'))).toBe('"subagent" not found');
    // / offers the last search again.
    expect(status(await ui.press('a', '/', '\r'))).toBe('found "subagent" (/ Enter finds the next)');
    const f = await ui.until((fr) => fr.includes('↳ subagent agent-a7903128f83f736cb.jsonl · no problems'), "the subagent's row");
    const lines = f.split('\n');
    const at = lines.findIndex((l) => l.includes('↳ subagent'));
    expect(lines[at - 1]!.trimEnd()).toBe('  L57     assistant              (before compaction) Agent Find routes');
    expect(lines[at]!.trimEnd()).toBe('        ↳ subagent agent-a7903128f83f736cb.jsonl · no problems');
    const opened = await ui.press('o');
    expect(opened.split('\n')[1]!.trimEnd()).toBe('subagent of 55cec905-72ad-4d63-801c-986d82b42bf0.jsonl run by toolu_01AgentRoutes (Find routes)');
    const back = await ui.press('q');
    expect(status(back)).toBe('back from the subagent agent-a7903128f83f736cb.jsonl');
    expect(back).toContain('raw file view: every line');
  });

  test('a transcript gone from disk says so on its row, and o leaves the session as it was', async () => {
    const { ui, agent } = await openSession();
    rmSync(agent);
    await ui.press('/', ...'subagent', '\r');
    const f = await ui.until((fr) => fr.includes('no such file'), 'the row');
    expect(lineAndNext(f, CALL)[1]).toBe(`        ↳ subagent ${AGENT} · ${AGENT}: no such file`);
    const back = await ui.press('o');
    // The status wraps, mid-path: its lines are the frame's last two.
    expect(back.trimEnd().split('\n').slice(-2).join('')).toBe(`cannot open the subagent's transcript: ${agent}: no such file`);
    expect(back.split('\n')[0]).toContain(`${SESSION}.jsonl`);
  });

  test('at 80 columns the file name is cut in the middle, and its problems stay', async () => {
    const { main } = session();
    const ui = await mount(<App path={main} provider="anthropic" deps={deps()} size={{ columns: 80, rows: 24 }} />, 80);
    await ui.until((f) => / errors? · /.test(f), 'the editor');
    await ui.press('/', ...'subagent', '\r');
    const f = await ui.until((fr) => fr.includes('1 warning'), "the subagent's count");
    expect(lineAndNext(f, CALL)[1]).toBe('▲       ↳ subagent agent-a2a1187e63e41ff….jsonl · 1 warning tool-result-missing');
  });

  test('o elsewhere says where it works', async () => {
    const { ui } = await openSession();
    expect(status(await ui.press('o'))).toBe('no subagent transcript here: o opens the one under a Task or Agent call (↳ subagent)');
  });
});
