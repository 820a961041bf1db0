import { describe, expect, test } from 'vitest';
import { buildGraph } from '../../src/conversation/graph.js';
import { estimateTextTokens } from '../../src/budget/estimate.js';
import { commandLabel, errorDetail, removedPaths, summaryFacts } from '../../src/summary/facts.js';
import { renderHandoff } from '../../src/summary/summary.js';
import type { Doc } from '../../src/transcript/document.js';
import { docOf, type RealName, realDoc, realLines } from '../helpers/fixtures.js';
import { section } from './sections.js';

const factsOf = (doc: Doc) => summaryFacts(doc, { graph: buildGraph(doc) });
const handoffOf = (name: RealName, budget?: number) => renderHandoff(factsOf(realDoc(name)), budget);

const quoted = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');

/** The real 2.1.39 session's compaction summary, as Claude Code wrote it. */
function compactionSummary(): string {
  const line = realLines('long').find((e) => e.isCompactSummary === true)!;
  const content = (line.message as { content: unknown }).content;
  return (typeof content === 'string' ? content : (content as { text: string }[]).map((b) => b.text).join('\n')).trim();
}

describe('the hand-off of the real 2.1.39 session (1512 lines, one compaction)', () => {
  const { markdown, tokens, cut } = handoffOf('long');

  test('holds the compaction summary whole: its pending tasks, current work and next step', () => {
    const summary = compactionSummary();
    expect(summary.length).toBeGreaterThan(15_000);
    expect(markdown).toContain(quoted(summary));
    for (const part of ['7. Pending Tasks:', '8. Current Work:', '9. Optional Next Step:']) expect(markdown).toContain(`> ${part}`);
    expect(markdown).toContain('> 8. Current Work:\n>    Working on **spotter-dov.3**');
    expect(markdown).toContain('>      - Fix compile error in transcript_components.ex (Access.get in guard)');
  });

  test('lists each command once, with how it ended', () => {
    const commands = section(markdown, 'Commands run').filter((l) => l.startsWith('- `'));
    const labels = commands.map((l) => /^- (`.*`)(?: ×\d+)?: /.exec(l)![1]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(commands.length).toBe(56);
    expect(commands).toContain('- `git push 2>&1`: failed: exit 128: fatal: The current branch spotter-dov has no upstream branch.');
    expect(commands).toContain('- `git push --set-upstream origin spotter-dov 2>&1`: ok');
    expect(commands).toContain(
      "- `git commit -m \"$(cat <<'EOF' feat: unified transcript visualization and debug parity (spotter-dov) …` ×2: failed each time, last: Pre-commit validation failed: [DIALYZER]",
    );
    expect(commands).toContain('- `mix test test/spotter_web/live/session_live_test.exs 2>&1`: started in the background (task b7636e2)');
    expect(commands).toContain('- `mix compile && mix dialyzer --format short 2>&1 | grep -E "^lib/"`: ok (No matches found)');
    expect(commands[commands.length - 1]).toBe('- `git status 2>&1` ×2: last ok');
  });

  test('lists each file once, as created or edited, relative to the project', () => {
    const files = factsOf(realDoc('long')).files;
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    expect(section(markdown, 'Files')).toEqual([
      'Created:',
      '- `test/spotter_web/live/subagent_live_test.exs`',
      '- `lib/spotter_web/live/transcript_computers.ex`',
      '- `lib/spotter_web/components/transcript_components.ex`',
      'Edited:',
      '- `lib/spotter/services/transcript_renderer.ex`',
      '- `test/spotter/services/transcript_renderer_test.exs`',
      '- `lib/spotter_web/live/session_live.ex`',
      '- `priv/static/assets/spotter.css`',
      '- `assets/js/app.js`',
      '- `lib/spotter_web/live/subagent_live.ex`',
      '- `lib/spotter/services/waiting_summary.ex`',
      '- `lib/spotter/services/waiting_summary/slice_builder.ex`',
    ]);
  });

  test('has the goal, the last request and the last answer in full, and fits a fresh session uncut', () => {
    expect(section(markdown, 'Original goal')).toEqual([
      '> Work on bead spotter-dov. Run bd show spotter-dov to see the issue details and bd ready to find available subtasks. Start with the first ready task.',
    ]);
    expect(section(markdown, 'Last request')).toEqual(['> continue']);
    expect(section(markdown, 'Last assistant message')).toEqual([
      '> Background task completed successfully — all 15 SessionLive tests pass. This was from a previous run before the commit. Everything is clean and pushed.',
    ]);
    expect(section(markdown, 'Where it stopped')).toEqual([]);
    expect(cut).toEqual([]);
    expect(tokens).toBe(estimateTextTokens(markdown));
    expect(tokens).toBeLessThan(8000);
  });

  test('says nothing the facts do not hold', () => {
    for (const phrase of ['nothing recorded as open', 'unresolved items', 'check the files above', 'Next step']) expect(markdown).not.toContain(phrase);
    expect(section(markdown, 'Latest todo list')).toEqual([]);
  });

  test('a little over budget: only the oldest commands go', () => {
    const tight = handoffOf('long', tokens - 100);
    expect(tight.cut).toEqual(['26 older commands left out']);
    expect(tight.tokens).toBeLessThanOrEqual(tokens - 100);
    const commands = section(tight.markdown, 'Commands run').slice(1);
    expect(commands).toEqual(section(markdown, 'Commands run').slice(1 + 26));
    expect(commands[0]).toBe('- `mix credo --strict 2>&1 | tail -10` ×2: last ok');
  });

  test('far over budget: the compaction summary keeps its end, and the hand-off says what was cut', () => {
    const small = handoffOf('long', 2500);
    expect(small.tokens).toBeLessThanOrEqual(2500);
    expect(small.cut).toContain('56 older commands left out');
    expect(small.markdown).toContain('> 9. Optional Next Step:');
    expect(small.markdown).not.toContain('> 1. Primary Request and Intent:');
    expect(small.markdown).toMatch(
      /\n_Shortened to fit a fresh session: [^\n]*the compaction summary's first [\d,]+ characters left out; [^\n]*56 older commands left out[^\n]*\._\n$/,
    );
    expect(small.markdown).toContain('The whole session is in `');
    const dropped = Number(/the compaction summary's first ([\d,]+) characters left out/.exec(small.markdown)![1]!.replace(/,/g, ''));
    expect(small.markdown).toContain(`including what came after it.\n\n> …\n${quoted(compactionSummary().slice(dropped))}\n`);
  });
});

describe('the hand-off of the other real sessions', () => {
  test('2.1.330 with /compact: the requests before and after the compaction, the file made then edited once, under Created', () => {
    const { markdown } = handoffOf('compact');
    expect(section(markdown, 'Original goal')).toEqual(['> Add a health endpoint']);
    expect(section(markdown, 'Later requests')).toEqual(['- Which routes exist?']);
    expect(section(markdown, 'Last request')).toEqual(['> thanks, what next?']);
    expect(section(markdown, 'Files')).toEqual(['Created:', '- `src/health.js`']);
    expect(section(markdown, 'Commands run').slice(1)).toEqual(['- `ls src`: ok']);
    expect(section(markdown, 'Last assistant message')).toEqual(['> OK from fake']);
    expect(markdown).toContain('## Claude Code’s compaction summary');
  });

  test('1.0.98: failed writes are not files changed; the latest todo list with its status; a slash command with arguments is the goal', () => {
    const facts = factsOf(realDoc('old'));
    expect(facts.goal).toBe('/orchestrator create TODO app by Next.js');
    expect(facts.requests).toEqual(['Thanks! Please update CLAUDE.md for current changes']);
    // The session's own file (its subagents' are in subagents.test.ts).
    expect(facts.files.filter((f) => f.by === undefined)).toEqual([{ path: '/path/to/Demo/CLAUDE.md', action: 'created' }]);
    const md = renderHandoff(facts).markdown;
    expect(section(md, 'Latest todo list')).toEqual([
      '- [x] Set up Next.js project structure and dependencies',
      '- [x] Create core TODO data models and types',
      '- [x] Build TODO components (TodoItem, TodoList, AddTodo)',
      '- [x] Implement state management and CRUD operations',
      '- [x] Create main page layout and integrate components',
    ]);
  });

  test('a file whose every change failed is listed with why, not as changed (the answer says otherwise)', () => {
    const lean = handoffOf('lean').markdown;
    expect(section(lean, 'Files')).toEqual([
      'Not changed (every attempt failed):',
      '- `src/health.js`: File has not been read yet. Read it first before writing to it.',
    ]);
    expect(section(lean, 'Last assistant message')).toEqual(['> The health endpoint is in src/health.js and returns {"status":"ok"}.']);
    const init = handoffOf('oldLinear').markdown;
    expect(section(init, 'Original goal')).toEqual(['> /init']);
    expect(section(init, 'Files')).toEqual([
      'Not changed (every attempt failed):',
      "- `CLAUDE.md`: Claude requested permissions to write to /path/to/Demo/CLAUDE.md, but you haven't granted it yet.",
    ]);
  });

  test('where it stopped: calls the user rejected after the last answer (2.1.38)', () => {
    const { markdown } = handoffOf('localCommand');
    expect(section(markdown, 'Where it stopped')).toEqual([
      'The session ended on:',
      '- Bash `mix phx.server 2>&1 | head -80`: rejected by the user',
      '- Glob `/home/marco/projects/spotter`: rejected by the user',
    ]);
  });

  test('where it stopped: an interruption; an answer to an earlier request comes before the last request (2.1.38)', () => {
    const { markdown } = handoffOf('queue');
    const headings = markdown.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.slice(-3)).toEqual(['## Last assistant message', '## Last request', '## Where it stopped']);
    expect(section(markdown, 'Where it stopped')).toEqual(['The session ended on:', '- the user interrupted the request']);
    expect(section(markdown, 'Commands run').slice(1)).toEqual([
      '- `mix phx.server`: started in the background (task bae407b)',
      '- `tail -5 /tmp/claude-1000/-home-marco-projects-spotter/tasks/bae407b.output`: ok',
    ]);
  });

  test('a command that removes a file: the file is listed as deleted (the 2.1.38 session with its tail command made an rm)', () => {
    const entries = realLines('queue').map((e) =>
      JSON.parse(
        JSON.stringify(e).replace('"command":"tail -5 /tmp/claude-1000/-home-marco-projects-spotter/tasks/bae407b.output"', '"command":"rm mix.lock"'),
      ),
    );
    const facts = factsOf(docOf(entries));
    expect(facts.files).toEqual([{ path: '/home/marco/projects/spotter/mix.lock', action: 'deleted' }]);
    expect(section(renderHandoff(facts).markdown, 'Files')).toEqual(['Deleted:', '- `mix.lock`']);
  });

  test('a command with a backtick in it stays one piece of inline code', () => {
    const entries = realLines('queue').map((e) =>
      JSON.parse(
        JSON.stringify(e).replace('"command":"tail -5 /tmp/claude-1000/-home-marco-projects-spotter/tasks/bae407b.output"', '"command":"echo `date`"'),
      ),
    );
    expect(section(renderHandoff(factsOf(docOf(entries))).markdown, 'Commands run')).toContain('- `` echo `date` ``: ok');
  });

  test('a parallel call beside the walk is the session’s too: the 2.1.330 session with its second result lost', () => {
    // The response's lines chain one after the other, and the walk from the end goes through the first call's result.
    const lines = realLines('parallel');
    const lost = lines.findIndex((e) => typeof e.uuid === 'string' && e.uuid.startsWith('e132e620'));
    const facts = factsOf(docOf(lines.filter((_, i) => i !== lost)));
    expect(facts.commands.map((c) => [c.command, c.outcomes.map((o) => o.status)])).toEqual([
      ['echo alpha', ['ok']],
      ['echo beta', ['no-result']],
    ]);
    expect(section(renderHandoff(facts).markdown, 'Commands run').slice(1)).toEqual(['- `echo alpha`: ok', '- `echo beta`: no result recorded']);
  });

  test('a gap in the chain is said, and the facts on both sides of it are kept', () => {
    const entries = realLines('compact');
    const intact = factsOf(docOf(entries));
    const lost = entries.findIndex((e) => e.type === 'assistant' && JSON.stringify(e.message).includes('toolu_01LsSrc'));
    const facts = factsOf(docOf(entries.filter((_, i) => i !== lost)));
    expect(facts.gaps).toBe(1);
    expect([facts.goal, facts.requests, facts.files]).toEqual([intact.goal, intact.requests, intact.files]);
    expect(renderHandoff(facts).markdown).toContain('- The transcript has 1 gap (lost or unreadable lines); what follows was read across them.');
  });

  test('an empty transcript has nothing to say but the heading', () => {
    const facts = factsOf(docOf([]));
    expect(
      renderHandoff(facts)
        .markdown.split('\n')
        .filter((l) => l.startsWith('#')),
    ).toEqual(['# Hand-off from a previous Claude Code session']);
  });
});

describe('the parts of a fact', () => {
  test('a multi-line command is named by its first line and the first line of its here-document', () => {
    expect(commandLabel('git commit -m "$(cat <<\'EOF\'\nfix: the parser\n\nbody\nEOF\n)"')).toBe("git commit -m \"$(cat <<'EOF' fix: the parser …");
    expect(commandLabel('npm test')).toBe('npm test');
    expect(commandLabel('cd a\nnpm test')).toBe('cd a …');
  });

  test('an error is told by its exit code and its telling line, not a warning printed before it', () => {
    expect(errorDetail('Exit code 1\nnpm warn Unknown env config "x".\nError: Cannot find module \'y\'')).toBe("exit 1: Error: Cannot find module 'y'");
    expect(errorDetail('<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>')).toBe(
      'File has not been read yet. Read it first before writing to it.',
    );
    expect(errorDetail('Pre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.')).toBe(
      'Pre-commit validation failed: [FORMAT] Code is not formatted.',
    );
    expect(errorDetail('')).toBe('error');
  });

  test('only plain rm and git rm of literal paths count as deletions', () => {
    expect(removedPaths('rm -f a.txt ./b/c.txt && git rm d', '/p')).toEqual(['/p/a.txt', '/p/b/c.txt', '/p/d']);
    expect(removedPaths('rm /abs/x', '/p')).toEqual(['/abs/x']);
    expect(removedPaths('rm *.log', '/p')).toEqual([]);
    expect(removedPaths('cd sub && rm x', '/p')).toEqual([]);
    expect(removedPaths('echo rm x', '/p')).toEqual([]);
    expect(removedPaths('rm x', undefined)).toEqual([]);
  });
});
