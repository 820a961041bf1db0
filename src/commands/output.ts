import type { Diagnostic } from '../rules/types.js';

/** Everything a command prints goes through one of these, so tests can capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export function where(d: Diagnostic): string {
  return `line ${d.line}${d.turn !== undefined ? `, turn ${d.turn}` : ''}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  const lines = [`  ${d.severity.padEnd(7)} ${d.rule}  ${where(d)}: ${d.message}`];
  if (d.apiError) lines.push(`          API: ${d.apiError}`);
  const fix = d.fixes[0];
  if (fix) lines.push(`          fix: ${fix.label}${fix.safe ? '' : ' (not automatic: loses content)'}`);
  return lines.join('\n');
}

export function diagnosticJson(d: Diagnostic) {
  return {
    rule: d.rule,
    severity: d.severity,
    line: d.line,
    turn: d.turn ?? null,
    block: d.block ?? null,
    message: d.message,
    apiError: d.apiError ?? null,
    fixes: d.fixes.map((f) => ({ label: f.label, safe: f.safe })),
  };
}
