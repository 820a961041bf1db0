import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import type { Doc } from '../../src/transcript/document.js';
import { loadFile } from '../../src/transcript/load.js';
import { FIXTURES } from '../helpers/fixtures.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  tab: '\t',
  enter: '\r',
  escape: '\u001B',
  ctrlR: '\u0012',
} as const;

export const DEMO = join(FIXTURES, 'demo', 'demo.jsonl');

/** A writable copy of a file in a fresh temp dir. */
export function tempCopy(file: string, name = 'session.jsonl'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccmend-ui-'));
  const copy = join(dir, name);
  copyFileSync(file, copy);
  return copy;
}

const opened: Doc[] = [];

/** Loads a file for a test, or takes a document to close with the others: see closeAll. */
export async function loadDoc(file: string): Promise<Doc> {
  return keepOpen(await loadFile(file));
}

export function keepOpen(doc: Doc): Doc {
  opened.push(doc);
  return doc;
}

/** Unmounts every app (see unmountAll), then closes the documents loadDoc and keepOpen were given. */
export function closeAll(): void {
  unmountAll();
  for (const d of opened.splice(0)) d.source.close();
}

const tick = () => new Promise((r) => setTimeout(r, 5));

const mounted: { unmount(): void }[] = [];

/** Unmounts every app mount() rendered (before their documents' files are closed). */
export function unmountAll(): void {
  for (const app of mounted.splice(0)) app.unmount();
}

/**
 * Renders an Ink element in a terminal `columns` wide (the test renderer's own is
 * 100) and drives it key by key, waiting for each frame to settle.
 */
export async function mount(element: ReactElement, columns?: number) {
  const app = render(element);
  if (columns !== undefined) {
    Object.defineProperty(app.stdout, 'columns', { value: columns });
    app.rerender(element);
  }
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  const until = async (pred: (f: string) => boolean, what: string) => {
    for (let i = 0; i < 400; i++) {
      if (pred(frame())) return frame();
      await tick();
    }
    throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
  };
  /** Waits for a frame that matches, even one already replaced (an app that shows an error and exits). */
  const untilShown = async (pred: (f: string) => boolean, what: string) => {
    for (let i = 0; i < 400; i++) {
      const shown = app.frames.find(pred);
      if (shown !== undefined) return shown;
      await tick();
    }
    throw new Error(`timed out waiting for ${what}; frames:\n${app.frames.join('\n---\n')}`);
  };
  await until((f) => f.length > 0, 'the first frame');
  return {
    app,
    frame,
    until,
    untilShown,
    /** Presses keys one at a time; each waits until the frame stops changing. */
    async press(...keys: string[]) {
      for (const k of keys) {
        app.stdin.write(k);
        let last = frame();
        for (let stable = 0, i = 0; stable < 3 && i < 400; i++) {
          await tick();
          const f = frame();
          stable = f === last ? stable + 1 : 0;
          last = f;
        }
      }
      return frame();
    },
  };
}

/** The header's problem count, e.g. "2 errors · 2 warnings". */
export function counts(frame: string): string {
  return /(\d+ errors? · \d+ warnings?)/.exec(frame)?.[1] ?? '(no count)';
}

/** The status line (the last line of the frame). */
export function status(frame: string): string {
  return frame.trimEnd().split('\n').at(-1)!.trim();
}
