import fc from 'fast-check';
import { REAL, type RealName, realBytes } from '../helpers/fixtures.js';

/*
 * Random damage to real transcripts, as data (so fast-check can shrink it and a
 * failure prints what was done). Positions are plain numbers taken modulo the
 * current line count when applied, so any op applies to any file.
 */

export type Eol = '\n' | '\r\n' | '';

/** A transcript as raw line bytes (without end of line) and their ends of line. */
export interface Raw {
  lines: Buffer[];
  eols: Eol[];
}

export type Damage =
  | { kind: 'drop'; at: number }
  | { kind: 'duplicate'; at: number; to: number }
  | { kind: 'swap'; a: number; b: number }
  /** Cut a line at `cut` (0..1 of its length): a torn write. */
  | { kind: 'truncate'; at: number; cut: number }
  /** Overwrite one byte: a bit flip or a stray character. */
  | { kind: 'corrupt'; at: number; offset: number; byte: number }
  /** Insert a line of random bytes (which may itself hold newlines). */
  | { kind: 'junk'; at: number; bytes: number[] }
  /** Insert a line of `mb` megabytes: a chained user entry, a tool_result, or plain garbage. */
  | { kind: 'huge'; at: number; mb: number; shape: 'user' | 'tool-result' | 'garbage' }
  /** Insert bytes that are not UTF-8, preferably inside a string value. */
  | { kind: 'invalid-utf8'; at: number; bytes: number[] }
  | { kind: 'crlf'; at: number }
  | { kind: 'crlf-all' }
  | { kind: 'null-parent'; at: number }
  /** Give a line the parent of another line (a false fork). */
  | { kind: 'dup-parent'; at: number; from: number }
  /** Give a line the uuid of another line. */
  | { kind: 'dup-uuid'; at: number; from: number }
  /** Point a line's parent at a later line (a loop when the later line descends from it). */
  | { kind: 'cycle'; at: number; from: number }
  /** Put an unpaired UTF-16 surrogate escape into a string. */
  | { kind: 'lone-surrogate'; at: number }
  /** Point a line's parent at a uuid that is in no line. */
  | { kind: 'dangling-parent'; at: number }
  /** The file ends mid-line, with no final newline. */
  | { kind: 'tear-end'; cut: number }
  /** Empty or whitespace-only lines. */
  | { kind: 'blank'; at: number; text: '' | ' ' | '\t' | '\r' };

export function splitRaw(buf: Buffer): Raw {
  const lines: Buffer[] = [];
  const eols: Eol[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) break;
    const crlf = nl > start && buf[nl - 1] === 0x0d;
    lines.push(buf.subarray(start, crlf ? nl - 1 : nl));
    eols.push(crlf ? '\r\n' : '\n');
    start = nl + 1;
  }
  if (start < buf.length) {
    lines.push(buf.subarray(start));
    eols.push('');
  }
  return { lines, eols };
}

export function joinRaw(r: Raw): Buffer {
  const parts: Buffer[] = [];
  r.lines.forEach((l, i) => {
    parts.push(l);
    if (r.eols[i]) parts.push(Buffer.from(r.eols[i]!));
  });
  return Buffer.concat(parts);
}

/* Byte-preserving text edits: latin1 maps each byte to one char and back. */
const latin = (b: Buffer) => b.toString('latin1');
const unlatin = (s: string) => Buffer.from(s, 'latin1');

const UUID = /"uuid":\s*"([^"]*)"/;
const PARENT = /"parentUuid":\s*(?:null|"[^"]*")/;

function uuidOf(line: Buffer | undefined): string | undefined {
  return line ? UUID.exec(latin(line))?.[1] : undefined;
}

function setParent(line: Buffer, parent: string | null): Buffer {
  const s = latin(line);
  if (!PARENT.test(s)) return line;
  return unlatin(s.replace(PARENT, `"parentUuid":${parent === null ? 'null' : JSON.stringify(parent)}`));
}

const mod = (n: number, len: number) => (len ? n % len : 0);
/** Deterministic uuid-like strings, so a failing case replays the same. */
const fakeUuid = (seed: number, tag: string) => `${tag}${seed.toString(16).padStart(8, '0')}-dead-beef-cafe-000000000000`.slice(0, 36);

