/** Writes a transcript of at least `targetBytes` built from the real 2.1.39 fixture; resolves to its size. */
export function makeLarge(out: string, targetBytes: number): Promise<number>;
export const SOURCE: string;
