// Builds the Node CLI into one ES module; runtime dependencies stay external (node_modules).
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'src/cli/bin.ts',
    outDir: 'dist/cli',
    emptyOutDir: false, // overwrite in place: a test run elsewhere never sees no CLI
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: { output: { entryFileNames: 'patchtrail.mjs' } },
  },
});
