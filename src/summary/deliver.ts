import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Delivery = { kind: 'clipboard' } | { kind: 'file'; path: string; reason: string };

/**
 * Puts the hand-off on the clipboard; where there is none (SSH, CI, no
 * xclip/wl-copy), writes it to a file and says where.
 */
export async function copyOrWrite(markdown: string, name: string, dir = tmpdir()): Promise<Delivery> {
  try {
    const { default: clipboard } = await import('clipboardy');
    await clipboard.write(markdown);
    return { kind: 'clipboard' };
  } catch (e) {
    const path = join(dir, `ccmend-summary-${name}.md`);
    writeFileSync(path, markdown);
    return { kind: 'file', path, reason: ((e as Error).message || 'no clipboard').split('\n')[0]! };
  }
}
