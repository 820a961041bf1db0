import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import type { Io } from '../../src/commands/output.js';

/** A throwaway `~/.claude` (configDir) and project directory, removed after each test. */
export interface Sandbox {
  readonly root: string;
  readonly configDir: string;
  readonly projectDir: string;
  /** Writes `text` (or JSON for objects) under the sandbox root; returns the absolute path. */
  write(rel: string, content: string | object): string;
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'ccmend-doctor-'));
  made.push(root);
  const configDir = join(root, 'claude');
  const projectDir = join(root, 'project');
  mkdirSync(configDir);
  mkdirSync(projectDir);
  return {
    root,
    configDir,
    projectDir,
    write(rel, content) {
      const path = join(root, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
  };
}

/** An Io that records what a command prints. */
export function capture(): Io & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (t) => out_.push(t), err: (t) => err_.push(t) };
}
