// Test helpers for sessions in Node: a small seeded dataset, an in-memory autosave store, a fake
// GPU whose device can be "lost" (destroy() resolves `lost` as WebGPU does) with backends that run
// the CPU math but fail every read once their device is gone, and a wait on the session's state.

import type { KeyValueStore } from '../../src/app/idb-store.ts';
import type { Session, SessionOptions } from '../../src/app/session.ts';
import type { backendFactory } from '../../src/app/backends.ts';
import { decodeSpec } from '../../src/app/spec-codec.ts';
import { defaultConfig, type RunConfig } from '../../src/app/url-state.ts';
import { DATASET_INFO, type Dataset } from '../../src/data/dataset.ts';
import type { Backend } from '../../src/model/backend.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import type { Gpu, GpuLostInfo } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';

export function smallDataset(train: number, test: number): Dataset {
  const random = new Random(7);
  const split = (count: number) => ({
    count,
    images: Uint8Array.from({ length: count * 784 }, () => random.int(256)),
    labels: Uint8Array.from({ length: count }, () => random.int(10)),
  });
  const info = DATASET_INFO.mnist;
  return {
    name: 'mnist',
    classNames: info.classNames,
    imageHeight: 28,
    imageWidth: 28,
    channels: 1,
    train: split(train),
    test: split(test),
  };
}

/** A small conv net at batch 13 (not a divisor of the small datasets' sizes), other settings default. */
export function smallRunConfig(changes: Partial<RunConfig> = {}): RunConfig {
  return { ...defaultConfig(), spec: decodeSpec('c3x4r.m2.f12r.k10'), batch: 13, ...changes };
}

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  async get(key: string) {
    return structuredClone(this.data.get(key));
  }
  async set(key: string, value: unknown) {
    this.data.set(key, structuredClone(value));
  }
  async delete(key: string) {
    this.data.delete(key);
  }
}

export interface FakeGpu extends Gpu {
  readonly isLost: boolean;
}

/** A Gpu stand-in: destroy() (or device.destroy()) resolves `lost` with reason 'destroyed'. */
export function fakeGpu(name: string): FakeGpu {
  let markLost!: (info: GpuLostInfo) => void;
  const lost = new Promise<GpuLostInfo>((resolve) => (markLost = resolve));
  let isLost = false;
  const device = {
    destroy() {
      if (isLost) return;
      isLost = true;
      markLost({ reason: 'destroyed', message: '' });
    },
  };
  const adapterInfo = {
    vendor: 'fake',
    architecture: '',
    device: '',
    description: name,
    isFallbackAdapter: false,
  };
  const gpu = { lost, device, adapterInfo, destroy: () => device.destroy() };
  Object.defineProperty(gpu, 'isLost', { get: () => isLost });
  return gpu as unknown as FakeGpu;
}

const READS = new Set([
  'takeMetrics',
  'getParameters',
  'getOptimizerState',
  'evaluate',
  'probe',
  'readParameters',
]);

/** A backend with the CPU's math that says it is a GPU backend on `gpu`, and fails like one once it is lost. */
function lossyBackend(inner: CpuBackend, gpu: FakeGpu): Backend {
  const lost = gpu.lost.then(({ reason, message }) => ({ reason, message }));
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'kind') return 'gpu';
      if (property === 'lost') return lost;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (!gpu.isLost) return value.apply(target, args);
        if (READS.has(String(property)) || property === 'inspectBatch') {
          return Promise.reject(new DOMException('the device was lost', 'AbortError'));
        }
        return undefined; // work on a lost device does nothing
      };
    },
  }) as unknown as Backend;
}

/** makeBackends for the session: 'gpu' makes lossy backends on the Gpu the session passes. */
export const fakeBackends: typeof backendFactory = (kind, gpu, _spec, seed) => {
  if (kind === 'cpu') return (description) => CpuBackend.create(description, { seed });
  if (!gpu) throw new Error('no GPU');
  return (description) => lossyBackend(CpuBackend.create(description, { seed }), gpu as FakeGpu);
};

export function until(session: Session, test: () => boolean, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.removeEventListener('state', check);
      reject(new Error(`timed out; state ${JSON.stringify({ ...session.state, config: undefined })}`));
    }, timeoutMs);
    const check = () => {
      if (!test()) return;
      clearTimeout(timer);
      session.removeEventListener('state', check);
      resolve();
    };
    session.addEventListener('state', check);
    check();
  });
}

export type { SessionOptions };
