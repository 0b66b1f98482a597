// A BackendFactory for GPU training that outlives its device: it opens a device on first use (with
// the caller's opener: createGpu in the browser, createNodeGpu in Node) and a new one whenever the
// last was lost, so a Trainer restoring after a device loss (resilient-trainer.ts) gets a backend
// that works. Owns the devices it opens. Not the backend (gpu-backend.ts) and not the opener.

import type { Gpu } from '../runtime/gpu.ts';
import { createGpuBackend, type GpuBackend } from './gpu-backend.ts';
import type { KernelTuning } from './kernel-tuning.ts';
import type { NetworkDescription } from './shapes.ts';
import type { NetworkSpec } from './spec.ts';

export interface ReopeningGpuFactoryOptions {
  /** Opens a new device (each call must return a new Gpu). */
  openGpu: () => Promise<Gpu>;
  spec: NetworkSpec;
  /** Seed of the parameters a new backend starts with (the Trainer overwrites them). */
  seed: number;
  tuning?: KernelTuning;
  /** Called with each device opened (the first and every replacement). */
  onOpen?: (gpu: Gpu) => void;
}

export class ReopeningGpuFactory {
  private device: Gpu | null = null;
  private lost = false;
  private opened = 0;

  constructor(private readonly options: ReopeningGpuFactoryOptions) {}

  /** The device backends are made on now (null before the first). */
  get gpu(): Gpu | null {
    return this.device;
  }
  /** Devices opened so far. */
  get devicesOpened(): number {
    return this.opened;
  }

  /** The BackendFactory: a GPU backend on the current device, opening a new one if it was lost. */
  readonly create = async (description: NetworkDescription): Promise<GpuBackend> => {
    const gpu = this.device && !this.lost ? this.device : await this.open();
    const { spec, seed, tuning } = this.options;
    return createGpuBackend(gpu, spec, { batch: description.batch, seed, tuning });
  };

  /** Destroys the current device (and with it every backend on it). */
  destroy(): void {
    this.device?.destroy();
    this.device = null;
  }

  private async open(): Promise<Gpu> {
    const gpu = await this.options.openGpu();
    this.device?.destroy(); // already lost; destroying frees what the old device still holds
    this.device = gpu;
    this.lost = false;
    this.opened++;
    void gpu.lost.then(() => {
      if (this.device === gpu) this.lost = true;
    });
    this.options.onOpen?.(gpu);
    return gpu;
  }
}
