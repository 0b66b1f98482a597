import { describe, expect, it } from 'vitest';
import { outputDir, parseTrainArgs, USAGE, UsageError } from '../../src/cli/train-args.ts';
import { recipe } from '../../src/model/recipes.ts';

describe('parseTrainArgs', () => {
  it("fills in the defaults, the training settings from the net's recipe", () => {
    const args = parseTrainArgs([]);
    const r = recipe('lenet5');
    expect(args).toMatchObject({
      net: 'lenet5',
      dataset: 'mnist',
      backend: 'gpu',
      epochs: r.epochs,
      batch: r.batch,
      steps: null,
      seed: 0,
      optimizer: r.optimizer.kind,
      learningRate: r.optimizer.learningRate,
      momentum: r.optimizer.momentum,
      weightDecay: r.optimizer.weightDecay,
      schedule: r.schedule,
      warmup: r.warmupSteps,
      evalLimit: null,
      loseDeviceAt: null,
      json: false,
    });
    expect(outputDir(args)).toBe('out/lenet5-mnist-gpu');
  });

  it.each(['seed', 'lenet5', 'convnet'] as const)(
    '%s: defaults are its recipe, listed in the usage',
    (net) => {
      const r = recipe(net);
      const args = parseTrainArgs(['--net', net]);
      expect([args.optimizer, args.learningRate, args.batch, args.epochs]).toEqual([
        r.optimizer.kind,
        r.optimizer.learningRate,
        r.batch,
        r.epochs,
      ]);
      expect([args.schedule, args.warmup]).toEqual([r.schedule, r.warmupSteps]);
      expect(USAGE).toContain(`${net.padEnd(8)} ${r.optimizer.kind} lr ${r.optimizer.learningRate}`);
    },
  );

  it("another optimizer than the recipe's gets its usual rate; --schedule constant drops the warm-up", () => {
    const other = recipe('lenet5').optimizer.kind === 'adam' ? 'sgd' : 'adam';
    expect(parseTrainArgs(['--optimizer', other]).learningRate).toBe(other === 'sgd' ? 0.05 : 0.001);
    expect(parseTrainArgs(['--optimizer', other, '--lr', '0.3']).learningRate).toBe(0.3);
    expect(parseTrainArgs(['--schedule', 'constant'])).toMatchObject({ schedule: 'constant', warmup: 0 });
    expect(parseTrainArgs(['--schedule', 'constant', '--warmup', '7'])).toMatchObject({ warmup: 7 });
    expect(parseTrainArgs(['--schedule', 'linear'])).toMatchObject({
      schedule: 'linear',
      warmup: recipe('lenet5').warmupSteps,
    });
  });

  it('reads every flag', () => {
    const args = parseTrainArgs(
      '--net convnet --dataset fashion-mnist --backend cpu --epochs 3 --batch 17 --steps 5 --seed 42 --optimizer adam --lr 0.002 --momentum 0 --weight-decay 1e-4 --out x/y --eval-limit 300 --schedule linear --warmup 0 --json'.split(
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
      schedule: 'linear',
      warmup: 0,
      json: true,
    });
    expect(outputDir(args)).toBe('x/y');
    expect(parseTrainArgs(['--lose-device-at', '12']).loseDeviceAt).toBe(12);
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
    [['--schedule', 'step'], /--schedule: unknown value "step"; accepted values: constant, cosine, linear/],
    [['--warmup', '2.5'], /--warmup: expected a whole number >= 0, got "2.5"/],
    [['--lose-device-at', '0'], /--lose-device-at: expected a whole number >= 1, got "0"/],
    [
      ['--backend', 'cpu', '--lose-device-at', '3'],
      /--lose-device-at: only the gpu backend has a device to lose; add --backend gpu/,
    ],
    [['--bogus', '1'], /Unknown option '--bogus'/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseTrainArgs(argv)).toThrow(UsageError);
    expect(() => parseTrainArgs(argv)).toThrow(message);
  });
});
