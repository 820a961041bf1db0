import { createContext, useContext } from 'react';

/**
 * The colours and text styles the screens use, by what they mean. With NO_COLOR
 * set (to anything but the empty string) there are none: no colour, no bold, no
 * dim; only reverse video marks the cursor, and marks that colour alone would
 * carry get a character of their own.
 */
export interface Theme {
  readonly colors: boolean;
  readonly error?: string;
  readonly warning?: string;
  readonly ok?: string;
  readonly info?: string;
  readonly accent?: string;
  readonly demo?: string;
  /** Background of the row of the problem n went to. */
  readonly focus?: string;
  readonly bold: boolean;
  readonly dim: boolean;
}

export const COLOURED: Theme = {
  colors: true,
  error: 'red',
  warning: 'yellow',
  ok: 'green',
  info: 'gray',
  accent: 'cyan',
  demo: 'magenta',
  focus: 'blue',
  bold: true,
  dim: true,
};

export const PLAIN: Theme = { colors: false, bold: false, dim: false };

/** The theme the environment asks for: plain when NO_COLOR is set and not empty. */
export const themeFor = (env: NodeJS.ProcessEnv): Theme => (env.NO_COLOR ? PLAIN : COLOURED);

export const ThemeContext = createContext<Theme>(COLOURED);

export const useTheme = (): Theme => useContext(ThemeContext);
