// The run configuration in the URL: defaults, a full round trip, Adam's extras only when changed,
// and bad links that still open, each ignored parameter named with what was used instead.
import { describe, expect, it } from 'vitest';
import { configFromQuery, configToQuery, defaultConfig, type RunConfig } from '../../src/app/url-state.ts';
import { decodeSpec } from '../../src/app/spec-codec.ts';

describe('configToQuery / configFromQuery', () => {
  it('writes the defaults readably', () => {
    expect(configToQuery(defaultConfig())).toBe(
      'ds=mnist&net=lenet5&opt=sgd&lr=0.05&mom=0.9&l2=0&batch=64&seed=1&backend=gpu',
    );
  });

  it('round-trips a changed configuration', () => {
    const config: RunConfig = {
      dataset: 'fashion-mnist',
      spec: decodeSpec('c3x12p1r.a2.f45t.k10'),
      optimizer: {
        kind: 'adam',
        learningRate: 0.0003,
        momentum: 0.9,
        beta1: 0.85,
        beta2: 0.999,
        epsilon: 1e-7,
        weightDecay: 0.0005,
      },
      batch: 37,
      seed: 12345,
      backend: 'cpu',
    };
    const query = configToQuery(config);
    expect(query).toBe(
      'ds=fashion&net=c3x12p1r.a2.f45t.k10&opt=adam&lr=0.0003&b1=0.85&eps=1e-7&l2=0.0005&batch=37&seed=12345&backend=cpu',
    );
    const parsed = configFromQuery(`?${query}`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.config).toEqual(config);
  });

  it('keeps the defaults for what a link leaves out', () => {
    const { config, problems, given } = configFromQuery('opt=adam&lr=0.001&seed=x');
    expect(problems).toEqual([
      'seed=x was ignored: the seed must be a whole number >= 0 and <= 2147483647; using 1.',
    ]);
    expect(given).toEqual(['opt', 'lr']);
    expect(config).toEqual({
      ...defaultConfig(),
      optimizer: { ...defaultConfig().optimizer, kind: 'adam', learningRate: 0.001 },
    });
  });

  it('ignores each bad parameter, saying why and what it used, and keeps the good ones', () => {
    const { config, problems, rejectedSpec } = configFromQuery(
      'ds=cifar&net=c5x&opt=rmsprop&lr=-1&mom=1&batch=6.5&seed=abc&backend=tpu&color=red&l2=0.001',
    );
    expect(problems).toEqual([
      'ds=cifar was ignored: the datasets are mnist, fashion; using mnist.',
      'net=c5x was ignored: layer 1 "c5x" is not well formed: a conv layer is c<kernel>x<filters>[s<stride>][p<padding>][r|s|t], e.g. c5x6p2r; using lenet5.',
      'opt=rmsprop was ignored: the optimizers are sgd and adam; using sgd.',
      'lr=-1 was ignored: the learning rate must be a number > 0 and <= 10; using 0.05.',
      'mom=1 was ignored: the momentum must be a number >= 0 and < 1; using 0.9.',
      'batch=6.5 was ignored: the batch size must be a whole number >= 1 and <= 4096; using 64.',
      'seed=abc was ignored: the seed must be a whole number >= 0 and <= 2147483647; using 1.',
      'backend=tpu was ignored: the backends are gpu and cpu; using gpu.',
      'color=red was ignored: convscope knows ds, net, opt, lr, mom, b1, b2, eps, l2, batch, seed, backend.',
    ]);
    expect(config).toEqual({
      ...defaultConfig(),
      optimizer: { ...defaultConfig().optimizer, weightDecay: 0.001 },
    });
    expect(rejectedSpec).toBeNull();
  });

  it('hands back a well-formed but invalid network for the editor, naming the layer', () => {
    const { config, problems, rejectedSpec } = configFromQuery('net=c29x6r.k10');
    expect(config.spec.name).toBe('lenet5');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^net=c29x6r\.k10 was ignored: layer 1 \(conv 29x29 x6 relu\): its 29x29 kernel is larger than its 28x28 input/,
    );
    expect(rejectedSpec?.layers[0]).toMatchObject({ kind: 'conv', kernel: 29 });
  });
});
