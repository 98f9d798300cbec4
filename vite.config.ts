import { defineConfig } from 'vite';

// The renderer is served from `app://studio/` in Electron and from http://127.0.0.1:PORT/ by
// `studio serve`, so every asset URL is relative (base './').
export default defineConfig({
  root: 'renderer',
  base: './',
  oxc: {
    jsx: { runtime: 'automatic' },
  },
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    // Electron's and current browsers' Chromium support modulepreload; the polyfill would only add code.
    modulePreload: { polyfill: false },
    target: 'es2023',
  },
});
