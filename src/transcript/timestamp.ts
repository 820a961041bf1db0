/** Two decimal digits at `at`, or -1. */
function digits2(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `Date.parse(s)`, in ms, taking the shape every transcript line's timestamp has
 * (`2026-01-15T10:23:45.123Z`, as toISOString writes it) without the general
 * parser: the columns read one for every line of a file, and on 100k lines
 * Date.parse was most of that. Any other string goes to Date.parse.
 */
export function timestampMs(s: string): number {
  if (s.length !== 24 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.' || s[23] !== 'Z')
    return Date.parse(s);
  const century = digits2(s, 0);
  const year = digits2(s, 2);
  const month = digits2(s, 5);
  const day = digits2(s, 8);
  const hour = digits2(s, 11);
  const minute = digits2(s, 14);
  const second = digits2(s, 17);
  const ms = digits2(s, 20);
  const last = s.charCodeAt(22) - 48;
  // Out of these ranges Date.parse has rules of its own (hour 24, NaN for month 13): it is asked.
  if (century < 0 || year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return Date.parse(s);
  if (second < 0 || second > 59 || ms < 0 || last < 0 || last > 9) return Date.parse(s);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (century === 0) return Date.parse(s);
  return Date.UTC(century * 100 + year, month - 1, day, hour, minute, second, ms * 10 + last);
}
