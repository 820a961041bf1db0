import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/** A failure to report as one line on stderr (no stack) with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

/**
 * One readable line for a failed file operation. `writing`: the path is a
 * file being saved, so a missing path means a missing directory.
 */
export function ioMessage(e: unknown, path: string, writing = false): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      if (!writing) return `${path}: no such file`;
      return existsSync(dirname(path)) ? `${path}: cannot create a file in ${dirname(path)}` : `${dirname(path)}: no such directory`;
    case 'ENOTDIR':
      return `${path}: a part of the path is not a directory`;
    case 'EISDIR':
      return `${path}: is a directory, not a transcript`;
    case 'ENOTREG':
      return `${path}: ${(e as Error).message}`;
    case 'ENXIO':
      return `${path}: a socket or device, not a regular file`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'ENOSPC':
      return `${path}: no space left on the device`;
    case 'EDQUOT':
      return `${path}: disk quota exceeded`;
    case 'EFBIG':
      return `${path}: file too large for this file system or size limit`;
    case 'EROFS':
      return `${path}: the file system is read-only`;
    case 'EIO':
      return `${path}: input/output error (a failing disk or a file that cannot be read)`;
    case 'ELOOP':
      return `${path}: too many levels of symbolic links`;
    case 'ENAMETOOLONG':
      return `${path}: file name too long`;
    default:
      return `${path}: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
  }
}
