import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main, reportFailure } from '../../src/cli.js';
import { CliError } from '../../src/report/errors.js';
import { BAD_EVENT, runHook } from '../../src/commands/hook.js';
import { realLines, realPath } from '../helpers/fixtures.js';
import { capture, sandbox } from './support.js';

const stdin = (value: unknown) => async () => (typeof value === 'string' ? value : JSON.stringify(value));

/** The event Claude Code sends a SessionStart hook on resume (fields it adds beyond the two ccmend reads included). */
const event = (sessionId: string, transcriptPath: string) => ({
  session_id: sessionId,
  transcript_path: transcriptPath,
  cwd: '/home/demo/acme-shop',
  hook_event_name: 'SessionStart',
  source: 'resume',
});

const PARALLEL_ID = 'a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1';

/** The real parallel-tools session with its first tool_result line written twice: one tool-result-duplicate error. */
function brokenCopy(): string {
  const lines = realLines('parallel');
  const first = lines.findIndex((l) => {
    const content = (l.message as { content?: unknown } | undefined)?.content;
    return Array.isArray(content) && content.some((b) => (b as { type?: string }).type === 'tool_result');
  });
  const copy = { ...lines[first]!, uuid: 'dddddddd-0000-4000-8000-000000000001' };
  lines.splice(first + 1, 0, copy);
  return sandbox().write(`${PARALLEL_ID}.jsonl`, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

describe('ccmend check --hook', () => {
  test('a broken transcript: a systemMessage naming the error count and the repair commands, exit 0', async () => {
    const io = capture();
    expect(await runHook(stdin(event(PARALLEL_ID, brokenCopy())), io, {}, () => 'ccmend')).toBe(0);
    expect(io.out_).toEqual([
      JSON.stringify({
        systemMessage: [
          'ccmend: Claude Code 2.1.330 will fail on 1 error.',
          `Exit, run  ccmend fix ${PARALLEL_ID}  then resume.`,
          `(or  ccmend ${PARALLEL_ID}  to review each error)`,
        ].join('\n'),
      }),
    ]);
    expect(io.err_).toEqual([]);
  });

  test('the notice fits 80 columns as Claude Code shows it (after "SessionStart:resume says: ", the next lines indented)', async () => {
    const io = capture();
    await runHook(stdin(event(PARALLEL_ID, brokenCopy())), io, {}, () => 'ccmend');
    const [first, ...rest] = (JSON.parse(io.out_[0]!) as { systemMessage: string }).systemMessage.split('\n');
    expect(`  ⎿  SessionStart:resume says: ${first}`.length).toBeLessThanOrEqual(80);
    for (const line of rest) expect(`     ${line}`.length, line).toBeLessThanOrEqual(80);
  });

  test('it names the command that runs this ccmend: by its path when ccmend is not on PATH', async () => {
    const io = capture();
    await runHook(stdin(event(PARALLEL_ID, brokenCopy())), io, {}, () => "/usr/bin/node '/opt/my tools/ccmend/dist/bin.js'");
    expect((JSON.parse(io.out_[0]!) as { systemMessage: string }).systemMessage.split('\n').slice(1)).toEqual([
      "Exit, run  /usr/bin/node '/opt/my tools/ccmend/dist/bin.js' fix a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1  then resume.",
      "(or  /usr/bin/node '/opt/my tools/ccmend/dist/bin.js' a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1  to review each error)",
    ]);
  });

  test('the real 2.1.39 session with 6 errors counts them all', async () => {
    const io = capture();
    expect(await runHook(stdin(event('4d5611e5-241a-462a-8d15-5122611a9569', realPath('long'))), io, {}, () => 'ccmend')).toBe(0);
    expect(JSON.parse(io.out_[0]!)).toEqual({
      systemMessage: [
        'ccmend: Claude Code 2.1.39 will fail on 6 errors.',
        'Exit, run  ccmend fix 4d5611e5-241a-462a-8d15-5122611a9569  then resume.',
        '(or  ccmend 4d5611e5-241a-462a-8d15-5122611a9569  to review each error)',
        'Other versions fail on 7 more problems:',
        '  ccmend check --client all 4d5611e5-241a-462a-8d15-5122611a9569',
      ].join('\n'),
    });
  });

  test('a healthy transcript prints nothing and exits 0', async () => {
    for (const name of ['parallel', 'compact'] as const) {
      const io = capture();
      expect(await runHook(stdin(event('x', realPath(name))), io, {})).toBe(0);
      expect(io.out_).toEqual([]);
      expect(io.err_).toEqual([]);
    }
  });

  test('a transcript that does not exist yet (a new session) is nothing to check: silent exit 0', async () => {
    const io = capture();
    expect(await runHook(stdin(event('new', join(sandbox().root, 'new.jsonl'))), io, {})).toBe(0);
    expect(io.out_).toEqual([]);
  });

  test('stdin that is not a hook event: one line, exit 2, no stack', async () => {
    for (const bad of ['not json', '[]', { session_id: 'x' }, { session_id: 'x', transcript_path: '' }, '']) {
      const err = await runHook(stdin(bad), capture(), {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).message).toBe(BAD_EVENT);
      const io = capture();
      expect(reportFailure(err, false, io)).toBe(2);
      expect(io.err_).toEqual(['ccmend: check --hook: stdin is not a Claude Code hook event (expected JSON with session_id and transcript_path)']);
    }
  });

  test('a transcript path that cannot be read is exit 2 with the reason', async () => {
    const dir = join(sandbox().root, 'dir.jsonl');
    mkdirSync(dir);
    const err = await runHook(stdin(event('x', dir)), capture(), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toBe(`check --hook: ${dir}: is a directory, not a transcript`);
  });

  test('provider rules come from the environment, as for check', async () => {
    // Two responses in a row: only strict providers (Bedrock, Vertex) refuse them; the Anthropic API merges them.
    const path = join(sandbox().root, 's.jsonl');
    const base = { sessionId: 's', cwd: '/tmp', version: '2.1.39', isSidechain: false, timestamp: '2026-01-01T00:00:00Z' };
    writeFileSync(
      path,
      [
        // Written a second apart, as a client writes them: releases before 2.1.101 resume from the newest entry.
        { ...base, type: 'user', uuid: 'u0', parentUuid: null, message: { role: 'user', content: 'hi' } },
        {
          ...base,
          timestamp: '2026-01-01T00:00:01Z',
          type: 'assistant',
          uuid: 'a1',
          parentUuid: 'u0',
          message: { id: 'm1', role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
        },
        {
          ...base,
          timestamp: '2026-01-01T00:00:02Z',
          type: 'assistant',
          uuid: 'a2',
          parentUuid: 'a1',
          message: { id: 'm2', role: 'assistant', content: [{ type: 'text', text: 'again' }] },
        },
      ]
        .map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    );
    const direct = capture();
    await runHook(stdin(event('s', path)), direct, {});
    const bedrock = capture();
    await runHook(stdin(event('s', path)), bedrock, { CLAUDE_CODE_USE_BEDROCK: '1' }, () => 'ccmend');
    expect(direct.out_).toEqual([]);
    expect(bedrock.out_).toEqual([
      JSON.stringify({
        systemMessage: [
          'ccmend: Claude Code 2.1.39 will fail on 1 error.',
          'Exit, run  ccmend fix s  then resume.',
          '(or  ccmend s  to review each error)',
        ].join('\n'),
      }),
    ]);
  });

  test('the CLI refuses a file argument with --hook before reading stdin', async () => {
    const err = await main(['check', '--hook', 'some.jsonl'], capture()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe('ccmend check --hook takes no file: it reads the hook event on stdin (see ccmend --help)');
  });
});
