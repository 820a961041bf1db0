import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Box, Text, render, useApp } from 'ink';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EXIT, ioMessage } from '../report/errors.js';
import { describeSession, notATranscript, resumeCommand } from '../report/session.js';
import { type Target, resolveTarget } from '../report/target.js';

import { packageRoot } from '../packageRoot.js';
import type { Provider } from '../rules/types.js';
import { copyOrWrite } from '../summary/deliver.js';
import { handoffFacts } from '../summary/handoffFacts.js';
import { renderSummary } from '../summary/summary.js';
import type { Doc } from '../transcript/document.js';
import { type Progress, type StartedLoad, loadFile } from '../transcript/load.js';
import { saveInPlaceKept, saveToKept } from '../transcript/save.js';
import { type SessionFile, encodeProjectDir, listSessions } from '../transcript/sessions.js';
import { FileSource } from '../transcript/source.js';
import { subagentsOf } from '../transcript/subagents.js';
import { Editor, type EditorDeps } from './Editor.js';
import { commandFor, keyBar, keysOf } from './keyTable.js';
import { KeyRouterProvider, useKeys } from './input.js';
import type { KeyPress } from './keys.js';
import { Picker } from './Picker.js';
import type { EditorState } from './state.js';
import { SubagentCounts } from './subagents.js';
import { type Size, type Terminal, TerminalContext, useTerminal, useTerminalSize } from './terminal.js';
import { type Theme, ThemeContext, themeFor } from './theme.js';

/** Everything the app reads or writes outside itself. */
export interface AppDeps {
  readonly sessions: () => SessionFile[];
  readonly cwd: string;
  readonly load: (path: string, onProgress: Progress) => Promise<Doc>;
  readonly describe: typeof describeSession;
  /** A writable copy of the bundled demo transcript. */
  readonly demoCopy: () => string;
  /** Which Claude Code versions a loaded document is checked for. */
  readonly target: (doc: Doc) => Target;
  readonly editor: EditorDeps;
}

/** How the app ended, for the command to report once the screen is given back. */
export type Outcome = { readonly kind: 'done' } | { readonly kind: 'failed'; readonly message: string } | { readonly kind: 'quitWhileLoading' };

const PROGRESS_EVERY_MS = 100;

/** A session left for one of its subagent transcripts: what going back returns to. */
interface Left {
  readonly doc: Doc;
  readonly demo: boolean;
  /** The session's editor as it was left (its unsaved edits, cursor, target). */
  readonly state: EditorState;
  readonly subagents: SubagentCounts;
  /** The call that ran the subagent. */
  readonly call: string;
}

/**
 * What the app shows. A subagent transcript opened from its session loads and is edited as any
 * file is, with `from` the session to go back to; the session then goes on from the state it was left in.
 */
type Phase =
  | { kind: 'pick' }
  | { kind: 'loading'; path: string; read: number; total: number; demo: boolean; from?: Left }
  | { kind: 'edit'; doc: Doc; demo: boolean; keys: readonly KeyPress[]; subagents?: SubagentCounts; from?: Left; resume?: EditorState }
  | { kind: 'failed'; message: string };

/** While the file loads: progress, and the keys pressed meanwhile kept for the editor (q and Ctrl+C quit at once). */
function Loading({ phase, size, keys, onQuit }: { phase: Extract<Phase, { kind: 'loading' }>; size?: Size; keys: KeyPress[]; onQuit: () => void }) {
  const { rows, columns } = useTerminalSize(size);
  const terminal = useTerminal();
  useKeys(
    useCallback(
      (press: KeyPress) => {
        const c = commandFor('loading', press);
        if (c === 'quit' || c === 'interrupt') onQuit();
        else if (c === 'suspend') terminal.suspend();
        else keys.push(press);
      },
      [keys, onQuit, terminal],
    ),
  );
  const pct = phase.total ? Math.floor((phase.read / phase.total) * 100) : 0;
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Text wrap="truncate-start">Loading {phase.path}</Text>
      <Text>
        {(phase.read / 1024 / 1024).toFixed(1)} / {(phase.total / 1024 / 1024).toFixed(1)} MB read ({pct}%)
      </Text>
      {/* A big file is then still being checked: seconds on a gigabyte, with nothing else moving. */}
      {phase.total > 0 && phase.read >= phase.total ? <Text>checking…</Text> : null}
      <Box flexGrow={1} />
      <Text wrap="truncate">{keyBar('loading', columns)}</Text>
      <Text wrap="truncate">keys pressed now take effect once it is loaded</Text>
    </Box>
  );
}

