// Three test projects: `unit` (pure TypeScript, fast, parallel), `gpu` (real WGSL on WebGPU in
// Node through Dawn and in headless Chromium; run one file at a time because SwiftShader uses
// every core and a second browser would only slow both down) and `e2e` (*.e2e.test.ts: the app
// built once and served by `vite preview`, driven in Chromium like a user; plus *.browser.test.ts:
// elements on their demo pages in Chromium; also one at a time). `unit` never starts a browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/**/*.gpu.test.ts',
            'test/**/*.e2e.test.ts',
            'test/**/*.browser.test.ts',
            'test/e2e/**',
          ],
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
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/**/*.e2e.test.ts', 'test/**/*.browser.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
