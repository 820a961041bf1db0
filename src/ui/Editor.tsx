import { Box } from 'ink';
import { useMemo } from 'react';
import type { Target } from '../report/target.js';
import type { Provider } from '../rules/types.js';
import type { Doc } from '../transcript/document.js';
import { isSubagentTranscript } from '../transcript/subagents.js';
import { detailLines } from './detail.js';
import { Footer, statusLines } from './Footer.js';
import { Header, type SubagentOf } from './Header.js';
import { keysOf } from './keyTable.js';
import { checksFor } from './memo.js';
import type { KeyPress } from './keys.js';
import { ConflictPanel, DetailPanel, FitPanel, HelpPanel, SavePanel } from './Panels.js';
import { type EditorState, diagnosticsAt, selectedRow } from './state.js';
import type { SubagentCounts } from './subagents.js';
import { type Size, useTerminalSize } from './terminal.js';
import { Tree } from './Tree.js';
import { type EditorDeps, useEditorEffects, useEditorInput, useBackgroundWork } from './useEditor.js';
import { layoutOf, useEditorState, useTreeHeight } from './useEditorState.js';

export interface EditorProps {
  readonly doc: Doc;
  readonly provider: Provider;
  /** The Claude Code versions to check for; by default the newest that wrote the session. */
  readonly target?: Target;
  readonly deps: EditorDeps;
  readonly demo?: boolean;
  readonly status?: string;
  /** Keys pressed before the editor was up (while its file loaded): they take effect first. */
  readonly keys?: readonly KeyPress[];
  /** Terminal size; defaults to the real terminal's (following resizes). */
  readonly size?: Size;
  /** Documents of more lines show an edit before its analysis is done (see DEFER_LINES). */
  readonly deferLines?: number;
  /** A session's subagent transcripts, shown under the calls that ran them (and opened with deps.open). */
  readonly subagents?: SubagentCounts;
  /** The document is a subagent's transcript opened from its session (which quitting goes back to, with deps.leave). */
  readonly subagentOf?: SubagentOf;
  /** The state an editor of this document was left in: it goes on from there (see EditorStart). */
  readonly resume?: EditorState;
}

/** The middle of the screen: the tree and the detail pane, or a panel over both. */
function Middle({
  state,
  layout,
  width,
  path,
  subagents,
}: {
  state: EditorState;
  layout: ReturnType<typeof layoutOf>;
  width: number;
  path: string;
  subagents?: SubagentCounts;
}) {
  const row = selectedRow(state);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the row's id and the analysis are what the text depends on
  const detail = useMemo(() => {
    const lines = detailLines(state.analysis, diagnosticsAt(state), row, width - 4);
    // A subagent's row is its call's, with what opens its transcript.
    if (row?.subagent === undefined) return lines;
    return [`↳ subagent ${row.subagent}: ${keysOf('openSubagent')} opens it (${keysOf('quit')} there comes back here)`, '', ...lines];
  }, [state.analysis, row?.id, width]);
  const height = layout.tree + layout.detail;
  const o = state.overlay;
  if (o.kind === 'help') return <HelpPanel height={height} width={width} top={o.top} />;
  if (o.kind === 'save') return <SavePanel changes={o.changes} path={path} top={o.top} height={height} />;
  if (o.kind === 'fit') return <FitPanel plan={o.plan} top={o.top} height={height} />;
  if (o.kind === 'conflict' || o.kind === 'saveAs')
    return (
      <ConflictPanel message={o.kind === 'conflict' ? o.message : o.reason} error={o.kind === 'saveAs' ? o.error : undefined} height={height} width={width} />
    );
  return (
    <>
      <Tree state={state} width={width} subagents={subagents} />
      <DetailPanel lines={detail} top={state.detailTop} height={layout.detail} focused={state.focus === 'detail'} />
    </>
  );
}

export function Editor(props: EditorProps) {
  const { doc, provider, target, deps, demo = false, status = '', keys = [], size, deferLines, subagents, subagentOf, resume } = props;
  const { rows, columns: width } = useTerminalSize(size);
  const headerLines = (raw: boolean) => 1 + (demo ? 1 : 0) + (subagentOf ? 1 : 0) + (raw ? 1 : 0);
  // A subagent's transcript, opened from its session or on its own, is checked as its own conversation (as `ccmend check` does).
  const conversation = subagentOf || isSubagentTranscript(doc.path ?? '') ? 'subagent' : undefined;
  const [state, dispatch] = useEditorState(
    { doc, checks: { ...checksFor(doc, provider, target), conversation }, status, keys, deferLines, subagents: subagents?.names, resume },
    layoutOf(rows, headerLines(false), 1).tree,
  );
  const leaving = subagentOf ? `the session ${subagentOf.session.replace(/^.*\//, '')}` : undefined;
  const layout = layoutOf(rows, headerLines(state.raw), statusLines(state, width, leaving));
  useTreeHeight(state, dispatch, layout.tree);
  useEditorInput(dispatch);
  useEditorEffects(state, dispatch, deps);
  useBackgroundWork(state, dispatch);
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <Header state={state} demo={demo} width={width} of={subagentOf} />
      <Middle state={state} layout={layout} width={width} path={state.saved.path ?? ''} subagents={subagents} />
      <Footer state={state} width={width} lines={layout.status} leaving={leaving} />
    </Box>
  );
}

export type { EditorDeps } from './useEditor.js';
export { PREPARE_AFTER_MS } from './useEditor.js';
