import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The core answers the API and serves covers on this port in the browser shell (DESIGN.md).
const core = 'http://127.0.0.1:8480';

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the core serves the build at `/`, Electron loads it from a custom
  // protocol, and both must find the same files.
  base: './',
  plugins: [react()],
  // Workspace packages resolve to their TypeScript sources, so no protocol build is needed.
  resolve: { conditions: ['@jukebox/source', ...defaultClientConditions] },
  build: { outDir: 'dist/renderer', emptyOutDir: true },
  server: {
    proxy: {
      '/api': { target: core, ws: true },
      '/media': { target: core },
    },
  },
});
