// Argument parsing of `npm run generate`: defaults, every flag, and bad values naming the flag.

import { describe, expect, it } from 'vitest';
import { GENERATE_RECIPE, generateOutputDir, parseGenerateArgs } from '../../src/cli/generate-args.ts';

describe('parseGenerateArgs', () => {
  it('has defaults for everything', () => {
    const args = parseGenerateArgs([]);
    expect(args).toEqual({
      dataset: 'mnist',
      backend: 'cpu',
      epochs: 3,
      steps: null,
      latent: 2,
      batch: 64,
      learningRate: 0.003,
      seed: 0,
      samples: 20,
      sampleSeed: 1,
      checkEvery: null,
      classifier: 'test/fixtures/models/lenet5-mnist.f32',
      out: null,
      json: false,
      help: false,
    });
    expect(generateOutputDir(args)).toBe('out/cvae-mnist-cpu');
    expect(GENERATE_RECIPE).toEqual({ latent: 2, learningRate: 0.003, epochs: 3 });
  });

  it('reads every flag', () => {
    const args = parseGenerateArgs(
      [
        '--dataset',
        'fashion-mnist',
        '--backend',
        'gpu',
        '--steps',
        '17',
        '--latent',
        '12',
        '--batch',
        '33',
      ].concat(
        [
          '--lr',
          '0.003',
          '--seed',
          '5',
          '--samples',
          '7',
          '--sample-seed',
          '9',
          '--classifier',
          'c.convscope',
        ],
        ['--check-every', '50', '--out', 'o', '--json'],
      ),
    );
    expect(args).toMatchObject({
      dataset: 'fashion-mnist',
      backend: 'gpu',
      steps: 17,
      latent: 12,
      batch: 33,
      learningRate: 0.003,
      seed: 5,
      samples: 7,
      sampleSeed: 9,
      checkEvery: 50,
      classifier: 'c.convscope',
      out: 'o',
      json: true,
    });
    expect(parseGenerateArgs(['--epochs', '2']).epochs).toBe(2);
  });

  const bad: [string[], RegExp][] = [
    [['--latent', '65'], /--latent: expected a whole number in \[1, 64\], got "65"/],
    [['--latent', '0'], /--latent: expected a whole number in \[1, 64\]/],
    [['--batch', '2.5'], /--batch: expected a whole number/],
    [['--lr=-1'], /--lr: expected a number > 0, got "-1"/],
    [['--lr', '0'], /--lr: expected a number > 0, got "0"/],
    [['--backend', 'tpu'], /--backend: unknown value "tpu"; accepted values: cpu, gpu/],
    [['--dataset', 'cifar'], /--dataset: unknown value "cifar"/],
    [['--epochs', '1', '--steps', '5'], /give one of them, not both/],
    [['--samples', '0'], /--samples: expected a whole number in \[1, 100\]/],
    [['--check-every', '0'], /--check-every: expected a whole number in \[1, /],
    [['--frobnicate'], /frobnicate/],
  ];
  it.each(bad)('rejects %j', (argv, message) => {
    expect(() => parseGenerateArgs(argv)).toThrow(message);
  });
});
