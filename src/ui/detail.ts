import type { Analysis } from '../rules/analyze.js';
import type { Diagnostic } from '../rules/types.js';
import { entryOf, lineText } from '../transcript/document.js';
import { base64Length, imageFacts } from '../transcript/image.js';
import { valueAt } from '../transcript/jsonPath.js';
import { formatSize } from '../report/text.js';
import { keysOf } from './keyTable.js';
import type { Row } from './rows.js';

const MAX_CHARS = 20_000;

/** Splits text into lines of at most `width` characters, breaking at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (let rest of text.split('\n')) {
    while (rest.length > width) {
      const space = rest.lastIndexOf(' ', width);
      const cut = space > width / 2 ? space : width;
      out.push(rest.slice(0, cut));
      rest = rest.slice(space > width / 2 ? cut + 1 : cut);
    }
    out.push(rest);
  }
  return out;
}

/** An image as the API measures it: its type, size (and size as base64, which the limits count) and dimensions. */
function imageText(source: unknown): string {
  const f = imageFacts(source);
  if (!f) return '[image: not base64 data]';
  const dims = f.width !== undefined ? `${f.width}×${f.height} px, ` : '';
  return `[image ${f.mediaType}, ${dims}${formatSize(f.bytes)} (${formatSize(base64Length(f))} as base64)]`;
}

function blockText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return String(value);
  const b = value as Record<string, unknown>;
  switch (b.type) {
    case 'text':
      return String(b.text ?? '');
    case 'thinking':
      return `${String(b.thinking ?? '')}\n\n[signature: ${typeof b.signature === 'string' ? `${b.signature.slice(0, 40)}${b.signature.length > 40 ? '…' : ''}` : 'missing'}]`;
    case 'tool_use':
      return `${String(b.name)} ${String(b.id)}\n${JSON.stringify(b.input, null, 2)}`;
    case 'tool_result': {
      const c = b.content;
      const body =
        typeof c === 'string'
          ? c
          : Array.isArray(c)
            ? c
                .map((x) => {
                  const part = x as { type?: string; text?: unknown; source?: unknown };
                  if (part.type === 'text') return String(part.text);
                  return part.type === 'image' ? imageText(part.source) : `[${part.type}]`;
                })
                .join('\n')
            : '';
      return `result for ${String(b.tool_use_id)}${b.is_error ? ' (error)' : ''}\n${body}`;
    }
    case 'image':
      return imageText(b.source);
    default:
      return JSON.stringify(b, null, 2);
  }
}

function describeDiagnostic(d: Diagnostic): string[] {
  const out = [`${d.severity.toUpperCase()} ${d.rule} (line ${d.line}${d.turn ? `, turn ${d.turn}` : ''}): ${d.message}`];
  if (d.apiError) out.push(`  API would answer: ${d.apiError}`);
  if (d.fixes[0]) out.push(`  fix (${keysOf('fix')}): ${d.fixes[0].label}${d.fixes[0].safe ? '' : ' [loses content]'}`);
  return out;
}

/** The detail pane's text for a row: its diagnostics first, then its full content. */
export function detailLines(a: Analysis, byPos: Map<number, Diagnostic[]>, row: Row | undefined, width: number): string[] {
  if (!row) return ['(empty transcript)'];
  const line = a.doc.lines[row.pos]!;
  const here = (byPos.get(row.pos) ?? []).filter((d) => row.kind !== 'block' || d.block === undefined || d.block === row.block);
  const diags = row.kind === 'turn' ? a.view.messages[row.turn!]!.lines.flatMap((p) => byPos.get(p) ?? []) : here;
  let body: string;
  if (row.kind === 'block') {
    const entry = entryOf(a.doc, line);
    body = blockText(valueAt(entry, line.info.blocks[row.block!]!.path));
  } else if (row.kind === 'turn') {
    const m = a.view.messages[row.turn!]!;
    const id = a.doc.lines[m.lines[0]!]!.info.messageId;
    body = [
      `${m.role} message #${row.turn! + 1}${id ? ` (${id})` : ''}, from line(s) ${m.lines.map((p) => p + 1).join(', ')}`,
      ...m.blocks.map((b) => `- ${b.info.type}: ${b.info.preview}`),
    ].join('\n');
  } else {
    const text = lineText(a.doc, line);
    try {
      body = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      body = text;
    }
  }
  if (body.length > MAX_CHARS) body = `${body.slice(0, MAX_CHARS)}\n… (${body.length - MAX_CHARS} more characters)`;
  const w = Math.max(10, width);
  const head = diags.length ? [...wrap(diags.flatMap(describeDiagnostic).join('\n'), w), ''] : [];
  return [...head, ...wrap(body, w)];
}
