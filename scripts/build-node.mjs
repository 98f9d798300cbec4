// Bundles the Node side into out/node: the CLI (and server mode), the Electron main process, and
// the preload. The preload must be CommonJS: Electron's sandboxed preloads cannot load ES modules.
// Packages stay external (node_modules ships beside the bundles); only our own code is bundled.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  packages: 'external',
};

await Promise.all([
  build({ ...common, format: 'esm', entryPoints: { cli: 'electron/cli/index.ts', main: 'electron/main.ts' }, outdir: 'out/node' }),
  build({ ...common, format: 'cjs', entryPoints: { preload: 'electron/preload.ts' }, outdir: 'out/node', outExtension: { '.js': '.cjs' } }),
]);
