// Runs the shared GPU checks (test/gpu-checks) in every environment: Node through Dawn, and
// headless Chromium through the test page. A *.gpu.test.ts file calls useGpuEnvironments() once;
// each environment starts on first use and is closed in afterAll. Missing WebGPU fails the test.
//
//   const envs = useGpuEnvironments();
//   describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
//     it('scale_add matches the reference', () => expectGpuCheck(envs.get(name), 'scale_add'));
//   });

import type { Page } from 'puppeteer-core';
import { afterAll } from 'vitest';
import type { Gpu } from '../../src/runtime/gpu.ts';
import type { AdapterReport } from '../browser/api.ts';
import type { CheckReport } from '../gpu-checks/check.ts';
import { formatCheckFailure, runGpuCheck, type GpuCheckName } from '../gpu-checks/index.ts';
import { startBrowserHarness, type BrowserHarness } from './browser.ts';
import { getNodeGpu } from './node-gpu.ts';

export const GPU_ENVIRONMENTS = ['node', 'chromium'] as const;
export type GpuEnvironmentName = (typeof GPU_ENVIRONMENTS)[number];

export interface GpuEnvironment {
  readonly name: GpuEnvironmentName;
  adapter(): Promise<AdapterReport>;
  runCheck(check: GpuCheckName): Promise<CheckReport>;
  close(): Promise<void>;
}

/** The Node environment also hands out its Gpu, for tests that inspect counters directly. */
export interface NodeEnvironment extends GpuEnvironment {
  readonly gpu: Gpu;
}

async function startNode(): Promise<NodeEnvironment> {
  const { gpu, createMs } = await getNodeGpu();
  return {
    name: 'node',
    gpu,
    adapter: async () => ({ summary: gpu.adapterInfo, description: gpu.describe(), createMs }),
    runCheck: (check) => runGpuCheck(gpu, check),
    close: async () => gpu.destroy(),
  };
}

/** Started harness plus the test page; also used directly by tests that need the browser itself. */
export interface ChromiumEnvironment extends GpuEnvironment {
  readonly harness: BrowserHarness;
  readonly page: Page;
}

async function startChromium(): Promise<ChromiumEnvironment> {
  const start = performance.now();
  const harness = await startBrowserHarness();
  try {
    const page = await harness.open('test/browser/index.html');
    await page.waitForFunction(() => window.convscopeTests !== undefined, { timeout: 30_000 });
    console.log(
      `[chromium] Vite + Chromium + test page ready in ${Math.round(performance.now() - start)} ms`,
    );
    return {
      name: 'chromium',
      harness,
      page,
      adapter: () => page.evaluate(() => window.convscopeTests!.adapter()),
      runCheck: (check) => page.evaluate((name) => window.convscopeTests!.runCheck(name), check),
      close: () => harness.close(),
    };
  } catch (error) {
    await harness.close();
    throw error;
  }
}

export interface GpuEnvironments {
  get(name: 'node'): Promise<NodeEnvironment>;
  get(name: 'chromium'): Promise<ChromiumEnvironment>;
  get(name: GpuEnvironmentName): Promise<GpuEnvironment>;
}

/** Registers afterAll cleanup; environments start lazily, once per test file. */
export function useGpuEnvironments(): GpuEnvironments {
  const started = new Map<GpuEnvironmentName, Promise<GpuEnvironment>>();
  afterAll(async () => {
    const settled = await Promise.allSettled(started.values());
    for (const result of settled) if (result.status === 'fulfilled') await result.value.close();
  });
  const get = (name: GpuEnvironmentName): Promise<GpuEnvironment> => {
    let env = started.get(name);
    if (!env) {
      env = name === 'node' ? startNode() : startChromium();
      started.set(name, env);
    }
    return env;
  };
  return { get } as GpuEnvironments;
}

/** Runs a check and throws the formatted failure (every failing case with its table) unless it passed. */
export async function expectGpuCheck(
  environment: Promise<GpuEnvironment>,
  check: GpuCheckName,
): Promise<CheckReport> {
  const env = await environment;
  const report = await env.runCheck(check);
  if (!report.ok) throw new Error(formatCheckFailure(env.name, report));
  console.log(`[${env.name}] ${check}: ${report.cases.length} cases passed in ${report.ms} ms`);
  return report;
}
