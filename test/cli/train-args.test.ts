import { describe, expect, it } from 'vitest';
import { outputDir, parseTrainArgs, UsageError } from '../../src/cli/train-args.ts';

describe('parseTrainArgs', () => {
  it('fills in the defaults', () => {
    const args = parseTrainArgs([]);
    expect(args).toMatchObject({
      net: 'lenet5',
      dataset: 'mnist',
      backend: 'gpu',
      epochs: 1,
      batch: 64,
      steps: null,
      seed: 0,
      optimizer: 'sgd',
      learningRate: null,
      momentum: 0.9,
      weightDecay: 0,
      evalLimit: null,
      json: false,
    });
    expect(outputDir(args)).toBe('out/lenet5-mnist-gpu');
  });

  it('reads every flag', () => {
    const args = parseTrainArgs(
      '--net convnet --dataset fashion-mnist --backend cpu --epochs 3 --batch 17 --steps 5 --seed 42 --optimizer adam --lr 0.002 --momentum 0 --weight-decay 1e-4 --out x/y --eval-limit 300 --json'.split(
        ' ',
      ),
    );
    expect(args).toMatchObject({
      net: 'convnet',
      dataset: 'fashion-mnist',
      backend: 'cpu',
      epochs: 3,
      batch: 17,
      steps: 5,
      seed: 42,
      optimizer: 'adam',
      learningRate: 0.002,
      momentum: 0,
      weightDecay: 1e-4,
      out: 'x/y',
      evalLimit: 300,
      json: true,
    });
    expect(outputDir(args)).toBe('x/y');
  });

  it.each([
    [['--net', 'lenet'], /--net: unknown value "lenet"; accepted values: seed, lenet5, convnet/],
    [['--dataset', 'cifar'], /--dataset: unknown value "cifar"; accepted values: mnist, fashion-mnist/],
    [['--backend', 'cuda'], /--backend: unknown value "cuda"; accepted values: gpu, cpu/],
    [['--optimizer', 'rmsprop'], /--optimizer: unknown value "rmsprop"; accepted values: sgd, adam/],
    [['--batch', 'ten'], /--batch: expected a whole number >= 1, got "ten"/],
    [['--batch', '0'], /--batch: expected a whole number >= 1, got "0"/],
    [['--epochs', '1.5'], /--epochs: expected a whole number >= 1, got "1.5"/],
    [['--steps', ''], /--steps: expected a whole number >= 1, got ""/],
    [['--seed=-1'], /--seed: expected a whole number >= 0, got "-1"/],
    [['--seed', '-1'], /Option '--seed' argument is ambiguous/],
    [['--lr', '0'], /--lr: expected a finite number > 0, got "0"/],
    [['--momentum', 'NaN'], /--momentum: expected a finite number >= 0, got "NaN"/],
    [['--weight-decay', 'Infinity'], /--weight-decay: expected a finite number >= 0/],
    [['--bogus', '1'], /Unknown option '--bogus'/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseTrainArgs(argv)).toThrow(UsageError);
    expect(() => parseTrainArgs(argv)).toThrow(message);
  });
});
