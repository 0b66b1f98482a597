// Global setup of the `e2e` vitest project: builds the app once (`vite build` into a temporary
// directory, with the project's vite.config.ts and its datasets plugin; plus the worker test page,
// so the production worker bundle is tested too) and serves it with `vite preview` on 127.0.0.1
// at a free port; tests read the URL with inject('e2eBaseUrl').
// CONVSCOPE_E2E_URL=<url> skips both and tests that server instead (e.g. `npm run dev`).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../helpers/browser.ts';

/** Built beside the app (same path under the build): worker-backend.e2e.test.ts opens it. */
export const WORKER_PAGE = 'test/e2e/pages/worker.html';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the built app, ending in '/'. */
    e2eBaseUrl: string;
  }
}

export interface ServedApp {
  /** Base URL of the built app, ending in '/'. */
  url: string;
  /** Stops the server and removes the build. */
  close(): Promise<void>;
}

/**
 * Builds the app (and the worker test page) into a temporary directory and serves it with
 * `vite preview` on 127.0.0.1 at a free port. Also used by bench/app-views.ts.
 */
export async function buildAndServeApp(): Promise<ServedApp> {
  const outDir = mkdtempSync(join(tmpdir(), 'convscope-e2e-build-'));
  const start = performance.now();
  // Vite picks packages' production builds (Lit without dev mode) only when NODE_ENV says so,
  // and vitest sets it to 'test'.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: REPO_ROOT,
      mode: 'production',
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        rolldownOptions: {
          input: { index: join(REPO_ROOT, 'index.html'), worker: join(REPO_ROOT, WORKER_PAGE) },
        },
      },
    });
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`e2e: vite build failed: ${error}`);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const built = performance.now();
  const server = await preview({
    root: REPO_ROOT,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    throw new Error('e2e: vite preview started but reported no local URL');
  }
  console.log(
    `[e2e] built the app in ${Math.round(built - start)} ms; serving it at ${url} (${Math.round(performance.now() - built)} ms)`,
  );
  return {
    url,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.CONVSCOPE_E2E_URL;
  if (given) {
    project.provide('e2eBaseUrl', new URL(given).href);
    return async () => {};
  }
  const app = await buildAndServeApp();
  project.provide('e2eBaseUrl', app.url);
  return app.close;
}