function hugeLine(d: Extract<Damage, { kind: 'huge' }>, parent: string | undefined): Buffer {
  const size = Math.round(d.mb * 1024 * 1024);
  if (d.shape === 'garbage') return Buffer.alloc(size, 'x');
  const uuid = fakeUuid(d.at, 'ab');
  const text = 'y'.repeat(size);
  const content = d.shape === 'user' ? text : [{ type: 'tool_result', tool_use_id: 'toolu_huge', content: [{ type: 'text', text }] }];
  return Buffer.from(
    JSON.stringify({
      parentUuid: parent ?? null,
      isSidechain: false,
      type: 'user',
      message: { role: 'user', content },
      uuid,
      timestamp: '2026-01-01T00:00:00.000Z',
    }),
  );
}

export function applyDamage(raw: Raw, d: Damage): void {
  const { lines, eols } = raw;
  const n = lines.length;
  switch (d.kind) {
    case 'drop':
      if (n) {
        const i = mod(d.at, n);
        lines.splice(i, 1);
        eols.splice(i, 1);
      }
      return;
    case 'duplicate':
      if (n) {
        const i = mod(d.at, n);
        const to = mod(d.to, n + 1);
        lines.splice(to, 0, lines[i]!);
        eols.splice(to, 0, eols[i] || '\n');
      }
      return;
    case 'swap':
      if (n) {
        const a = mod(d.a, n);
        const b = mod(d.b, n);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      }
      return;
    case 'truncate':
      if (n) {
        const i = mod(d.at, n);
        lines[i] = lines[i]!.subarray(0, Math.floor(lines[i]!.length * d.cut));
      }
      return;
    case 'corrupt':
      if (n) {
        const i = mod(d.at, n);
        const l = Buffer.from(lines[i]!);
        if (l.length) l[mod(d.offset, l.length)] = d.byte;
        lines[i] = l;
      }
      return;
    case 'junk': {
      const i = mod(d.at, n + 1);
      lines.splice(i, 0, Buffer.from(d.bytes));
      eols.splice(i, 0, '\n');
      return;
    }
    case 'huge': {
      const i = mod(d.at, n + 1);
      lines.splice(i, 0, hugeLine(d, uuidOf(lines[i - 1])));
      eols.splice(i, 0, '\n');
      return;
    }
    case 'invalid-utf8':
      if (n) {
        const i = mod(d.at, n);
        const s = latin(lines[i]!);
        const inString = s.search(/"(?:text|content|thinking)":"/);
        const at = inString === -1 ? mod(d.at, s.length + 1) : s.indexOf(':"', inString) + 2;
        lines[i] = Buffer.concat([lines[i]!.subarray(0, at), Buffer.from(d.bytes), lines[i]!.subarray(at)]);
      }
      return;
    case 'crlf':
      if (n) {
        const i = mod(d.at, n);
        if (eols[i]) eols[i] = '\r\n';
      }
      return;
    case 'crlf-all':
      for (let i = 0; i < n; i++) if (eols[i]) eols[i] = '\r\n';
      return;
    case 'null-parent':
      if (n) {
        const i = mod(d.at, n);
        lines[i] = setParent(lines[i]!, null);
      }
      return;
    case 'dup-parent':
      if (n) {
        const from = PARENT.exec(latin(lines[mod(d.from, n)]!))?.[0];
        const i = mod(d.at, n);
        if (from) lines[i] = unlatin(latin(lines[i]!).replace(PARENT, from));
      }
      return;
    case 'dup-uuid':
      if (n) {
        const u = uuidOf(lines[mod(d.from, n)]);
        const i = mod(d.at, n);
        if (u) lines[i] = unlatin(latin(lines[i]!).replace(UUID, `"uuid":${JSON.stringify(u)}`));
      }
      return;
    case 'cycle':
      if (n) {
        const i = mod(d.at, n);
        const later = i + 1 + mod(d.from, n - i);
        const u = uuidOf(lines[Math.min(later, n - 1)]);
        if (u) lines[i] = setParent(lines[i]!, u);
      }
      return;
    case 'lone-surrogate':
      if (n) {
        const i = mod(d.at, n);
        lines[i] = unlatin(latin(lines[i]!).replace(/"(text|content|thinking)":"/, '"$1":"\\ud83d'));
      }
      return;
    case 'dangling-parent':
      if (n) {
        const i = mod(d.at, n);
        lines[i] = setParent(lines[i]!, fakeUuid(d.at, 'dd'));
      }
      return;
    case 'tear-end':
      if (n) {
        const last = lines[n - 1]!;
        lines[n - 1] = last.subarray(0, Math.floor(last.length * d.cut));
        eols[n - 1] = '';
      }
      return;
    case 'blank': {
      const i = mod(d.at, n + 1);
      lines.splice(i, 0, Buffer.from(d.text));
      eols.splice(i, 0, '\n');
      return;
    }
  }
}

export function damaged(bytes: Buffer, damage: readonly Damage[]): Buffer {
  const raw = splitRaw(bytes);
  for (const d of damage) applyDamage(raw, d);
  return joinRaw(raw);
}

/* ---- arbitraries ---- */

const pos = fc.nat({ max: 100_000 });
const frac = fc.double({ min: 0, max: 1, noNaN: true });
const byte = fc.integer({ min: 0, max: 255 });
const invalidUtf8 = fc.constantFrom<number[]>([0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]);

const SMALL: { [K in Exclude<Damage['kind'], 'huge'>]: fc.Arbitrary<Extract<Damage, { kind: K }>> } = {
  drop: fc.record({ kind: fc.constant('drop'), at: pos }),
  duplicate: fc.record({ kind: fc.constant('duplicate'), at: pos, to: pos }),
  swap: fc.record({ kind: fc.constant('swap'), a: pos, b: pos }),
  truncate: fc.record({ kind: fc.constant('truncate'), at: pos, cut: frac }),
  corrupt: fc.record({ kind: fc.constant('corrupt'), at: pos, offset: pos, byte }),
  junk: fc.record({ kind: fc.constant('junk'), at: pos, bytes: fc.array(byte, { maxLength: 64 }) }),
  'invalid-utf8': fc.record({ kind: fc.constant('invalid-utf8'), at: pos, bytes: invalidUtf8 }),
  crlf: fc.record({ kind: fc.constant('crlf'), at: pos }),
  'crlf-all': fc.constant({ kind: 'crlf-all' }),
  'null-parent': fc.record({ kind: fc.constant('null-parent'), at: pos }),
  'dup-parent': fc.record({ kind: fc.constant('dup-parent'), at: pos, from: pos }),
  'dup-uuid': fc.record({ kind: fc.constant('dup-uuid'), at: pos, from: pos }),
  cycle: fc.record({ kind: fc.constant('cycle'), at: pos, from: pos }),
  'lone-surrogate': fc.record({ kind: fc.constant('lone-surrogate'), at: pos }),
  'dangling-parent': fc.record({ kind: fc.constant('dangling-parent'), at: pos }),
  'tear-end': fc.record({ kind: fc.constant('tear-end'), cut: frac }),
  blank: fc.record({ kind: fc.constant('blank'), at: pos, text: fc.constantFrom('' as const, ' ' as const, '\t' as const, '\r' as const) }),
};

/** Every kind of damage except huge lines (those cost MBs per run; see `hugeDamage`), less any `except`. */
export function smallDamageExcept(...except: Damage['kind'][]): fc.Arbitrary<Damage> {
  return fc.oneof(
    ...Object.entries(SMALL)
      .filter(([k]) => !except.includes(k as Damage['kind']))
      .map(([, a]) => a as fc.Arbitrary<Damage>),
  );
}

export const smallDamage = smallDamageExcept();

export const hugeDamage: fc.Arbitrary<Damage> = fc.record({
  kind: fc.constant('huge' as const),
  at: pos,
  mb: fc.double({ min: 1, max: 3, noNaN: true }),
  shape: fc.constantFrom('user' as const, 'tool-result' as const, 'garbage' as const),
});

/** The real transcripts damage is applied to (the 3 MB one is in its own, smaller run set). */
export const SMALL_FIXTURES = (Object.keys(REAL) as RealName[]).filter((n) => n !== 'long');

const bytesCache = new Map<RealName, Buffer>();
export function fixtureBytes(name: RealName): Buffer {
  let b = bytesCache.get(name);
  if (!b) bytesCache.set(name, (b = realBytes(name)));
  return b;
}

export interface Case {
  readonly fixture: RealName;
  readonly damage: readonly Damage[];
}

export const caseOf = (fixtures: readonly RealName[], damage: fc.Arbitrary<Damage> = smallDamage, maxLength = 8): fc.Arbitrary<Case> =>
  fc.record({ fixture: fc.constantFrom(...fixtures), damage: fc.array(damage, { minLength: 1, maxLength }) });

export const bytesOf = (c: Case): Buffer => damaged(fixtureBytes(c.fixture), c.damage);
