// Options of `npm run bench -- kernels`.

import { describe, expect, it } from 'vitest';
import { IMPLS } from '../../bench/api.ts';
import { parseBenchArgs, runSuffix } from '../../bench/cli.ts';

describe('parseBenchArgs', () => {
  it('defaults to every net and impl, batch chosen by the adapter', () => {
    const args = parseBenchArgs(['kernels']);
    expect(args.options.nets).toEqual(['seed', 'lenet5', 'convnet']);
    expect(args.options.impls).toEqual(IMPLS);
    expect(args.batches).toBeUndefined();
    expect(args.options.cpuMaxFlops).toBe(5e8);
    expect(args.options.tiles).toBe('auto');
    expect(args.json || args.save || args.node).toBe(false);
  });

  it('reads the headline command and the other options', () => {
    const args = parseBenchArgs([
      'kernels',
      '--net',
      'convnet',
      '--batch',
      '64,256',
      '--json',
      '--iterations',
      '3',
    ]);
    expect(args.options.nets).toEqual(['convnet']);
    expect(args.batches).toEqual([64, 256]);
    expect(args.json).toBe(true);
    expect(args.options.iterations).toBe(3);
    const cpu = parseBenchArgs(['--impl', 'cpu-naive,cpu-fast', '--op', 'dense', '--cpu-max-gflop', '0.5']);
    expect(cpu.options).toMatchObject({ impls: ['cpu-naive', 'cpu-fast'], ops: ['dense'], cpuMaxFlops: 5e8 });
    expect(parseBenchArgs(['--tiles', 'default']).options.tiles).toBe('default');
  });

  it('rejects what it does not know, with the usage', () => {
    expect(() => parseBenchArgs(['steps'])).toThrow(/unknown benchmark 'steps'[\s\S]*usage/);
    expect(() => parseBenchArgs(['--net', 'resnet'])).toThrow(/resnet/);
    expect(() => parseBenchArgs(['--batch', '0'])).toThrow(/bad option/);
    expect(() => parseBenchArgs(['--samples', '2.5'])).toThrow(/bad option/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(/frobnicate/);
    expect(() => parseBenchArgs(['--tiles', 'huge'])).toThrow(/--tiles huge/);
  });
});

describe('runSuffix', () => {
  it('names runs narrower than the default, for their result files', () => {
    expect(runSuffix(parseBenchArgs(['kernels']))).toBe('');
    expect(runSuffix(parseBenchArgs(['kernels', '--net', 'convnet', '--batch', '64']))).toBe('convnet-b64');
    expect(runSuffix(parseBenchArgs(['--op', 'conv2d', '--node']))).toBe('conv2d-node');
  });
});
