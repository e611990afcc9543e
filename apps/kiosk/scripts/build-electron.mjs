// Bundles the Electron main process and the preload (run after `vite build`, see package.json).
// main: ESM for Node, with workspace packages, zod and ws bundled in; electron is provided by the
//   runtime and better-sqlite3 is native (it lives with the core, never in main).
// preload: a sandboxed preload is CommonJS and may require only `electron`, so everything
//   else (zod, @jukebox/protocol) must be inside the one file; the build fails otherwise.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Compile workspace packages from their TypeScript sources, as vitest does, so this script does
// not depend on their dist being fresh.
const conditions = ['@jukebox/source'];

await build({
  absWorkingDir: root,
  entryPoints: ['src/main/main.ts'],
  outfile: 'dist/main/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions,
  // ws probes for these optional native speed-ups with require() in a try block.
  external: ['electron', 'better-sqlite3', 'bufferutil', 'utf-8-validate'],
  // Bundled CommonJS (ws) calls require() for Node built-ins, which ESM output lacks.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
});

const preload = await build({
  absWorkingDir: root,
  entryPoints: ['src/preload/preload.ts'],
  outfile: 'dist/preload/preload.cjs',
  bundle: true,
  platform: 'browser',
  format: 'cjs',
  target: 'chrome140',
  conditions,
  external: ['electron'],
  metafile: true,
  sourcemap: 'inline',
  logLevel: 'warning',
});

const stray = Object.values(preload.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((imp) => imp.external && imp.path !== 'electron');
if (stray.length > 0) {
  console.error(`preload requires modules a sandbox cannot load: ${stray.map((i) => i.path)}`);
  process.exit(1);
}
console.log('built dist/main/main.js and dist/preload/preload.cjs');
