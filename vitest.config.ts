// Two test projects: `unit` (pure TypeScript, fast, parallel) and `gpu` (real WGSL on WebGPU in
// Node through Dawn and in headless Chromium; run one file at a time because SwiftShader uses
// every core and a second browser would only slow both down).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.gpu.test.ts', 'test/e2e/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'gpu',
          environment: 'node',
          include: ['test/**/*.gpu.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