interface AppProps {
  readonly path?: string;
  readonly provider: Provider;
  readonly deps: AppDeps;
  readonly size?: Size;
  readonly onOutcome?: (o: Outcome) => void;
}

/** The picker, loading and the editor, with one reader of keys for all of them (see KeyRouterProvider). */
export function App(props: AppProps) {
  return (
    <KeyRouterProvider>
      <Screens {...props} />
    </KeyRouterProvider>
  );
}

function Screens({ path, provider, deps, size, onOutcome }: AppProps) {
  const { exit } = useApp();
  const [sessions] = useState(() => (path ? [] : deps.sessions()));
  const [phase, setPhase] = useState<Phase>(() => {
    if (path) return { kind: 'loading', path, read: 0, total: 0, demo: false };
    if (!sessions.length) return { kind: 'loading', path: deps.demoCopy(), read: 0, total: 0, demo: true };
    return { kind: 'pick' };
  });
  const early = useRef<KeyPress[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the app's exit and its listener do not change
  const quitWhileLoading = useCallback(() => {
    onOutcome?.({ kind: 'quitWhileLoading' });
    exit();
  }, []);
  /** Back to the session `from`, as it was left, saying `status`. */
  const back = useCallback(
    (from: Left, status: string) =>
      setPhase({ kind: 'edit', doc: from.doc, demo: from.demo, keys: [], subagents: from.subagents, resume: { ...from.state, effect: undefined, status } }),
    [],
  );
  const loadingPath = phase.kind === 'loading' ? phase.path : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a load starts once per path
  useEffect(() => {
    if (phase.kind !== 'loading') return;
    const { demo, from } = phase;
    // A redraw per 1 MiB read would add about 0.4 s to a 200 MB load: show progress a few times a second.
    let shown = 0;
    const progress = (read: number, total: number) => {
      const now = performance.now();
      if (now - shown < PROGRESS_EVERY_MS && read < total) return;
      shown = now;
      setPhase((p) => (p.kind === 'loading' ? { ...p, read, total } : p));
    };
    // A subagent's transcript that cannot be opened leaves its session as it was, saying why.
    const failed = (message: string) => (from ? back(from, `cannot open the subagent's transcript: ${message}`) : setPhase({ kind: 'failed', message }));
    deps.load(phase.path, progress).then(
      (doc) => {
        const refused = notATranscript(doc);
        if (refused) {
          doc.source.close();
          failed(refused);
        } else if (from) setPhase({ kind: 'edit', doc, demo, keys: [...from.state.queued, ...early.current.splice(0)], from });
        else {
          const subagents = doc.path && !demo ? new SubagentCounts(subagentsOf(doc.path), (p) => deps.load(p, () => {}), provider) : undefined;
          setPhase({ kind: 'edit', doc, demo, keys: early.current.splice(0), subagents });
        }
      },
      (e: unknown) => failed(ioMessage(e, phase.path)),
    );
  }, [loadingPath]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a failure ends the app once
  useEffect(() => {
    if (phase.kind !== 'failed') return;
    onOutcome?.({ kind: 'failed', message: phase.message });
    exit();
  }, [phase.kind]);

  switch (phase.kind) {
    case 'pick':
      return (
        <Picker
          sessions={sessions}
          currentProject={encodeProjectDir(deps.cwd)}
          describe={deps.describe}
          size={size}
          onPick={(s) => setPhase({ kind: 'loading', path: s.path, read: 0, total: s.size, demo: false })}
          onQuit={exit}
        />
      );
    case 'loading': {
      const { from } = phase;
      const onQuit = from ? () => back(from, `${basename(phase.path)} not opened`) : quitWhileLoading;
      return <Loading phase={phase} size={size} keys={early.current} onQuit={onQuit} />;
    }
    case 'failed':
      return <Text>ccmend: {phase.message}</Text>;
    case 'edit': {
      const { doc, demo, from, subagents } = phase;
      if (from) return <SubagentEditor phase={{ ...phase, from }} provider={provider} deps={deps.editor} size={size} back={back} />;
      const open = (call: string, state: EditorState) => {
        const file = subagents!.byCall.get(call)!;
        setPhase({ kind: 'loading', path: file.path, read: 0, total: 0, demo: false, from: { doc, demo, state, subagents: subagents!, call } });
      };
      return (
        <Editor
          doc={doc}
          provider={provider}
          target={deps.target(doc)}
          deps={subagents ? { ...deps.editor, open } : deps.editor}
          demo={demo}
          keys={phase.keys}
          size={size}
          subagents={subagents}
          resume={phase.resume}
          status={
            demo
              ? `demo: press ${keysOf('nextProblem')} to go to the first problem, ${keysOf('fixAll')} to fix everything`
              : `${keysOf('nextProblem')}: next problem · ${keysOf('help')}: help${subagents?.byCall.size ? ` · ${keysOf('openSubagent')}: open a subagent's transcript (its ↳ row, under its call)` : ''}`
          }
        />
      );
    }
  }
}

/**
 * A subagent's transcript opened from its session, checked for the target the session was, as a
 * conversation of its own. Quitting (once its changes are saved, or after asking) goes back.
 */
function SubagentEditor({
  phase,
  provider,
  deps,
  size,
  back,
}: {
  phase: Extract<Phase, { kind: 'edit' }> & { from: Left };
  provider: Provider;
  deps: EditorDeps;
  size?: Size;
  back: (from: Left, status: string) => void;
}) {
  const { doc, from } = phase;
  const name = basename(doc.path!);
  const leave = (state: EditorState) => {
    state.saved.source.close();
    from.subagents.forget(doc.path!);
    back(from, `back from the subagent ${name}`);
  };
  return (
    <Editor
      doc={doc}
      provider={provider}
      target={from.state.checks.target}
      deps={{ ...deps, leave }}
      keys={phase.keys}
      size={size}
      subagentOf={{ session: from.doc.path!, call: from.call, description: from.subagents.byCall.get(from.call)?.description }}
      status={`subagent ${name}, run by ${from.call}: ${keysOf('quit')} goes back to the session · ${keysOf('nextProblem')}: next problem`}
    />
  );
}

/** The bundled demo transcript, under the package root. */
const demoPath = () => join(packageRoot(), 'fixtures', 'demo', 'demo.jsonl');

/**
 * The bytes the document was loaded from are still what its descriptor reads: the file
 * was replaced, deleted or appended to, not rewritten in place (after which the lines
 * ccmend did not change could no longer be copied anywhere).
 */
function loadedBytesIntact(doc: Doc): boolean {
  const stamp = doc.stamp;
  if (!stamp || !(doc.source instanceof FileSource)) return true;
  const now = doc.source.stat();
  if (now.size === stamp.size && now.mtimeMs === stamp.mtimeMs) return true;
  return now.size > stamp.size && doc.source.read(stamp.size - stamp.tail.length, stamp.tail.length).equals(stamp.tail);
}

/**
 * The document the editor goes on with after `doc` was saved to `path`: the one the save kept
 * (its lines read from the file written), else the file loaded afresh. The loaded file is let go.
 */
async function goOn(doc: Doc, kept: Doc | undefined, path: string): Promise<Doc> {
  const saved = kept ?? (await loadFile(path));
  doc.source.close();
  return saved;
}

/**
 * Saving in place (going on with the document as saved), saving elsewhere, reloading and
 * exporting the summary. The clipboard and the fallback folder can be replaced (tests, no display).
 */
export function fileEditorDeps(
  opts: { clipboard?: (text: string) => Promise<void>; summaryDir?: string; onSaved?: (message: string) => void } = {},
): EditorDeps {
  return {
    async save(doc) {
      const { result: r, doc: kept } = saveInPlaceKept(doc);
      const saved = await goOn(doc, kept, r.path);
      const note = r.appendedLines ? ` · kept ${r.appendedLines} line(s) Claude Code appended meanwhile` : '';
      opts.onSaved?.(`saved ${r.path} (backup: ${r.backup})${note}\nresume with: ${resumeCommand(saved)}`);
      return { doc: saved, continues: kept !== undefined, status: `saved; backup ${r.backup!.replace(/^.*\//, '')}${note} · resume: ${resumeCommand(saved)}` };
    },
    async saveAs(doc, path) {
      if (!loadedBytesIntact(doc))
        throw new Error(
          `${doc.path} was rewritten in place, so the lines you did not change can no longer be read from it; ${keysOf('reload', 'conflict')} reloads it`,
        );
      const { result: r, doc: kept } = saveToKept(doc, path);
      const saved = await goOn(doc, kept, r.path);
      opts.onSaved?.(`saved your version to ${r.path}; ${doc.path} was left as another program wrote it`);
      return { doc: saved, continues: kept !== undefined, status: `saved to ${r.path}; ${basename(doc.path!)} was left as it is on disk` };
    },
    async reload(doc) {
      const fresh = await loadFile(doc.path!);
      doc.source.close();
      return fresh;
    },
    async exportSummary(doc, analysis) {
      const md = renderSummary(await handoffFacts(doc, analysis));
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
export function realDeps(onSaved?: (message: string) => void, started?: StartedLoad, client?: string): AppDeps {
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
    target: (doc) => resolveTarget(client, doc),
    editor: fileEditorDeps({ onSaved }),
  };
}

/** The alternate screen: the editor draws on a screen of its own, and the shell's comes back as it was. */
const ENTER_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_SCREEN = '\x1b[?1049l';
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';

/** What erases a terminal's scrollback: CSI 3 J. */
const ERASE_SCROLLBACK = '\x1b[3J';

/**
 * The terminal as Ink draws on it, without the scrollback erase Ink sends with
 * each redraw of a frame as tall as the screen: the alternate screen has no
 * scrollback of its own, so terminals apply it to the shell's (xterm drops the
 * shell's history; tmux leaves lines of the last frame in it after quitting).
 */
function screenStdout(out: NodeJS.WriteStream): NodeJS.WriteStream {
  return new Proxy(out, {
    get(target, key) {
      if (key === 'write')
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? chunk.replaceAll(ERASE_SCROLLBACK, '') : chunk, ...rest);
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Theme and terminal for everything below; `redraw` repaints the whole screen (after coming back from a suspend). */
function Screen({ theme, terminal, children }: { theme: Theme; terminal: (redraw: () => void) => Terminal; children: ReactNode }) {
  const [, setFrame] = useState(0);
  const value = useMemo(() => terminal(() => setFrame((n) => n + 1)), [terminal]);
  return (
    <ThemeContext.Provider value={theme}>
      <TerminalContext.Provider value={value}>{children}</TerminalContext.Provider>
    </ThemeContext.Provider>
  );
}

/** Ctrl+Z: gives the screen back, stops the whole job as a shell's suspend does, and on `fg` takes the screen again. */
function processTerminal(redraw: () => void): Terminal {
  return {
    suspend() {
      process.stdin.setRawMode?.(false);
      process.once('SIGCONT', () => {
        process.stdin.setRawMode?.(true);
        process.stdout.write(ENTER_SCREEN + HIDE_CURSOR);
        redraw();
      });
      // Stopped only once the screen is given back: a frame still queued for the terminal would come out after the shell's prompt.
      // The whole process group stops: when ccmend runs under npx, npm waits for it and must stop too.
      process.stdout.write(LEAVE_SCREEN + SHOW_CURSOR, () => process.kill(0, 'SIGTSTP'));
    },
  };
}

/** `ccmend [file | session-id]`: the full-screen editor, on a transcript already loading or, without one, the picker. */
export async function runEditor(started: StartedLoad | undefined, opts: { provider: Provider; client?: string }): Promise<number> {
  // The screen is given back when the editor ends: say then in full what was saved and how to resume.
  const saved: string[] = [];
  let outcome = { kind: 'done' } as Outcome;
  let onScreen = true;
  const leave = () => {
    if (onScreen) process.stdout.write(LEAVE_SCREEN + SHOW_CURSOR);
    onScreen = false;
  };
  process.stdout.write(ENTER_SCREEN);
  process.once('exit', leave);
  // A resize starts the screen afresh before Ink redraws: Ink's first frame after it is laid out for the old
  // height from where the cursor was, and the lines it pushes off the top end up in the shell's screen (tmux).
  const clearOnResize = () => process.stdout.write(CLEAR_SCREEN);
  process.stdout.prependListener('resize', clearOnResize);
  // Ink holds a frame back until 1/maxFps after the last one (30 by default: up to 33 ms added to a key's
  // answer). Frames come only from keys and throttled progress here, so a higher cap costs nothing.
  // Ctrl+C is the editor's own key: it asks before unsaved changes are lost.
  const app = render(
    <Screen theme={themeFor(process.env)} terminal={processTerminal}>
      <App path={started?.path} provider={opts.provider} deps={realDeps((m) => saved.push(m), started, opts.client)} onOutcome={(o) => (outcome = o)} />
    </Screen>,
    { exitOnCtrlC: false, maxFps: 120, stdout: screenStdout(process.stdout) },
  );
  await app.waitUntilExit();
  process.stdout.off('resize', clearOnResize);
  leave();
  for (const m of saved) process.stdout.write(`${m}\n`);
  if (outcome.kind === 'failed') {
    process.stderr.write(`ccmend: ${outcome.message}\n`);
    return EXIT.usage;
  }
  // The load goes on in its threads: do not wait for it.
  if (outcome.kind === 'quitWhileLoading') process.exit(EXIT.ok);
  return EXIT.ok;
}
