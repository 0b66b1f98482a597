// The training CLI end to end on the CPU backend: a short run's JSON summary and every file it
// writes, and the bad-argument errors (exit code 2, the flag and its accepted values named).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src/model/checkpoint.ts';
import { recipe } from '../../src/model/recipes.ts';
import { readSafetensors } from '../../src/model/safetensors.ts';
import { lastJsonLine, pngSize, runTrainCli } from './run-cli.ts';

const out = mkdtempSync(join(tmpdir(), 'convscope-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run train (cpu)', () => {
  it('trains 30 steps, evaluates the full test set and writes the checkpoint and images', async () => {
    const args = '--backend cpu --net lenet5 --steps 30 --batch 32 --seed 3 --json --out'.split(' ');
    const run = await runTrainCli([...args, out]);
    expect(run.code, run.stderr).toBe(0);
    const summary = lastJsonLine(run.stdout);
    expect(summary).toMatchObject({
      net: 'lenet5',
      dataset: 'mnist',
      backend: 'cpu',
      adapter: 'cpu',
      seed: 3,
      batch: 32,
      optimizer: recipe('lenet5').optimizer.kind, // the recipe's, as no flag names one
      learning_rate: recipe('lenet5').optimizer.learningRate,
      schedule: recipe('lenet5').schedule,
      warmup_steps: 29, // the recipe's warm-up, shortened to fit the 30-step run
      steps: 30,
      epochs: 0.016,
      test_examples: 10000,
    });
    // 30 steps already beat chance (10%) by far.
    expect(summary.test_accuracy).toBeGreaterThan(0.4);
    expect(summary.test_loss).toBeLessThan(2);
    expect(summary.train_images_per_s).toBeGreaterThan(0);
    expect(summary.seconds).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/test accuracy \d+\.\d\d%/);
    expect(run.stdout).toMatch(/true \| predicted/);
    expect(run.stderr).toMatch(/epoch 1\/1 \[.*\] 30\/1875 {2}loss \d\.\d{4} {2}acc/);

    expect(readdirSync(out).sort()).toEqual([
      'checkpoint.convscope',
      'featuremaps-layer0.png',
      'featuremaps-layer1.png',
      'featuremaps-layer2.png',
      'featuremaps-layer3.png',
      'filters-layer0.png',
      'filters-layer2.png',
      'weights.safetensors',
    ]);
    const checkpoint = decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.convscope'))));
    expect(checkpoint).toMatchObject({ seed: 3, batch: 32, step: 30, epoch: 0, stepInEpoch: 30 });
    expect(checkpoint.spec.name).toBe('lenet5');
    const weights = readSafetensors(new Uint8Array(readFileSync(join(out, 'weights.safetensors'))));
    expect(weights.tensors.map((t) => t.name).slice(0, 2)).toEqual(['0.weight', '0.bias']);
    expect(weights.tensors[0].shape).toEqual([6, 1, 5, 5]);

    // Cells: 5x5 kernels x10, 28x28 maps x2, 14x14 x4, 10x10 x5, 5x5 x10, with 2-pixel gaps.
    const cells = (n: number, size: number) => 2 + n * (size + 2);
    expect(pngSize(join(out, 'filters-layer0.png'))).toEqual([cells(3, 50), cells(2, 50)]); // 6 filters
    expect(pngSize(join(out, 'filters-layer2.png'))).toEqual([cells(6, 50), cells(16, 50)]); // 16 x 6
    expect(pngSize(join(out, 'featuremaps-layer0.png'))).toEqual([cells(6, 56), cells(4, 56)]);
    expect(pngSize(join(out, 'featuremaps-layer1.png'))).toEqual([cells(6, 56), cells(4, 56)]);
    expect(pngSize(join(out, 'featuremaps-layer2.png'))).toEqual([cells(16, 50), cells(4, 50)]);
    expect(pngSize(join(out, 'featuremaps-layer3.png'))).toEqual([cells(16, 50), cells(4, 50)]);
  });

  it.each([
    [['--net', 'alexnet'], '--net: unknown value "alexnet"; accepted values: seed, lenet5, convnet'],
    [['--dataset', 'cifar10'], '--dataset: unknown value "cifar10"; accepted values: mnist, fashion-mnist'],
    [['--backend', 'tpu'], '--backend: unknown value "tpu"; accepted values: gpu, cpu'],
    [['--batch', 'many'], '--batch: expected a whole number >= 1, got "many"'],
  ])('exits with 2 on %j, naming the flag and what it accepts', async (argv, message) => {
    const run = await runTrainCli([...argv, '--out', join(out, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: ${message}`);
    expect(run.stderr).toContain('Usage: npm run train -- [options]');
    expect(run.stdout).toBe('');
  });
});
