// Vite serves the trainer app (index.html) on 127.0.0.1, a secure origin where navigator.gpu exists
// without https. WGSL files are imported with `?raw`, which Vite handles natively. The datasets
// plugin serves the MNIST and Fashion-MNIST IDX files at /datasets/<name>/<file> in dev and preview.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { datasetsPlugin } from './scripts/vite-datasets.ts';

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022' },
  plugins: [datasetsPlugin({ dataDir: fileURLToPath(new URL('./data', import.meta.url)) })],
});
