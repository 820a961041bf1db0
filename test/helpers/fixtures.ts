import { cpSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Doc } from '../../src/transcript/document.js';
import { docFromBuffer } from '../../src/transcript/load.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const CLAUDE_HOME = join(FIXTURES, 'claude-home');
export const PROJECTS = join(CLAUDE_HOME, 'projects');

/** Short names for the real transcripts in fixtures/claude-home (see fixtures/README.md). */
export const REAL = {
  /** 2.1.330: parallel tools, Write/Edit, an Agent call, /compact. */
  compact: '-home-demo-acme-shop/55cec905-72ad-4d63-801c-986d82b42bf0.jsonl',
  /** 2.1.330: thinking, text and two parallel Bash calls, results on side branches. */
  parallel: '-home-demo-acme-shop/a4cca2e3-9cc3-4bd2-96c9-6f3a07ed0fe1.jsonl',
  /** 2.1.330: a Read of a PNG (tool_result holding an image). */
  image: '-home-demo-acme-shop/72ee3283-d363-4ab4-9bb9-6d0e0b8aed55.jsonl',
  /** 2.1.19: lean format. */
  lean: '-home-demo-acme-shop/d0ea885a-0f80-4843-82bb-f06c71bdbf28.jsonl',
  /** 2.1.39: 1512 lines, progress, compaction, redacted thinking signatures. */
  long: '-home-USER-projects-spotter-worktrees-spotter-dov/4d5611e5-241a-462a-8d15-5122611a9569.jsonl',
  /** 2.1.38: local_command, real signature, interruption. */
  localCommand: '-home-marco-projects-spotter/55604662-cf2a-4331-851a-ec234028f8ca.jsonl',
  /** 2.1.38: queue operations, interruptions, parallel tools. */
  queue: '-home-marco-projects-spotter/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl',
  /** 1.0.98: inline sidechains, a summary line. */
  old: '-path-to-Demo/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl',
  /** 1.0.98: linear parallel-tool chain, isMeta slash command. */
  oldLinear: '-path-to-Demo/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl',
  /** hand-written: a rewind fork and a compact boundary with preservedSegment. */
  fork: '-tmp/s2.jsonl',
  /** 2.1.330: a web search run by the API (server_tool_use and its web_search_tool_result in the response). */
  webSearch: '-tmp-ccmend-fixtures-acme-shop/9ba8a48a-4fb7-4def-a261-098d6b673073.jsonl',
  /** 2.1.330: a Read of a two-page PDF (tool_result holding a document block). */
  pdf: '-tmp-ccmend-fixtures-acme-shop/bdfc3e92-8eee-45c7-b32f-25f12f06bc7b.jsonl',
  /** 2.1.330: a ToolSearch that loaded WebFetch (tool_result holding a tool_reference). */
  toolSearch: '-tmp-ccmend-fixtures-acme-shop/fed7764a-6716-4499-8789-b15e228d3006.jsonl',
  /** 2.1.332: work tracked with TaskCreate/TaskUpdate/TaskList (loaded by ToolSearch); a foreground subagent that writes a test, runs it and closes its task. */
  tasks: '-tmp-ccmend-fixtures-acme-shop/51483dab-eb50-4c9c-9132-23c4d95935c3.jsonl',
} as const;
export type RealName = keyof typeof REAL;

export function realPath(name: RealName): string {
  return join(PROJECTS, REAL[name]);
}

/** A copy in `dir` of a real session with its subagent transcripts beside it (`<dir>/<session>/subagents/`): its path and that folder's. */
export function copyWithSubagents(name: RealName, dir: string): { main: string; subagents: string } {
  const main = join(dir, basename(REAL[name]));
  const subagents = join(dir, basename(main, '.jsonl'), 'subagents');
  cpSync(realPath(name), main);
  cpSync(join(realPath(name).replace(/\.jsonl$/, ''), 'subagents'), subagents, { recursive: true });
  return { main, subagents };
}

export function realBytes(name: RealName): Buffer {
  return readFileSync(realPath(name));
}

export function realDoc(name: RealName): Doc {
  return docFromBuffer(realBytes(name), realPath(name));
}

/** The lines of a real fixture as parsed objects, for building broken copies. */
export function realLines(name: RealName): Record<string, unknown>[] {
  return realBytes(name)
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A document from entries (one JSON line each, newline-terminated). */
export function docOf(entries: readonly unknown[], path = 'broken.jsonl'): Doc {
  return docFromBuffer(Buffer.from(entries.map((e) => `${typeof e === 'string' ? e : JSON.stringify(e)}\n`).join('')), path);
}

/** Every .jsonl under fixtures/claude-home, subagents included. */
export function allTranscripts(dir = PROJECTS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return allTranscripts(p);
    return name.endsWith('.jsonl') ? [p] : [];
  });
}
