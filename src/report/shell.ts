/** A word as a POSIX shell reads it back: as it is when it has no special characters, else single-quoted. */
export const shellQuote = (s: string): string => (/^[\w/.,:+=@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
