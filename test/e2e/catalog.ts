/** The small catalog the e2e suites play: generated once, deterministic. */
export const E2E_CATALOG = { seed: 7, tracks: 12, minSeconds: 5, maxSeconds: 7 } as const;
