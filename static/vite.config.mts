import { defineConfig } from 'vite';

/**
 * One config for both Custom UI pages; the page is the root given on the command line
 * (`vite build static/admin --config static/vite.config.mts`), the output its `build/` folder,
 * which manifest.yml names as the resource. `base: './'` keeps asset URLs relative, as Forge needs.
 */
export default defineConfig({
  base: './',
  logLevel: 'info',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'build',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
  },
});
