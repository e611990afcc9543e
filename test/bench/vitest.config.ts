import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The benchmarks' helpers have a few tests of their own:
// `npx vitest run --config test/bench/vitest.config.ts`. The benchmarks themselves run with
// `npm run bench`, never under vitest.
export default defineConfig({
  root: path.dirname(fileURLToPath(import.meta.url)),
  ssr: { resolve: { conditions: ['@jukebox/source', ...defaultServerConditions] } },
  test: { include: ['*.test.ts'], pool: 'forks' },
});
