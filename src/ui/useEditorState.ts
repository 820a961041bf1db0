import { type Dispatch, useEffect, useReducer } from 'react';
import { type Checks, EditorMemo } from './memo.js';
import type { Doc } from '../transcript/document.js';
import type { KeyPress } from './keys.js';
import { type Action, type EditorState, initialState, reduce } from './state.js';

/** Lines the detail pane takes under the tree (fewer when the status needs more than one line). */
export const DETAIL_HEIGHT = 10;

/** The editor's lines: header, tree, detail pane, key bar and status, within the terminal's rows. */
export interface Layout {
  readonly header: number;
  readonly tree: number;
  readonly detail: number;
  readonly status: number;
}

export function layoutOf(rows: number, headerLines: number, status: number): Layout {
  const tree = Math.max(3, rows - headerLines - DETAIL_HEIGHT - 2);
  return { header: headerLines, tree, detail: Math.max(3, DETAIL_HEIGHT - (status - 1)), status };
}

export interface EditorStart {
  readonly doc: Doc;
  readonly checks: Checks;
  readonly status: string;
  /** Keys pressed before the editor was up (while its file loaded). */
  readonly keys: readonly KeyPress[];
  /** Documents of more lines are revalidated between keys after an edit (default DEFER_LINES). */
  readonly deferLines?: number;
  /** The subagent transcripts the tree shows under their calls (see EditorMemo). */
  readonly subagents?: ReadonlyMap<string, string>;
  /** The state an editor of the same document was left in (for a subagent's): it goes on from there. */
  readonly resume?: EditorState;
}

/** The editor's state and its reducer, starting with a tree `treeHeight` rows high. */
export function useEditorState(start: EditorStart, treeHeight: number): [EditorState, Dispatch<Action>] {
  return useReducer(
    reduce,
    undefined,
    () => start.resume ?? initialState(start.doc, start.checks, treeHeight, start.status, start.keys, new EditorMemo(start.deferLines, start.subagents)),
  );
}

/** The reducer pages by the tree's height: it follows the layout (a resize, the raw view's extra header line). */
export function useTreeHeight(state: EditorState, dispatch: Dispatch<Action>, treeHeight: number): void {
  useEffect(() => {
    if (treeHeight !== state.height) dispatch({ type: 'resize', height: treeHeight });
  }, [treeHeight, state.height, dispatch]);
}
