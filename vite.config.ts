// Vite serves the trainer app (index.html) on 127.0.0.1, a secure origin where navigator.gpu exists
// without https. WGSL files are imported with `?raw`, which Vite handles natively.
import { defineConfig } from 'vite';

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022' },
});
