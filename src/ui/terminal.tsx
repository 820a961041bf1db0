import { useStdout } from 'ink';
import { createContext, useContext, useEffect, useState } from 'react';

export interface Size {
  readonly columns: number;
  readonly rows: number;
}

/** What the app asks of the terminal beyond drawing: stopping to the shell (Ctrl+Z). */
export interface Terminal {
  suspend(): void;
}

export const TerminalContext = createContext<Terminal>({ suspend: () => {} });

export const useTerminal = (): Terminal => useContext(TerminalContext);

const sizeOf = (stdout: NodeJS.WriteStream): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });

/** The terminal's size, redrawn on every resize (`fixed`: a size given instead, for tests). */
export function useTerminalSize(fixed?: Size): Size {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    if (fixed) return;
    const resized = () => setSize(sizeOf(stdout));
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
