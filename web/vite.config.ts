import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { pwaManifestPlugin } from './pwa-manifest-plugin.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const target = process.env.PARLEY_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  plugins: [react(), pwaManifestPlugin()],
  resolve: { alias: [{ find: /^#contracts\/(.*)$/, replacement: fileURLToPath(new URL('../packages/contracts/src/$1', import.meta.url)) }] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: {
    host: '127.0.0.1',
    proxy: { '/v1': { target, ws: true }, '/healthz': target },
  },
});
