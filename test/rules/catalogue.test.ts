import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { type Client, GENERATIONS } from '../../src/conversation/clients.js';
import { applyEdits } from '../../src/edit/apply.js';
import { type AnalyzeOptions, analyze } from '../../src/rules/analyze.js';
import { RULES } from '../../src/rules/registry.js';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';
import { type RealName, docOf, realBytes, realDoc } from '../helpers/fixtures.js';
import { hugeTaskOutput } from '../budget/cases.js';
import { at, blocksOf, dropLinked, type Entry, entries, entry, forClient, rows } from './helpers.js';

/*
 * The catalogue: every rule has a file of its own, named by its id, in its
 * family's folder; a broken copy of a real transcript (changed as little as
 * possible) on which it is the one rule that speaks; a fix that leaves the
 * copy clean; and a row in the README's table. The family tests beside this
 * file test each rule in depth.
 */

const MB = 1024 * 1024;
const RULES_DIR = new URL('../../src/rules/', import.meta.url);

interface Case {
  /** The real session the broken copy is made from. */
  readonly from: RealName;
  /** A broken copy of it on which only this rule reports, once. */
  readonly doc: () => Doc;
  readonly options?: AnalyzeOptions;
  /** Rules the same shape trips as well, for clients that send it differently. */
  readonly alongside?: readonly string[];
}

/** The image fixture's Read result, holding a 40×20 PNG (line 23). */
function withImage(change: (png: Buffer) => Buffer): Doc {
  const lines = entries('image');
  const image = blocksOf(entry(lines, '3bc009e6'))[0]!.content[0];
  image.source.data = change(Buffer.from(image.source.data, 'base64')).toString('base64');
  return docOf(lines);
}

/** A real session with `change` made to the first block of the line whose uuid starts with `uuid`. */
function withFixture(name: RealName, uuid: string, change: (block: Entry) => void): Doc {
  const lines = entries(name);
  change(blocksOf(entry(lines, uuid))[0]!);
  return docOf(lines);
}

/** The lean 2.1.19 session with `change` made to the first block of one line. */
const leanWith = (uuid: string, change: (block: Entry) => void) => withFixture('lean', uuid, change);

/** The lean session with the call of one line and the result of another under `id`. */
function leanPairAs(call: string, result: string, id: string): Doc {
  const lines = entries('lean');
  blocksOf(entry(lines, call))[0]!.id = id;
  blocksOf(entry(lines, result))[0]!.tool_use_id = id;
  return docOf(lines);
}

/** The real PNG of the image fixture, as an image block. */
const withImageBlock = () => structuredClone(blocksOf(entry(entries('image'), '3bc009e6'))[0]!.content[0]);

/** The lean session with a copy of one of its lines inserted after it under a new uuid (a line written twice). */
function leanCopied(uuid: string, parentOfCopy: (original: Entry) => string | null): Doc {
  const lines = entries('lean');
  const i = at(lines, uuid);
  lines.splice(i + 1, 0, { ...structuredClone(lines[i]!), uuid: 'dddddddd-0000-4000-8000-000000000001', parentUuid: parentOfCopy(lines[i]!) });
  return docOf(lines);
}

const leanLine = (n: number) => realBytes('lean').toString('utf8').split('\n')[n - 1]!;
const thinkingOf = (lines: Entry[]) => blocksOf(entry(lines, '9f86cf6b'))[0]!;

