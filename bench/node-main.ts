// Entry of the single-file Node bundle for a GPU machine without npm (bench/vite.node.config.ts
// builds it into dist/bench/bench.mjs; ../shared/gpu/pack.sh carries it). Same options as
// `npm run bench -- kernels`, our kernels and the CPU paths only; Vulkan is whatever the
// environment (on-device.sh) points Dawn at.

import { parseBenchArgs, runBenchCli } from './cli.ts';
import { createNodeDriver } from './node-driver.ts';

async function main(): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  const driver = await createNodeDriver();
  try {
    return await runBenchCli(driver, args);
  } finally {
    await driver.close();
  }
}

process.exitCode = await main();
