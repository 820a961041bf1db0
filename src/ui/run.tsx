import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Box, Text, render } from 'ink';
import { useEffect, useState } from 'react';
import { describeSession, resumeCommand } from '../report/session.js';
import type { Provider } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { type Progress, type StartedLoad, loadFile } from '../transcript/load.js';
import { saveInPlace } from '../transcript/save.js';
import { type SessionFile, encodeProjectDir, listSessions } from '../transcript/sessions.js';
import { copyOrWrite } from '../summary/deliver.js';
import { renderSummary, summaryFacts } from '../summary/summary.js';
import { Editor, type EditorDeps } from './Editor.js';
import { Picker } from './Picker.js';

/** Everything the app reads or writes outside itself. */
export interface AppDeps {
  readonly sessions: () => SessionFile[];
  readonly cwd: string;
  readonly load: (path: string, onProgress: Progress) => Promise<Doc>;
  readonly describe: typeof describeSession;
  /** A writable copy of the bundled demo transcript. */
  readonly demoCopy: () => string;
  readonly editor: EditorDeps;
}

const PROGRESS_EVERY_MS = 100;

type Phase =
  | { kind: 'pick' }
  | { kind: 'loading'; path: string; read: number; total: number; demo: boolean }
  | { kind: 'edit'; doc: Doc; demo: boolean }
  | { kind: 'failed'; message: string };

export function App({ path, provider, deps }: { path?: string; provider: Provider; deps: AppDeps }) {
  const [sessions] = useState(() => (path ? [] : deps.sessions()));
  const [phase, setPhase] = useState<Phase>(() => {
    if (path) return { kind: 'loading', path, read: 0, total: 0, demo: false };
    if (!sessions.length) return { kind: 'loading', path: deps.demoCopy(), read: 0, total: 0, demo: true };
    return { kind: 'pick' };
  });
  const loadingPath = phase.kind === 'loading' ? phase.path : undefined;
  useEffect(() => {
    if (phase.kind !== 'loading') return;
    const { demo } = phase;
    // A redraw per 1 MiB read would add about 0.4 s to a 200 MB load: show progress a few times a second.
    let shown = 0;
    const progress = (read: number, total: number) => {
      const now = performance.now();
      if (now - shown < PROGRESS_EVERY_MS) return;
      shown = now;
      setPhase((p) => (p.kind === 'loading' ? { ...p, read, total } : p));
    };
    deps.load(phase.path, progress).then(
      (doc) => setPhase({ kind: 'edit', doc, demo }),
      (e: unknown) => setPhase({ kind: 'failed', message: (e as Error).message }),
    );
  }, [loadingPath]);

  switch (phase.kind) {
    case 'pick':
      return (
        <Picker
          sessions={sessions}
          currentProject={encodeProjectDir(deps.cwd)}
          describe={deps.describe}
          onPick={(s) => setPhase({ kind: 'loading', path: s.path, read: 0, total: s.size, demo: false })}
        />
      );
    case 'loading': {
      const pct = phase.total ? Math.floor((phase.read / phase.total) * 100) : 0;
      return (
        <Box flexDirection="column">
          <Text>Loading {phase.path}</Text>
          <Text>
            {(phase.read / 1024 / 1024).toFixed(1)} / {(phase.total / 1024 / 1024).toFixed(1)} MB read ({pct}%)
          </Text>
        </Box>
      );
    }
    case 'failed':
      return <Text color="red">ccmend: {phase.message}</Text>;
    case 'edit':
      return (
        <Editor
          doc={phase.doc}
          provider={provider}
          deps={deps.editor}
          demo={phase.demo}
          status={phase.demo ? 'demo: press n to go to the first problem, F to fix everything' : 'n: next problem · ?: help'}
        />
      );
  }
}

/**
 * The bundled demo transcript, under the package root: the first folder up from this code with a
 * package.json (this code runs as dist/ui/run.js, as a chunk of the bundle in dist/chunks/, or as src/ui/run.tsx).
 */
function demoPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'fixtures', 'demo', 'demo.jsonl');
}

/**
 * Saving in place (then reloading the saved file) and exporting the summary.
 * The clipboard and the fallback folder can be replaced (tests, no display).
 */
export function fileEditorDeps(
  opts: { clipboard?: (text: string) => Promise<void>; summaryDir?: string; onSaved?: (message: string) => void } = {},
): EditorDeps {
  return {
    async save(doc) {
      const r = saveInPlace(doc);
      const fresh = await loadFile(doc.path!);
      doc.source.close();
      const kept = r.appendedLines ? ` · kept ${r.appendedLines} line(s) Claude Code appended meanwhile` : '';
      opts.onSaved?.(`saved ${r.path} (backup: ${r.backup})${kept}\nresume with: ${resumeCommand(fresh)}`);
      return { doc: fresh, status: `saved; backup ${r.backup!.replace(/^.*\//, '')}${kept} · resume: ${resumeCommand(fresh)}` };
    },
    async exportSummary(doc, analysis) {
      const md = renderSummary(summaryFacts(doc, analysis));
      const name = doc.path?.replace(/^.*\//, '').replace(/\.jsonl$/, '') ?? 'session';
      const d = await copyOrWrite(md, name, opts.summaryDir, opts.clipboard);
      return d.kind === 'clipboard' ? 'hand-off summary copied to the clipboard' : `no clipboard here: wrote the hand-off to ${d.path}`;
    },
  };
}

/**
 * The real I/O behind the app; `onSaved` hears of each save (to repeat it after the screen closes).
 * A load already `started` is taken over the first time its file is asked for.
 */
export function realDeps(onSaved?: (message: string) => void, started?: StartedLoad): AppDeps {
  let early = started;
  return {
    sessions: () => {
      const here = listSessions({ cwd: process.cwd() });
      const seen = new Set(here.map((s) => s.path));
      return [...here, ...listSessions().filter((s) => !seen.has(s.path))];
    },
    cwd: process.cwd(),
    load(path, onProgress) {
      if (early?.path !== path) return loadFile(path, onProgress);
      const { doc } = early;
      early.listen(onProgress);
      early = undefined;
      return doc;
    },
    describe: describeSession,
    demoCopy: () => {
      const copy = join(mkdtempSync(join(tmpdir(), 'ccmend-demo-')), 'demo.jsonl');
      copyFileSync(demoPath(), copy);
      return copy;
    },
    editor: fileEditorDeps({ onSaved }),
  };
}

/** `ccmend [file | session-id]`: the full-screen editor, on a transcript already loading or, without one, the picker. */
export async function runEditor(started: StartedLoad | undefined, opts: { provider: Provider }): Promise<number> {
  // The status line is cut to the terminal's width: after the screen closes, say in full what was saved and how to resume.
  let saved: string | undefined;
  // Ink holds a frame back until 1/maxFps after the last one (30 by default: up to 33 ms added to a key's
  // answer). Frames come only from keys and throttled progress here, so a higher cap costs nothing.
  const app = render(<App path={started?.path} provider={opts.provider} deps={realDeps((m) => (saved = m), started)} />, { exitOnCtrlC: true, maxFps: 120 });
  await app.waitUntilExit();
  if (saved) process.stdout.write(`${saved}\n`);
  return 0;
}
