/** Writes a transcript of at least `targetBytes` built from the real 2.1.39 fixture; resolves to its size. */
export function makeLarge(out: string, targetBytes: number, options?: { keepCompactions?: boolean }): Promise<number>;
export const SOURCE: string;