const CASES: Record<string, Case> = {
  'tool-result-missing': { from: 'parallel', doc: () => docOf(dropLinked(entries('parallel'), 'e132e620')) },
  'tool-result-orphan': { from: 'parallel', doc: () => docOf(dropLinked(entries('parallel'), '76c0eca2')) },
  'tool-result-order': {
    from: 'parallel',
    doc: () => {
      const lines = entries('parallel');
      blocksOf(entry(lines, 'e8486ca7')).unshift({ type: 'text', text: 'note' });
      return docOf(lines);
    },
  },
  // 2.1.80 sends the parallel calls' side branches and both calls (2.1.88+ drop the second).
  'tool-use-duplicate': { from: 'lean', doc: () => leanCopied('d1c67e04', (e) => e.uuid), options: forClient('2.1.80') },
  'tool-result-duplicate': { from: 'lean', doc: () => leanCopied('b89f34a5', (e) => e.parentUuid) },
  'tool-id-format': { from: 'lean', doc: () => leanPairAs('d1c67e04', 'b89f34a5', 'functions.Write:0') },
  // The later Edit call and its result named after the earlier Write call and "_2", as the recorded case tool-result-id-batch-entry.
  'tool-id-batch-entry': { from: 'lean', doc: () => leanPairAs('7e285a2a', 'd8f9c4c6', 'toolu_01WriteHealth_2') },
  'tool-input-type': { from: 'lean', doc: () => leanWith('d1c67e04', (u) => (u.input = JSON.stringify(u.input))) },
  'error-result-empty': { from: 'lean', doc: () => leanWith('b89f34a5', (r) => (r.content = '')) },
  'server-tool-result-orphan': { from: 'webSearch', doc: () => docOf(dropLinked(entries('webSearch'), '1dc34c4d')) },
  'tool-name': { from: 'lean', doc: () => leanWith('d1c67e04', (u) => (u.name = `Write ${JSON.stringify(u.input)}`.repeat(3))) },
  'tool-reference': { from: 'toolSearch', doc: () => withFixture('toolSearch', '8398a685', (r) => (r.content[0].tool_name = `mcp__${'x'.repeat(64)}`)) },
  'text-empty': {
    from: 'parallel',
    doc: () => {
      const lines = entries('parallel');
      entry(lines, '2e5e0adf').message.content = '';
      return docOf(lines);
    },
  },
  // The text line of the 2.1.19 session's split first response, left as whitespace.
  'text-whitespace': { from: 'lean', doc: () => leanWith('30631387', (t) => (t.text = ' \n\t')) },
  'message-empty': {
    from: 'old',
    // An answer of the 1.0.98 session (line 433) left with no content between two prompts.
    doc: () => {
      const lines = entries('old');
      entry(lines, 'fa393e1e').message.content = [];
      return docOf(lines);
    },
  },
  'final-whitespace': { from: 'lean', doc: () => leanWith('df54582d', (t) => (t.text += '\n\n')) },
  // The 2.1.19 session's first prompt sent as an image and an empty text (a screenshot pasted with no words), the request failing at once.
  'cache-control-empty': {
    from: 'lean',
    // Clients before 2.1.32 send the empty block itself (followed by their own answer), which the API refuses as empty text.
    alongside: ['text-empty'],
    doc: () => {
      const lines = entries('lean').slice(0, 2);
      lines[1]!.message.content = [withImageBlock(), { type: 'text', text: '' }];
      return docOf(lines);
    },
  },
  'thinking-order': {
    from: 'parallel',
    doc: () => {
      // The 2.1.330 response's thinking line written after its text line.
      const lines = entries('parallel');
      const t = at(lines, '9f86cf6b');
      const [thinking, text] = [lines[t]!, lines[t + 1]!];
      text.parentUuid = thinking.parentUuid;
      thinking.parentUuid = text.uuid;
      entry(lines, '098eb2e4').parentUuid = thinking.uuid;
      lines.splice(t, 2, text, thinking);
      return docOf(lines);
    },
  },
  'thinking-empty': {
    from: 'parallel',
    doc: () => {
      const lines = entries('parallel');
      thinkingOf(lines).thinking = '';
      delete thinkingOf(lines).signature;
      return docOf(lines);
    },
  },
  'thinking-signature': {
    from: 'parallel',
    doc: () => {
      const lines = entries('parallel');
      delete thinkingOf(lines).signature;
      return docOf(lines);
    },
  },
  'first-role': { from: 'lean', doc: () => docOf(dropLinked(entries('lean'), 'aa6ef44a')), options: { provider: 'bedrock' } },
  'role-alternation': {
    from: 'parallel',
    // The 2.1.330 response split in two: its last tool_use line under a message id of its own, both results hanging off it.
    doc: () => {
      const lines = entries('parallel');
      const bbb = entry(lines, '76c0eca2');
      bbb.message.id = 'msg_split_by_a_lost_id';
      entry(lines, 'e8486ca7').parentUuid = bbb.uuid;
      return docOf(lines);
    },
    options: { provider: 'vertex' },
  },
  'lone-surrogate': {
    from: 'lean',
    doc: () => {
      const lines = entries('lean');
      entry(lines, 'aa6ef44a').message.content = 'Add a health endpoint \ud83d';
      return docOf(lines);
    },
  },
  'image-too-large': { from: 'image', doc: () => withImage((png) => Buffer.concat([png, Buffer.alloc(4_000_000 - png.length)])) },
  'image-dimensions': {
    from: 'image',
    doc: () =>
      withImage((png) => {
        const wide = Buffer.from(png);
        wide.writeUInt32BE(9000, 16);
        return wide;
      }),
  },
  'image-empty': { from: 'image', doc: () => withImage(() => Buffer.alloc(0)) },
  'image-media-type': { from: 'image', doc: () => withFixture('image', '3bc009e6', (r) => (r.content[0].source.media_type = 'image/gif')) },
  'media-count': { from: 'image', doc: () => withFixture('image', '3bc009e6', (r) => (r.content = Array(101).fill(r.content[0]))) },
  'document-invalid': {
    from: 'pdf',
    doc: () => withFixture('pdf', 'dbfb4200', (r) => (r.content[1].source.data = Buffer.from('%PDF-1.4\n').toString('base64'))),
  },
  'request-too-large': { from: 'lean', doc: () => leanWith('785a36a8', (r) => (r.content = 'x'.repeat(33 * MB))) },
  // The 1.0.98 session (claude-sonnet-4: 200,000 tokens) with the Task output on line 294 three times the window.
  'prompt-too-long': { from: 'old', doc: () => docOf(hugeTaskOutput()) },
  'too-many-messages': {
    from: 'lean',
    // 100,001 alternating messages built from the 2.1.19 prompt and answer (as text: 100k objects cost more than the check).
    doc: () => {
      const [prompt, answer] = [entry(entries('lean'), 'aa6ef44a'), entry(entries('lean'), 'df54582d')];
      const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const [p, a] = [prompt, answer].map((e) => JSON.stringify({ ...e, uuid: '@U', parentUuid: '@P', message: { ...e.message, id: e.message.id && '@M' } }));
      const text = Array.from({ length: 100_001 }, (_, i) =>
        (i % 2 ? a! : p!)
          .replace('"@U"', `"${uuid(i)}"`)
          .replace('"@P"', i ? `"${uuid(i - 1)}"` : 'null')
          .replace('"@M"', `"msg_${i}"`),
      );
      return docFromBuffer(Buffer.from(`${text.join('\n')}\n`));
    },
  },
  // The last line of the 2.1.19 session torn off again after it was written: the writer died mid-way through a second copy.
  'parse-error': { from: 'lean', doc: () => docOf([...entries('lean'), leanLine(14).slice(0, 200)]) },
  'chain-dangling': {
    from: 'parallel',
    // The 2.1.330 session with an attachment line lost and nothing relinked: the one after it points at nothing.
    doc: () => {
      const lines = entries('parallel');
      lines.splice(at(lines, '00c7f4cd'), 1);
      return docOf(lines);
    },
    // Clients before 2.1.91 resume from the token reminder after the gap, which they do not send before
    // 2.1.190 (fixtures/recordings): their request opens on the answer.
    alongside: ['first-role'],
  },
  'chain-progress-parent': {
    from: 'lean',
    // The 2.1.19 Write call hung under a hook's progress line, as 2.1.38 writes them: clients before 2.1.19
    // do not read it and resume from the call, so their request opens on an answer.
    doc: () => {
      const lines = entries('lean');
      const text = entry(lines, '629f6c51');
      const progress = {
        type: 'progress',
        parentUuid: text.uuid,
        isSidechain: false,
        sessionId: text.sessionId,
        version: text.version,
        data: { type: 'hook_progress', hookEvent: 'PreToolUse', hookName: 'PreToolUse:Write', command: 'true' },
        uuid: 'eeeeeeee-0000-4000-8000-000000000001',
        timestamp: '2026-11-22T18:04:07.410Z',
      } as unknown as Entry;
      lines.splice(at(lines, '629f6c51') + 1, 0, progress);
      entry(lines, 'd1c67e04').parentUuid = progress.uuid;
      return docOf(lines);
    },
    alongside: ['first-role'],
  },
  'chain-cycle': {
    from: 'lean',
    doc: () => {
      const lines = entries('lean');
      entry(lines, 'aa6ef44a').parentUuid = entry(lines, 'ed05c3e4').uuid;
      return docOf(lines);
    },
  },
  // The 2.1.19 prompt written twice, byte for byte.
  'uuid-duplicate': { from: 'lean', doc: () => docOf([...entries('lean').slice(0, 2), leanLine(2), ...entries('lean').slice(2)]) },
};

