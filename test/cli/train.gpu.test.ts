// The training CLI on the GPU backend (Dawn on SwiftShader, chosen explicitly so the adapter is
// known): a 3-step run reports the adapter, uses the small tiles, writes its files, loses its device
// after step 1 (--lose-device-at) and resumes on a new one, and still follows the same run as the
// CPU backend with the same seed. --eval-limit keeps it short: SwiftShader
// evaluates ~10 images/s, so the full test set would take over 15 minutes here.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src/model/checkpoint.ts';
import { SWIFTSHADER_ICD } from '../../src/runtime/node-gpu.ts';
import { assertClose } from '../helpers/allclose.ts';
import { lastJsonLine, pngSize, runTrainCli } from './run-cli.ts';

const out = mkdtempSync(join(tmpdir(), 'convscope-cli-gpu-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: '/tmp' };
const common = '--net lenet5 --steps 3 --batch 8 --seed 5 --eval-limit 16 --json'.split(' ');

describe('npm run train (gpu)', () => {
  it('trains on SwiftShader with small tiles, survives a lost device and follows the CPU backend', async () => {
    const gpuOut = join(out, 'gpu');
    const cpuOut = join(out, 'cpu');
    const gpu = await runTrainCli(
      ['--backend', 'gpu', '--lose-device-at', '1', ...common, '--out', gpuOut],
      env,
    );
    expect(gpu.code, gpu.stderr).toBe(0);
    const cpu = await runTrainCli(['--backend', 'cpu', ...common, '--out', cpuOut], env);
    expect(cpu.code, cpu.stderr).toBe(0);

    const summary = lastJsonLine(gpu.stdout);
    console.log(`adapter: ${summary.adapter}; ${summary.seconds} s`);
    expect(summary.adapter).toMatch(/SwiftShader/);
    expect(summary).toMatchObject({ backend: 'gpu', net: 'lenet5', steps: 3, batch: 8, test_examples: 16 });
    expect(gpu.stderr).toContain('CPU fallback adapter (SwiftShader): using small GEMM workgroups');
    // The run's start is its only snapshot (one is taken every 200 steps), so the steps trained
    // before the next chunk's read fails are trained again: 1 to 3, since the chunk after step 1
    // is sized from the measured step time (src/cli/train.ts).
    expect(gpu.stderr).toMatch(
      /The GPU device was lost \(destroyed.*\) after step [1-3]; resuming from the snapshot at step 0 on a new device/,
    );
    expect(gpu.stderr).toMatch(/Resumed at step 0 on a new gpu backend; [1-3] steps are trained again/);
    expect(readdirSync(gpuOut)).toHaveLength(8);
    expect(pngSize(join(gpuOut, 'filters-layer0.png'))).toEqual([158, 106]);

    // Same seed, same batches: the two backends differ only by f32 rounding after 3 steps.
    const reference = lastJsonLine(cpu.stdout);
    expect(summary.train_loss as number).toBeCloseTo(reference.train_loss as number, 4);
    expect(summary.test_loss as number).toBeCloseTo(reference.test_loss as number, 3);
    const read = (dir: string) =>
      decodeCheckpoint(new Uint8Array(readFileSync(join(dir, 'checkpoint.convscope'))));
    assertClose(read(gpuOut).parameters, read(cpuOut).parameters, { atol: 1e-4, rtol: 1e-3 });
  });
});
