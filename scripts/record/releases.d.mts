/** The releases recorded with every case. */
export const RELEASES: readonly string[];