/** Rules that offer no fix, and why. */
const NO_FIX: Record<string, string> = {
  'too-many-messages': 'only a rewind or a fresh session (ccmend summary) can shorten the conversation',
};

/** The rule ids in the first column of the README's "What it checks" table. */
function readmeRuleIds(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## What it checks'));
  const table = section.slice(0, section.indexOf('\n## '));
  return table
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!));
}

test('every rule is the default export of src/rules/<family>/<id>.ts, and every file there is a rule', async () => {
  for (const rule of RULES) {
    const file = await import(new URL(`${rule.family}/${rule.id}.ts`, RULES_DIR).href);
    expect(file.default.check).toBe(rule.check);
  }
  const families = [...new Set(RULES.map((r) => r.family))];
  const files = families.flatMap((f) => readdirSync(new URL(`${f}/`, RULES_DIR)).map((name) => `${f}/${name}`));
  // A family's helpers live in its shared.ts.
  expect(files.filter((f) => !f.endsWith('/shared.ts')).sort()).toEqual(RULES.map((r) => `${r.family}/${r.id}.ts`).sort());
});

test('every rule has a row in the README table, and every row a rule', () => {
  expect(readmeRuleIds().sort()).toEqual(RULES.map((r) => r.id).sort());
});

test('every rule has a broken case, and every case a rule', () => {
  expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
});

