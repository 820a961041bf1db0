import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { describeSession } from '../../src/report/session.js';
import { loadFile, startLoading } from '../../src/transcript/load.js';
import { type SessionFile, listSessions } from '../../src/transcript/sessions.js';
import { Picker } from '../../src/ui/Picker.js';
import { resolveTarget } from '../../src/report/target.js';
import { App, type AppDeps, type Outcome, realDeps } from '../../src/ui/run.js';
import { fileEditorDeps } from '../../src/ui/run.js';
import { CLAUDE_HOME } from '../helpers/fixtures.js';
import { DEMO, KEY, counts, mount, tempCopy } from './harness.js';

const env = { CLAUDE_CONFIG_DIR: CLAUDE_HOME };
const unmounts: (() => void)[] = [];
afterEach(() => unmounts.splice(0).forEach((u) => u()));

function deps(over: Partial<AppDeps> = {}): AppDeps {
  return {
    sessions: () => {
      const here = listSessions({ cwd: '/home/demo/acme-shop', env });
      const seen = new Set(here.map((s) => s.path));
      return [...here, ...listSessions({ env }).filter((s) => !seen.has(s.path))];
    },
    cwd: '/home/demo/acme-shop',
    load: loadFile,
    describe: describeSession,
    demoCopy: () => tempCopy(DEMO, 'demo.jsonl'),
    target: (doc) => resolveTarget(undefined, doc, () => undefined),
    editor: fileEditorDeps({ clipboard: async () => {} }),
    ...over,
  };
}

describe('opening', () => {
  test('no argument: a picker of sessions, this project first; counts fill in; Enter opens one', async () => {
    const ui = await mount(<App provider="anthropic" deps={deps()} />);
    unmounts.push(ui.app.unmount);
    expect(ui.frame()).toContain('pick a Claude Code session to open');
    const all = deps().sessions();
    expect(all.slice(0, 4).every((s) => s.project === '-home-demo-acme-shop')).toBe(true);
    // The spotter session (real redacted signatures) is in another project and shows its project name and its errors.
    const f = await ui.until((fr) => !/B +… /.test(fr), 'all counts');
    // The cursor stays on the top row while the list re-sorts by the sessions' own times.
    expect(f).toMatch(/❯ 2026-11-22 18:04 +9 KB/);
    // Each session: its own last timestamp, size, errors and warnings, the folder it ran in, its first prompt.
    expect(f).toMatch(/2026-02-12 21:03 +3\.0 MB +6 err 8 warn +…\/spotter-worktrees\/spotter-dov +Work/);
    expect(f).toMatch(/2025-09-03 00:47 +26 KB +0 err 0 warn +…\/to\/Demo +\/init/);
    expect(f).toMatch(/2026-11-22 18:00 +258 KB +0 err 0 warn +run two commands/);
    await ui.press(KEY.enter);
    const opened = await ui.until((fr) => / errors? · /.test(fr), 'the editor');
    expect(opened).toContain('d0ea885a-0f80-4843-82bb-f06c71bdbf28.jsonl'); // the top row: used last
  });

  test('no sessions at all: the bundled demo opens and says so', async () => {
    const ui = await mount(<App provider="anthropic" deps={deps({ sessions: () => [] })} />);
    unmounts.push(ui.app.unmount);
    const f = await ui.until((fr) => / errors? · /.test(fr), 'the demo');
    expect(f).toContain('DEMO: no Claude Code sessions found here; this is a bundled sample with real faults (a copy).');
    expect(counts(f)).toBe('1 error · 3 warnings');
    expect(f).toContain('demo: press n to go to the first problem, F to fix everything');
    expect(existsSync(DEMO)).toBe(true);
  });

  /** The demo opened through a load that reports `reads` (MiB of a 2 MiB file) at once, then waits for `release`. */
  async function gatedLoad(reads: readonly number[]) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load: AppDeps['load'] = async (path, onProgress) => {
      for (const mib of reads) onProgress(mib * 1024 * 1024, 2 * 1024 * 1024);
      await gate;
      return loadFile(path);
    };
    const path = tempCopy(DEMO);
    const ui = await mount(<App path={path} provider="anthropic" deps={deps({ load })} />);
    unmounts.push(ui.app.unmount);
    return { ui, path, release };
  }

  test('a file opens directly, showing load progress (bytes read / total) first, a few times a second', async () => {
    // The second report, right after the first, is not drawn (a redraw per MiB read slowed a 200 MB load by 0.4 s).
    const { ui, path, release } = await gatedLoad([1, 1.5]);
    const loading = await ui.until((fr) => fr.includes('1.0 / 2.0 MB read (50%)'), 'progress');
    expect(loading).toContain(`Loading ${path}`);
    expect(loading).not.toMatch(/ errors? · /);
    await new Promise((r) => setTimeout(r, 50));
    expect(ui.app.lastFrame()).toContain('1.0 / 2.0 MB read (50%)');
    release();
    const f = await ui.until((fr) => / errors? · /.test(fr), 'the editor');
    expect(counts(f)).toBe('1 error · 3 warnings');
  });

  test('once the whole file is read, the loading screen says so at once and that it is being checked', async () => {
    // The last report comes within the same tenth of a second as the first: it is drawn all the same.
    const { ui, release } = await gatedLoad([1, 2]);
    const read = await ui.until((fr) => fr.includes('2.0 / 2.0 MB read (100%)'), 'the whole file read');
    expect(read).toContain('checking…');
    expect(read).not.toMatch(/ errors? · /);
    release();
    const f = await ui.until((fr) => / errors? · /.test(fr), 'the editor');
    expect(f).not.toContain('checking…');
  });
});

