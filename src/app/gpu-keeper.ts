// The page's WebGPU device, kept across losses: opens it, tells the session when the device in use
// is lost (not when the page itself destroys it: a replaced or released device says nothing), and
// opens a new one on request so training can resume on it. Backends read `current` when they are
// made, so a backend made after reopen() is on the new device. Not recovery of the run (session.ts).

import type { Gpu, GpuLostInfo } from '../runtime/gpu.ts';

export class GpuKeeper {
  private gpu: Gpu | null = null;
  private released = false;
  /** Devices opened so far (1 after start, +1 per recovery). */
  opened = 0;

  constructor(
    private readonly openGpu: () => Promise<Gpu>,
    private readonly onLost: (info: GpuLostInfo, gpu: Gpu) => void,
  ) {}

  get current(): Gpu | null {
    return this.gpu;
  }

  /** Opens the first device (rejects where there is no WebGPU). */
  open(): Promise<Gpu> {
    return this.replace();
  }

  /** Opens a new device and frees the lost one; the old one's loss is not reported again. */
  reopen(): Promise<Gpu> {
    return this.replace();
  }

  /** Destroys the device for good (the page is going away). */
  release(): void {
    this.released = true;
    this.gpu?.device.destroy();
    this.gpu = null;
  }

  private async replace(): Promise<Gpu> {
    const gpu = await this.openGpu();
    if (this.released) {
      gpu.device.destroy();
      throw new Error('the page is closing');
    }
    const old = this.gpu;
    this.gpu = gpu;
    this.opened++;
    old?.device.destroy(); // lost already; destroying frees what it still holds
    void gpu.lost.then((info) => {
      if (this.gpu === gpu && !this.released) this.onLost(info, gpu);
    });
    return gpu;
  }
}
