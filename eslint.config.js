// ESLint flat config. Beyond style, it enforces the boundaries in DESIGN.md:
// protocol imports nothing of ours, kiosk-core never touches electron/React/DOM, the renderer
// never touches Node, and only the window module may create BrowserWindows.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ourNodePackages = [
  '@jukebox/kiosk-core',
  '@jukebox/media',
  '@jukebox/firmware-hal',
  '@jukebox/firmware-hal/*',
  '@jukebox/demo-catalog',
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.demo/**',
      '**/test-results/**',
      '**/playwright-report/**',
      'apps/kiosk/release/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['packages/protocol/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@jukebox/*'],
              message: 'packages/protocol imports nothing of ours (DESIGN.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/kiosk-core/src/**', 'packages/media/src/**', 'firmware-hal/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The core runs under both shells: no electron here (DESIGN.md).',
            },
            { name: 'react', message: 'No React in the core (DESIGN.md).' },
            { name: 'react-dom', message: 'No React in the core (DESIGN.md).' },
          ],
          patterns: [{ group: ['@jukebox/kiosk'], message: 'The core never imports the shell.' }],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['apps/kiosk/src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Node's globals are declared for every file above; the renderer has none of them.
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', 'global', '__dirname', '__filename', 'module'].map(
          (name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node globals.' }),
        ),
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message:
                'The renderer never imports Node modules; it uses the typed KioskApi (DESIGN.md).',
            })),
            {
              name: 'electron',
              message: 'The renderer talks to the core only through the KioskApi.',
            },
          ],
          patterns: [
            {
              group: ourNodePackages,
              message: 'The renderer sees the core only through the KioskApi.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/kiosk/src/main/**', 'apps/kiosk/src/preload/**'],
    ignores: ['apps/kiosk/src/main/window.ts', 'apps/kiosk/src/main/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['BrowserWindow', 'BrowserView', 'WebContentsView'],
              message: 'Windows are made in one place: src/main/window.ts (STYLE.md item 6).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