describe.each(RULES.map((r) => r.id))('%s', (id) => {
  const c = CASES[id]!;
  // Documents are immutable: one copy serves both tests.
  let doc: Doc | undefined;
  const broken = () => (doc ??= c.doc());

  test('its broken case yields exactly it, once', () => {
    expect(rows(broken(), c.options).map((r) => r.rule)).toEqual([id, ...(c.alongside ?? [])]);
  });

  test(NO_FIX[id] ? `offers no fix: ${NO_FIX[id]}` : 'its first fix leaves the copy clean', () => {
    const [d] = analyze(broken(), c.options).diagnostics;
    if (NO_FIX[id]) {
      expect(d!.fixes).toEqual([]);
      return;
    }
    const fixed = applyEdits(broken(), d!.fixes[0]!.edits);
    expect(rows(fixed, c.options)).toEqual([]);
    // Every modelled Claude Code that sends the real session without an error sends the repaired copy so too.
    const errors = (doc: Doc, client: Client) => rows(doc, { ...c.options, target: [client] }).filter((r) => r.severity === 'error');
    const clean = GENERATIONS.filter((client) => !errors(realDoc(c.from), client).length);
    expect(clean.length).toBeGreaterThan(0);
    for (const client of clean) expect([client.version, errors(fixed, client)]).toEqual([client.version, []]);
  });
});
