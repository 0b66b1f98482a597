// Options of `npm run bench -- train`, and the result-file suffix and optimizer line they give.

import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../../bench/train-args.ts';
import { describeOptimizer, trainRunSuffix } from '../../bench/train-cli.ts';

describe('parseTrainArgs', () => {
  it('defaults to every net, env and impl at batch 64 and 256', () => {
    const args = parseTrainArgs(['train']);
    expect(args).toMatchObject({
      nets: ['seed', 'lenet5', 'convnet'],
      batches: [64, 256],
      envs: ['chromium', 'node'],
      impls: ['webgpu', 'tfjs-webgpu', 'cpu'],
      steps: 20,
      repeats: 3,
      warmup: 2,
      cellSeconds: 20,
      maxStepSeconds: 60,
      optimizer: 'sgd',
      seed: 1,
      json: false,
      save: false,
    });
  });

  it('reads every option; batches come sorted and unique so smaller ones predict larger', () => {
    const argv = ['train', '--nets', 'lenet5', '--batches', '256,64,256', '--envs', 'node', '--steps', '7'];
    argv.push('--repeats', '5', '--warmup', '3', '--cell-seconds', '2.5', '--max-step-seconds', '9');
    argv.push('--impls', 'webgpu,cpu', '--optimizer', 'adam', '--seed', '0', '--json', '--save');
    expect(parseTrainArgs(argv)).toEqual({
      nets: ['lenet5'],
      batches: [64, 256],
      envs: ['node'],
      impls: ['webgpu', 'cpu'],
      steps: 7,
      repeats: 5,
      warmup: 3,
      cellSeconds: 2.5,
      maxStepSeconds: 9,
      optimizer: 'adam',
      seed: 0,
      json: true,
      save: true,
      argv,
    });
  });

  it('rejects what it does not know, with the usage', () => {
    expect(() => parseTrainArgs(['kernels'])).toThrow(/expected 'train'[\s\S]*usage: npm run bench -- train/);
    expect(() => parseTrainArgs(['train', '--nets', 'resnet'])).toThrow(/--nets: unknown resnet/);
    expect(() => parseTrainArgs(['train', '--envs', 'firefox'])).toThrow(/--envs: unknown firefox/);
    expect(() => parseTrainArgs(['train', '--impls', 'tfjs'])).toThrow(/--impls: unknown tfjs/);
    expect(() => parseTrainArgs(['train', '--batches', '64,0'])).toThrow(
      /--batches must be a whole number >= 1/,
    );
    expect(() => parseTrainArgs(['train', '--steps', '2.5'])).toThrow(/--steps/);
    expect(() => parseTrainArgs(['train', '--cell-seconds', '0'])).toThrow(
      /--cell-seconds must be a number > 0/,
    );
    expect(() => parseTrainArgs(['train', '--optimizer', 'rmsprop'])).toThrow(/sgd or adam, got 'rmsprop'/);
    expect(() => parseTrainArgs(['train', '--frobnicate'])).toThrow(/frobnicate/);
  });
});

describe('trainRunSuffix', () => {
  it('names runs narrower than the default, for their result files', () => {
    expect(trainRunSuffix(parseTrainArgs(['train']))).toBe('');
    expect(trainRunSuffix(parseTrainArgs(['train', '--steps', '3']))).toBe('');
    const narrow = [
      'train',
      '--nets',
      'lenet5,seed',
      '--batches',
      '64',
      '--envs',
      'node',
      '--impls',
      'webgpu',
    ];
    expect(trainRunSuffix(parseTrainArgs(narrow))).toBe('lenet5-seed-b64-node-webgpu');
  });
});

describe('describeOptimizer', () => {
  it('states the hyper-parameters every impl shares', () => {
    expect(describeOptimizer(parseTrainArgs(['train']))).toBe(
      'SGD lr 0.01, momentum 0.9, no weight decay, identical in every impl',
    );
    expect(describeOptimizer(parseTrainArgs(['train', '--optimizer', 'adam']))).toBe(
      'Adam lr 0.001, betas 0.9/0.999, eps 1e-8, no weight decay, identical in every impl',
    );
  });
});
