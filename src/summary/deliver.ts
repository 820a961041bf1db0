import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function systemClipboard(text: string): Promise<void> {
  const { default: clipboard } = await import('clipboardy');
  await clipboard.write(text);
}

export type Delivery = { kind: 'clipboard' } | { kind: 'file'; path: string; reason: string };

/**
 * Puts the hand-off on the clipboard; where there is none (SSH, CI, no
 * xclip/wl-copy), writes it to a file and says where.
 */
export async function copyOrWrite(
  markdown: string,
  name: string,
  dir = tmpdir(),
  clipboardWrite: (text: string) => Promise<void> = systemClipboard,
): Promise<Delivery> {
  try {
    await clipboardWrite(markdown);
    return { kind: 'clipboard' };
  } catch (e) {
    const path = join(dir, `ccmend-summary-${name}.md`);
    writeFileSync(path, markdown);
    return { kind: 'file', path, reason: ((e as Error).message || 'no clipboard').split('\n')[0]! };
  }
}
