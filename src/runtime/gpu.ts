// The Gpu object: one GPUDevice plus what we learned about its adapter, and counting wrappers for
// the resources code creates through it (so tests can prove buffer counts return to baseline).
// Not a device factory (see device.ts / node-gpu.ts) and not a cache: it holds no pipelines.

import type { WorkgroupGrid } from './dispatch.ts';

/** Adapter facts, copied into a plain object (Dawn's GPUAdapterInfo fields are not enumerable). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface GpuLostInfo {
  reason: string;
  message: string;
}

/** Running totals of what was created and done through one Gpu. */
export interface ResourceCounts {
  buffersCreated: number;
  buffersDestroyed: number;
  /** Bytes held by buffers created and not yet destroyed. */
  bufferBytesLive: number;
  shaderModulesCreated: number;
  pipelinesCreated: number;
  bindGroupLayoutsCreated: number;
  bindGroupsCreated: number;
  mapAsyncCalls: number;
  dispatches: number;
  submits: number;
}

export function liveBuffers(counts: ResourceCounts): number {
  return counts.buffersCreated - counts.buffersDestroyed;
}

function zeroCounts(): ResourceCounts {
  return {
    buffersCreated: 0,
    buffersDestroyed: 0,
    bufferBytesLive: 0,
    shaderModulesCreated: 0,
    pipelinesCreated: 0,
    bindGroupLayoutsCreated: 0,
    bindGroupsCreated: 0,
    mapAsyncCalls: 0,
    dispatches: 0,
    submits: 0,
  };
}

export class Gpu {
  readonly lost: Promise<GpuLostInfo>;
  readonly features: ReadonlySet<string>;
  private readonly tally = zeroCounts();
  /** Buffers already counted as destroyed: WebGPU allows destroy() twice, we count it once. */
  private readonly destroyedBuffers = new WeakSet<GPUBuffer>();

  /**
   * @param entryPoint the GPU object the device came from. Held so it lives as long as the device:
   *   in Dawn's Node addon, a collected GPU frees the instance that the device's event polling
   *   still uses, and the process aborts ("futex facility returned an unexpected error code").
   */
  constructor(
    readonly device: GPUDevice,
    readonly adapterInfo: AdapterSummary,
    readonly entryPoint?: GPU,
  ) {
    this.features = new Set(device.features);
    this.lost = device.lost.then((info) => ({ reason: info.reason, message: info.message }));
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** A snapshot of the counters (a copy, safe to keep as a baseline). */
  counts(): ResourceCounts {
    return { ...this.tally };
  }

  /** Creates a buffer whose destroy() is counted. Whoever calls this destroys the buffer. */
  createBuffer(descriptor: GPUBufferDescriptor): GPUBuffer {
    const buffer = this.device.createBuffer(descriptor);
    this.tally.buffersCreated++;
    this.tally.bufferBytesLive += buffer.size;
    // Shadow destroy() on this one instance so that code holding a plain GPUBuffer (the usual case)
    // still updates the counters; the prototype and other devices are untouched.
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      if (!this.destroyedBuffers.has(buffer)) {
        this.destroyedBuffers.add(buffer);
        this.tally.buffersDestroyed++;
        this.tally.bufferBytesLive -= buffer.size;
      }
      destroy();
    };
    return buffer;
  }

  createShaderModule(descriptor: GPUShaderModuleDescriptor): GPUShaderModule {
    this.tally.shaderModulesCreated++;
    return this.device.createShaderModule(descriptor);
  }

  /** Async so that compilation does not block; rejects with GPUPipelineError on failure. */
  createComputePipelineAsync(descriptor: GPUComputePipelineDescriptor): Promise<GPUComputePipeline> {
    this.tally.pipelinesCreated++;
    return this.device.createComputePipelineAsync(descriptor);
  }

  createBindGroupLayout(descriptor: GPUBindGroupLayoutDescriptor): GPUBindGroupLayout {
    this.tally.bindGroupLayoutsCreated++;
    return this.device.createBindGroupLayout(descriptor);
  }

  createBindGroup(descriptor: GPUBindGroupDescriptor): GPUBindGroup {
    this.tally.bindGroupsCreated++;
    return this.device.createBindGroup(descriptor);
  }

  /** Records one dispatch of a grid from dispatch.ts (already folded to fit the device limits). */
  dispatch(pass: GPUComputePassEncoder, grid: WorkgroupGrid): void {
    this.tally.dispatches++;
    pass.dispatchWorkgroups(grid.x, grid.y, grid.z);
  }

  submit(commandBuffers: GPUCommandBuffer[]): void {
    this.tally.submits++;
    this.device.queue.submit(commandBuffers);
  }

  mapAsync(buffer: GPUBuffer, mode: GPUMapModeFlags, offset?: number, size?: number): Promise<void> {
    this.tally.mapAsyncCalls++;
    return buffer.mapAsync(mode, offset, size);
  }

  /** One line for logs: adapter, fallback flag, and the limits that matter to this project. */
  describe(): string {
    const a = this.adapterInfo;
    const name = a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown';
    const l = this.limits;
    const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
    return (
      `${name} (vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}` +
      `${a.isFallbackAdapter ? ', fallback adapter' : ''}); ` +
      `maxStorageBufferBindingSize ${mib(l.maxStorageBufferBindingSize)}, maxBufferSize ${mib(l.maxBufferSize)}, ` +
      `workgroup storage ${l.maxComputeWorkgroupStorageSize} B, ` +
      `${l.maxComputeInvocationsPerWorkgroup} invocations/workgroup, ` +
      `${l.maxStorageBuffersPerShaderStage} storage buffers/stage; ` +
      `timestamp-query ${this.features.has('timestamp-query') ? 'yes' : 'no'}`
    );
  }

  /** Destroys the device (and with it every buffer); `lost` then resolves with reason 'destroyed'. */
  destroy(): void {
    this.device.destroy();
  }
}
