// conv_transpose2d.forward epilogue: output[i] = act(output[i] + bias[channel of i]), in place.
//
// The transposed convolution itself is conv2d.backward_input.wgsl run with the roles swapped
// (src/kernels/conv_transpose2d.ts); that GEMM has no bias or activation, so this pass adds them.
// One invocation computes one element of `output` (NCHW, channel = (i / plane) % channels).
// Shapes: output [batch, channels, plane] = params.length f32; bias [channels] f32.
// Bindings (group 0): 0 output read_write (read, then overwritten); 1 bias read;
//   2 params uniform BiasActivationParams.
// Dispatch: linearGrid(length, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear index
//   is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= params.length return without reading or writing.

override WORKGROUP_SIZE: u32 = 256u;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;

struct BiasActivationParams {
  length: u32,
  channels: u32,
  plane: u32,
}

@group(0) @binding(0) var<storage, read_write> output: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<uniform> params: BiasActivationParams;

// The formulas of activation.forward.wgsl (WGSL has no includes): sigmoid from exp(-|x|) never
// overflows; tanh is clamped where f32 tanh is already +-1.
fn activate(x: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return max(x, 0.0); }
    case 2u: {
      let e = exp(-abs(x));
      return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
    }
    case 3u: { return tanh(clamp(x, -15.0, 15.0)); }
    default: { return x; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.length) {
    return;
  }
  let channel = (i / params.plane) % params.channels;
  output[i] = activate(output[i] + bias[channel]);
}
