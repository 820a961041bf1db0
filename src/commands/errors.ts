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

/** One readable line for a failed file operation. */
export function ioMessage(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file`;
    case 'EISDIR':
      return `${path}: is a directory, not a transcript`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'ENOSPC':
      return `${path}: no space left on the device`;
    case 'EROFS':
      return `${path}: the file system is read-only`;
    default:
      return `${path}: ${(e as Error)?.message ?? String(e)}`;
  }
}
