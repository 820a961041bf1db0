import { useApp } from 'ink';
import { type Dispatch, useCallback, useEffect } from 'react';
import type { Analysis } from '../rules/analyze.js';
import type { Doc } from '../transcript/document.js';
import { SaveConflictError } from '../transcript/save.js';
import { SourceChangedError } from '../transcript/source.js';
import { useKeys } from './input.js';
import type { KeyPress } from './keys.js';
import { type Action, type EditorState, prepareFix } from './state.js';
import { useTerminal } from './terminal.js';

/** The I/O the editor needs, injected so tests can see what was written and copied. */
export interface EditorDeps {
  /** Saves over the file; resolves to the reloaded document and a status line. Rejects with SaveConflictError when another program changed the file. */
  save(doc: Doc): Promise<{ doc: Doc; status: string }>;
  /** Writes the document to another file, which the editor goes on with. */
  saveAs(doc: Doc, path: string): Promise<{ doc: Doc; status: string }>;
  /** The file as it is on disk now. */
  reload(doc: Doc): Promise<Doc>;
  /** Exports the hand-off summary; resolves to a status line. */
  exportSummary(doc: Doc, analysis: Analysis): Promise<string>;
}

/** After a pause this long (keys held down repeat faster) the fix f, or n then f, would apply is worked out. */
export const PREPARE_AFTER_MS = 60;

/** Every key, one action each: a read that brought several keys brings several actions, each reduced in turn. */
export function useEditorInput(dispatch: Dispatch<Action>): void {
  useKeys(useCallback((press: KeyPress) => dispatch({ type: 'key', press }), [dispatch]));
}

const messageOf = (e: unknown) => String((e as Error)?.message ?? e);

/** Carries out the effect the state asks for and reports back. */
export function useEditorEffects(state: EditorState, dispatch: Dispatch<Action>, deps: EditorDeps): void {
  const { exit } = useApp();
  const terminal = useTerminal();
  // biome-ignore lint/correctness/useExhaustiveDependencies: an effect runs once, when it is asked for; the state it reads is the state that asked
  useEffect(() => {
    const effect = state.effect;
    if (!effect) return;
    const present = state.history.present;
    const failed = (e: unknown) =>
      dispatch({ type: 'saveFailed', message: messageOf(e), conflict: e instanceof SaveConflictError || e instanceof SourceChangedError });
    const saved = (r: { doc: Doc; status: string }) => dispatch({ type: 'saved', doc: r.doc, status: r.status });
    switch (effect.kind) {
      case 'quit':
        exit();
        return;
      case 'suspend':
        terminal.suspend();
        dispatch({ type: 'effectDone', status: state.status });
        return;
      case 'save':
        deps.save(present).then(saved, failed);
        return;
      case 'saveAs':
        deps.saveAs(present, effect.path).then(saved, failed);
        return;
      case 'reload':
        deps.reload(state.saved).then((doc) => saved({ doc, status: 'reloaded from disk; your changes were dropped' }), failed);
        return;
      case 'export':
        deps.exportSummary(present, state.analysis).then(
          (s) => dispatch({ type: 'effectDone', status: s }),
          (e: unknown) => dispatch({ type: 'effectDone', status: `export failed: ${messageOf(e)}` }),
        );
        return;
    }
  }, [state.effect]);
}

/**
 * Revalidating a 200 MB session after an edit takes tens of milliseconds; done while
 * the user reads, f only redraws (see prepareFix). Any key before the pause ends cancels it.
 */
export function usePreparedFix(state: EditorState): void {
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
}
