import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const clientRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Root is client/, output goes to dist/client which the server serves at `/`. In dev, /api (and its
// WebSocket) is proxied to a locally running `anelo serve`.
export default defineConfig({
  root: clientRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: `${repoRoot}dist/client`,
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: 'http://127.0.0.1:7878', ws: true, changeOrigin: true },
    },
  },
});
