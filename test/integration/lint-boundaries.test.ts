import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The architecture boundaries of DESIGN.md are lint rules (eslint.config.js). This lints
// small snippets as if they sat at the paths where they are forbidden, and where they are fine.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('architecture boundaries (ESLint)', () => {
  it.each([
    [
      "import fs from 'node:fs';\nvoid fs;",
      'apps/kiosk/src/renderer/x.ts',
      'no-restricted-imports',
    ],
    [
      "import { startCore } from '@jukebox/kiosk-core';\nvoid startCore;",
      'apps/kiosk/src/renderer/x.ts',
      'no-restricted-imports',
    ],
    ['export const cwd = process.cwd();', 'apps/kiosk/src/renderer/x.ts', 'no-restricted-globals'],
    [
      "import { app } from 'electron';\nvoid app;",
      'packages/kiosk-core/src/x.ts',
      'no-restricted-imports',
    ],
    [
      "import React from 'react';\nvoid React;",
      'packages/kiosk-core/src/x.ts',
      'no-restricted-imports',
    ],
    ['export const w = window;', 'packages/kiosk-core/src/x.ts', 'no-restricted-globals'],
    [
      "import { VERSION } from '@jukebox/kiosk-core';\nvoid VERSION;",
      'packages/protocol/src/x.ts',
      'no-restricted-imports',
    ],
    [
      "import { BrowserWindow } from 'electron';\nvoid BrowserWindow;",
      'apps/kiosk/src/main/x.ts',
      'no-restricted-imports',
    ],
  ])('refuses %j in %s', async (code, file, rule) => {
    expect(await ruleIds(code, file)).toContain(rule);
  });

  it.each([
    [
      "import { kioskMethods } from '@jukebox/protocol';\nvoid kioskMethods;",
      'apps/kiosk/src/renderer/x.ts',
    ],
    ["import fs from 'node:fs';\nvoid fs;", 'packages/kiosk-core/src/x.ts'],
    [
      "import { BrowserWindow } from 'electron';\nvoid BrowserWindow;",
      'apps/kiosk/src/main/window.ts',
    ],
  ])('allows %j in %s', async (code, file) => {
    expect(await ruleIds(code, file)).toEqual([]);
  });
});
