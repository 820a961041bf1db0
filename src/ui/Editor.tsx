import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useReducer } from 'react';
import type { Provider } from '../rules/types.js';
import type { Analysis } from '../rules/analyze.js';
import type { Doc } from '../transcript/document.js';
import { changesBetween } from './changes.js';
import { detailLines } from './detail.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { commandFor } from './keymap.js';
import { DetailPanel, HelpPanel, SavePanel } from './Panels.js';
import { type EditorState, initialState, prepareFix, reduce, selectedRow } from './state.js';
import { Tree } from './Tree.js';

/** The I/O the editor needs, injected so tests can see what was written and copied. */
export interface EditorDeps {
  /** Saves over the file; resolves to the reloaded document and a status line. */
  save(doc: Doc): Promise<{ doc: Doc; status: string }>;
  /** Exports the hand-off summary; resolves to a status line. */
  exportSummary(doc: Doc, analysis: Analysis): Promise<string>;
}

export interface EditorProps {
  readonly doc: Doc;
  readonly provider: Provider;
  readonly deps: EditorDeps;
  readonly demo?: boolean;
  readonly status?: string;
  /** Terminal size; defaults to the real terminal's. */
  readonly size?: { readonly columns: number; readonly rows: number };
}

const DETAIL_HEIGHT = 10;
const FOOTER = 2;
/** After a pause this long (keys held down repeat faster) the fix f, or n then f, would apply is worked out. */
export const PREPARE_AFTER_MS = 60;

function layout(rows: number, demo: boolean, raw: boolean) {
  const header = 1 + (demo ? 1 : 0) + (raw ? 1 : 0);
  return Math.max(3, rows - header - DETAIL_HEIGHT - FOOTER);
}

export function Editor({ doc, provider, deps, demo = false, status = '', size }: EditorProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const rows = size?.rows ?? (stdout.rows || 24);
  const width = size?.columns ?? (stdout.columns || 80);
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState(doc, provider, layout(rows, demo, false), status));

  const treeHeight = layout(rows, demo, state.raw);
  useEffect(() => {
    if (treeHeight !== state.height) dispatch({ type: 'resize', height: treeHeight });
  }, [treeHeight, state.height]);

  useEffect(() => {
    if (!state.effect) return;
    const present = state.history.present;
    if (state.effect === 'quit') exit();
    else if (state.effect === 'save') {
      deps.save(present).then(
        (r) => dispatch({ type: 'saved', doc: r.doc, status: r.status }),
        (e: unknown) => dispatch({ type: 'effectDone', status: `not saved: ${(e as Error).message}` }),
      );
    } else if (state.effect === 'export') {
      deps.exportSummary(present, state.analysis).then(
        (s) => dispatch({ type: 'effectDone', status: s }),
        (e: unknown) => dispatch({ type: 'effectDone', status: `export failed: ${(e as Error).message}` }),
      );
    }
  }, [state.effect]);

  // Revalidating a 200 MB session after an edit takes tens of milliseconds; done while the user
  // reads, f only redraws (see prepareFix). Any key before the pause ends cancels it.
  useEffect(() => {
    const timer = setTimeout(() => {
      try {
        prepareFix(state);
      } catch {
        // Work ahead of time only: f meets the same failure and reports it.
      }
    }, PREPARE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [state]);

  useInput((input, key) => {
    if (state.effect) return; // an effect is running: wait for it
    if (state.overlay === 'search') {
      if (key.return) dispatch({ type: 'searchSubmit' });
      else if (key.escape) dispatch({ type: 'command', command: 'close' });
      else if (key.backspace || key.delete) dispatch({ type: 'searchInput', text: state.query.slice(0, -1) });
      else if (input && !key.ctrl && !key.meta) dispatch({ type: 'searchInput', text: state.query + input });
      return;
    }
    if (state.overlay.startsWith('confirm-')) {
      if (input === 'y' || input === 'Y') dispatch({ type: 'confirm', yes: true });
      else if (input === 'n' || input === 'N' || key.escape) dispatch({ type: 'confirm', yes: false });
      return;
    }
    const command = commandFor(input, key);
    if (command) dispatch({ type: 'command', command });
  });

  const row = selectedRow(state);
  const detail = useMemo(() => detailLines(state.analysis, state.byPos, row, width - 4), [state.analysis, row?.id, width]);
  const changes = useMemo(
    () => (state.overlay === 'confirm-save' ? changesBetween(state.saved, state.history.present) : undefined),
    [state.overlay, state.history.present],
  );

  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} demo={demo} />
      {state.overlay === 'help' ? <HelpPanel height={state.height + DETAIL_HEIGHT} /> : <Tree state={state} width={width} />}
      {state.overlay === 'help' ? null : changes ? (
        <SavePanel changes={changes} path={doc.path ?? ''} height={DETAIL_HEIGHT} />
      ) : (
        <DetailPanel lines={detail} top={state.detailTop} height={DETAIL_HEIGHT} focused={state.focus === 'detail'} />
      )}
      <Footer state={state} />
    </Box>
  );
}

export type { EditorState };
