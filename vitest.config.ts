import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Unit tests live beside the code; cross-package suites under test/ (except e2e and bench,
// which have their own runners). Workspace packages resolve to their TypeScript sources via
// the "@jukebox/source" export condition, so tests never need a prior build. The condition
// is added to Vite's defaults, never replacing them (dependencies such as ws rely on them).
const source = '@jukebox/source';

export default defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'firmware-hal/src/**/*.test.ts',
      'fleet-server/src/**/*.test.ts',
      'apps/kiosk/src/**/*.test.{ts,tsx}',
      'test/integration/**/*.test.ts',
      'test/bench/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
