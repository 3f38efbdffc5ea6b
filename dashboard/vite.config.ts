import path from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The dashboard is served by the server at /dashboard/ from dist/dashboard (server/dashboard):
// hashed assets under assets/ (cached for good), index.html never cached. No inline script, so
// the page runs under a strict Content-Security-Policy.
export default defineConfig({
  root: here,
  base: '/dashboard/',
  plugins: [preact()],
  build: {
    outDir: path.join(here, '../dist/dashboard'),
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
