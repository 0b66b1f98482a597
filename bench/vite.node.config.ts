// Builds bench/node-main.ts into one ES module, dist/bench/bench.mjs, with the shaders inlined and
// only Node built-ins and Dawn's `webgpu` left outside, for a GPU machine that has Node but no npm:
//   npx vite build -c bench/vite.node.config.ts && bash ../shared/gpu/pack.sh dist/bench/bench.mjs
import { defineConfig } from 'vite';

export default defineConfig({
  ssr: { noExternal: true, external: ['webgpu'] },
  build: {
    ssr: 'bench/node-main.ts',
    outDir: 'dist/bench',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'bench.mjs', format: 'es' } },
  },
});
