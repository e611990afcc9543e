import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/** Debian's /usr/bin/chromium, or Ubuntu's chromium-browser. */
function chromiumPath(): string {
  return (
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ??
    '/usr/bin/chromium'
  );
}

// Debian's Chromium, never a downloaded browser (`npx playwright install` cannot work on our
// build machines). The flags keep it quiet on a closed network and runnable as root.
export default defineConfig({
  testDir: './specs',
  globalSetup: './global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? 'list' : 'list',
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
    hasTouch: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'landscape', use: { viewport: { width: 1920, height: 1080 } } }],
});
