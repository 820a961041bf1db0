import { useApp } from 'ink';
import { type Dispatch, useCallback, useEffect } from 'react';
import type { Analysis } from '../rules/analyze.js';
import type { Doc } from '../transcript/document.js';
import { SaveConflictError } from '../transcript/save.js';
import { SourceChangedError } from '../transcript/source.js';
import { useKeys } from './input.js';
import type { KeyPress } from './keys.js';
import { type Action, type EditorState, prepareEdit } from './state.js';
import { useTerminal } from './terminal.js';

/** A save done: the document the editor goes on with, and a status line. */
export interface Saved {
  readonly doc: Doc;
  readonly status: string;
  /**
   * `doc` is the saved one with the same lines under the same keys (see saveInPlaceKept): what
   * the editor showed of it still stands until its analysis is done. Otherwise the file was loaded afresh.
   */
  readonly continues?: boolean;
}

/** The I/O the editor needs, injected so tests can see what was written and copied. */
export interface EditorDeps {
  /** Saves over the file; resolves to the document as saved. Rejects with SaveConflictError when another program changed the file. */
  save(doc: Doc): Promise<Saved>;
  /** Writes the document to another file, which the editor goes on with. */
  saveAs(doc: Doc, path: string): Promise<Saved>;
  /** The file as it is on disk now. */
  reload(doc: Doc): Promise<Doc>;
  /** Exports the hand-off summary; resolves to a status line. */
  exportSummary(doc: Doc, analysis: Analysis): Promise<string>;
  /** Opens the subagent transcript the call `call` ran, leaving the editor in `state` (to come back to). */
  open?(call: string, state: EditorState): void;
  /** What quitting does, given the state quit from: ends the app unless this is given (a subagent's editor goes back to its session). */
  leave?(state: EditorState): void;
}

/** After a pause this long (keys held down repeat faster) the edit the next key would apply is worked out (see prepareEdit). */
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
    const saved = (r: Saved) => dispatch({ type: 'saved', doc: r.doc, status: r.status, continues: r.continues });
    switch (effect.kind) {
      case 'quit':
        if (deps.leave) deps.leave(state);
        else exit();
        return;
      case 'open':
        deps.open?.(effect.call, state);
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

/** Steps of background work run back to back for this long before input and frames get their turn. */
const SLICE_MS = 3;

/**
 * Runs `step` (true once the work is done) a slice at a time, between the
 * event loop's other work (keys, frames), until it is done or cancelled.
 * Returns the cancel.
 */
function inSlices(step: () => boolean): () => void {
  let handle: NodeJS.Immediate | undefined;
  const slice = () => {
    const until = performance.now() + SLICE_MS;
    while (!step()) if (performance.now() >= until) return void (handle = setImmediate(slice));
  };
  handle = setImmediate(slice);
  return () => clearImmediate(handle);
}

/** Work ahead of time only: a failure is dropped (the key it prepares for meets it and reports it). */
function ahead<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

/**
 * The preparation of the edit the next key would apply (see prepareEdit), a step at a time: the
 * edited document, then its analysis. `step` is true once it is done, or when there is nothing to
 * prepare; `stop` drops an edited document half made.
 */
function preparing(state: EditorState): { step: () => boolean; stop: () => void } {
  const editing = prepareEdit(state);
  let prepared: Doc | undefined | null = null;
  return {
    step: () => {
      if (prepared === null) {
        const step = ahead(() => editing.next());
        if (!step?.done) return !step;
        prepared = step.value;
      }
      const doc = prepared;
      return !doc || (ahead(() => state.memo.advance(doc, state.checks) !== undefined) ?? true);
    },
    stop: () => void editing.return(undefined),
  };
}

/**
 * Work done between keys, never in the way of one: each key's frame is drawn
 * first, and each step of the work is one slice long (one graph, view or rule
 * over one request: tens of milliseconds on 200 MB). While the present
 * document is revalidating, its full analysis (every client generation, every
 * rule) is worked out and replaces the provisional one. Otherwise, after a
 * pause, the edit the next key would apply (f's fix, or the rewind y
 * confirms: that one even before a revalidation) is prepared (see
 * prepareEdit), so that the key only redraws. A newer state cancels what this one started; an
 * analysis half done resumes where it stopped when it is asked for again.
 */
export function useBackgroundWork(state: EditorState, dispatch: Dispatch<Action>): void {
  useEffect(() => {
    const { memo, checks } = state;
    const present = state.history.present;
    if (state.revalidating) {
      // The rewind question waits for y or n: the rewind is prepared first, then the revalidation goes on.
      const rewind = state.overlay.kind === 'rewind' ? preparing(state) : undefined;
      let prepared = !rewind;
      const cancel = inSlices(() => {
        if (!prepared) {
          prepared = rewind!.step();
          return false;
        }
        const analysis = memo.advance(present, checks);
        if (analysis) dispatch({ type: 'revalidated', analysis, checks });
        return analysis !== undefined;
      });
      return () => {
        cancel();
        rewind?.stop();
      };
    }
    let cancel: (() => void) | undefined;
    let preparation: ReturnType<typeof preparing> | undefined;
    const timer = setTimeout(() => {
      preparation = preparing(state);
      cancel = inSlices(preparation.step);
    }, PREPARE_AFTER_MS);
    return () => {
      clearTimeout(timer);
      cancel?.();
      preparation?.stop();
    };
  }, [state, dispatch]);
}
