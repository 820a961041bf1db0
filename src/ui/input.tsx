import { useInput } from 'ink';
import { type ReactNode, createContext, useContext, useLayoutEffect, useMemo, useRef } from 'react';
import { type KeyPress, pressesOf } from './keys.js';

type Handler = (press: KeyPress) => void;

/** Where the app's keys go: to the screen showing now, or held until one is shown. */
interface KeyRouter {
  attach(handler: Handler): () => void;
}

const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/**
 * Reads every key for the whole app, so none is lost between two screens (the
 * picker, loading, the editor): a key that comes before the next screen takes
 * it is held for it. (Ink hands a key only to the components listening when it
 * comes, and a screen starts listening only after its first frame.)
 */
export function KeyRouterProvider({ children }: { children: ReactNode }) {
  const state = useRef<{ handler?: Handler; held: KeyPress[] }>({ held: [] });
  useInput((input, key) => {
    for (const press of pressesOf(input, key)) {
      const { handler } = state.current;
      if (handler) handler(press);
      else state.current.held.push(press);
    }
  });
  const router = useMemo<KeyRouter>(
    () => ({
      attach(handler) {
        state.current.handler = handler;
        for (const press of state.current.held.splice(0)) handler(press);
        return () => {
          if (state.current.handler === handler) state.current.handler = undefined;
        };
      },
    }),
    [],
  );
  return <KeyRouterContext.Provider value={router}>{children}</KeyRouterContext.Provider>;
}

/** Every key press, one at a time, for the screen this is called in (from the app's router, or read here when there is none). */
export function useKeys(handler: Handler): void {
  const router = useContext(KeyRouterContext);
  useInput(
    (input, key) => {
      for (const press of pressesOf(input, key)) handler(press);
    },
    { isActive: !router },
  );
  useLayoutEffect(() => router?.attach(handler), [router, handler]);
}
