// Builds the Node servers (`npm start`'s app + signaling server, `npm run relay`) into ES
// modules; runtime dependencies (ws, @y/websocket-server, yjs) stay external (node_modules).
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    ssr: true,
    outDir: 'dist/server',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: {
      input: { serve: 'src/server/serve.ts', relay: 'src/server/relay-main.ts' },
      output: { entryFileNames: '[name].mjs' },
    },
  },
});
