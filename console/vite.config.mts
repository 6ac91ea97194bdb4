import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
// `npx vite console` serves the sources with live reload; the API runs on its own port meanwhile.
const api = process.env.CONSOLE_API ?? 'http://localhost:3000';

/** The console: Preact through Vite, built into dist/console and served by the API at /console. */
export default defineConfig({
  root: here,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or data: URLs anywhere, so a strict Content-Security-Policy holds.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { proxy: { '/v1': api, '/dev': api, '/health': api } },
});
