/** The lines of one `## ` section of a hand-off (without its heading or blank lines); none when it has no such section. */
export function section(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const from = lines.indexOf(`## ${heading}`);
  if (from === -1) return [];
  const to = lines.findIndex((l, i) => i > from && l.startsWith('## '));
  return lines.slice(from + 1, to === -1 ? undefined : to).filter((l) => l !== '');
}