describe('a transcript named on the command line starts loading before the editor is up', () => {
  test('the app takes the started load over: its document and its progress, once', async () => {
    const path = tempCopy(DEMO);
    const started = startLoading(path);
    const real = realDeps(undefined, started);
    const seen: [number, number][] = [];
    const doc = await real.load(path, (read, total) => seen.push([read, total]));
    expect(doc).toBe(await started.doc);
    const size = statSync(path).size;
    expect(seen.at(-1)).toEqual([size, size]);
    // Opening it again (after a save, or from the picker) reads the file afresh.
    const again = await real.load(path, () => {});
    expect(again).not.toBe(doc);
    expect(again.lines).toStrictEqual(doc.lines);
    doc.source.close();
    again.source.close();
  });

  test('a load that fails shows its error in the app', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ccmend-dir-')), 'a-directory.jsonl');
    mkdirSync(path);
    const ui = await mount(<App path={path} provider="anthropic" deps={deps({ load: realDeps(undefined, startLoading(path)).load })} />);
    unmounts.push(() => ui.app.unmount());
    expect(await ui.untilShown((f) => f.includes('ccmend:'), 'the error')).toContain(`ccmend: ${path}: is a directory, not a transcript`);
  });
});

describe('the picker', () => {
  function picker(over: { onPick?: (s: SessionFile) => void; onQuit?: () => void } = {}) {
    return mount(
      <Picker
        sessions={deps().sessions()}
        currentProject="-home-demo-acme-shop"
        describe={describeSession}
        onPick={over.onPick ?? (() => {})}
        onQuit={over.onQuit ?? (() => {})}
      />,
    );
  }
  const selected = (f: string) => f.split('\n').find((l) => l.startsWith('❯'));

  test('eight j in one read move eight rows; G and g go to the ends', async () => {
    const ui = await picker();
    await ui.until((fr) => !/B +… /.test(fr), 'all counts');
    let f = await ui.press('jjjjjjjj');
    expect(selected(f)).toMatch(/^❯ 2026-02-12 21:03 +3\.0 MB .*\/spotter-dov +Work on bead/);
    f = await ui.press('G');
    expect(selected(f)).toMatch(/^❯ 2025-07-01 10:41 +4 KB .*\/tmp +Start/);
    f = await ui.press('g');
    expect(selected(f)).toMatch(/^❯ 2026-11-22 18:04 +9 KB/);
  });

  test('/ filters by folder or prompt as it is typed; Enter keeps the filter and opens from it', async () => {
    const picked: SessionFile[] = [];
    const ui = await picker({ onPick: (s) => picked.push(s) });
    await ui.until((fr) => !/B +… /.test(fr), 'all counts');
    let f = await ui.press('/spotter');
    expect(f).toContain('filter: spotter█  (Enter keeps it, Esc clears it) · 3 of 14 sessions');
    expect(
      f
        .split('\n')
        .filter((l) => / {2}20\d\d-/.test(l))
        .every((l) => l.includes('spotter')),
    ).toBe(true);
    f = await ui.press(KEY.enter, 'j', KEY.enter);
    expect(picked.map((s) => s.id)).toEqual(['d6e0bada-1959-4eec-a9d2-0bfade768d8f']); // the second spotter session
  });

  test('q and Esc leave it', async () => {
    let quits = 0;
    const ui = await picker({ onQuit: () => quits++ });
    await ui.press('q');
    expect(quits).toBe(1);
    const again = await picker({ onQuit: () => quits++ });
    await again.press(KEY.escape);
    expect(quits).toBe(2);
  });
});

describe('keys pressed while the file loads', () => {
  function gatedLoad() {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load: AppDeps['load'] = async (path) => {
      await gate;
      return loadFile(path);
    };
    return { load, release };
  }

  test('take effect once it is loaded, in the order pressed', async () => {
    const { load, release } = gatedLoad();
    const ui = await mount(<App path={tempCopy(DEMO)} provider="anthropic" deps={deps({ load })} size={{ columns: 100, rows: 30 }} />);
    unmounts.push(ui.app.unmount);
    await ui.press('jjj', 'n');
    expect(ui.frame()).toContain('Loading');
    release();
    const f = await ui.until((fr) => / errors? · /.test(fr), 'the editor');
    expect(f).toContain('problem 1/4: tool-result-missing');
  });

  test('q quits at once, without waiting for the load', async () => {
    const { load, release } = gatedLoad();
    const outcomes: Outcome[] = [];
    const ui = await mount(<App path={tempCopy(DEMO)} provider="anthropic" deps={deps({ load })} onOutcome={(o) => outcomes.push(o)} />);
    unmounts.push(ui.app.unmount);
    await ui.press('j', 'q');
    expect(outcomes).toEqual([{ kind: 'quitWhileLoading' }]);
    release();
  });
});
