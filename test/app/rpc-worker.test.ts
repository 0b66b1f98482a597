// RpcClient + serveRpc (src/app/rpc-worker.ts) through an in-process worker stand-in: answers in
// call order even when handlers take different times, errors keep their name and message, results'
// buffers are transferred, a crash or destroy() rejects what waits.

import { describe, expect, it } from 'vitest';
import { RpcClient } from '../../src/app/rpc-worker.ts';
import { InProcessRpc } from './in-process-rpc.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function client() {
  const log: string[] = [];
  const port = new InProcessRpc({
    slow: async (x: number) => {
      await pause(20);
      log.push(`slow ${x}`);
      return x * 3;
    },
    fast: (x: number) => {
      log.push(`fast ${x}`);
      return x + 1;
    },
    scale: (a: Float32Array, k: number) => a.map((v) => v * k),
    fail: () => {
      throw new RangeError('z must have 40 floats, got 39');
    },
  });
  return { rpc: new RpcClient(port, 'the test worker'), port, log };
}

describe('RpcClient and serveRpc', () => {
  it('runs calls one at a time in order and returns their values', async () => {
    const { rpc, log } = client();
    const results = await Promise.all([rpc.call('slow', [7]), rpc.call('fast', [7]), rpc.call('slow', [2])]);
    expect(results).toEqual([21, 8, 6]);
    expect(log).toEqual(['slow 7', 'fast 7', 'slow 2']);
  });

  it('sends typed arrays and gets fresh typed arrays back', async () => {
    const { rpc } = client();
    const input = Float32Array.from([1.5, -2, 3.25]);
    const out = await rpc.call<Float32Array>('scale', [input.subarray(1), 2]);
    expect(Array.from(out)).toEqual([-4, 6.5]);
    expect(Array.from(input)).toEqual([1.5, -2, 3.25]); // a partial view is copied, the caller's array stays
  });

  it('rejects with the worker error name and message, and goes on after it', async () => {
    const { rpc } = client();
    await expect(rpc.call('fail')).rejects.toMatchObject({
      name: 'RangeError',
      message: 'z must have 40 floats, got 39',
    });
    await expect(rpc.call('nothing')).rejects.toThrow('nothing: the worker has no such method');
    expect(await rpc.call('fast', [1])).toBe(2);
  });

  it('a crash rejects the waiting calls and every later one', async () => {
    const { rpc, port } = client();
    const waiting = rpc.call('slow', [1]);
    port.crash('out of memory');
    await expect(waiting).rejects.toThrow('the test worker: out of memory');
    await expect(rpc.call('fast', [1])).rejects.toThrow('the test worker: out of memory');
  });

  it('destroy() terminates the worker and rejects as an AbortError', async () => {
    const { rpc, port } = client();
    const waiting = rpc.call('slow', [1]);
    rpc.destroy();
    expect(port.terminated).toBe(true);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
