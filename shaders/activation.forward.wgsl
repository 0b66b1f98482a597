// activation.forward: output[i] = f(input[i]) for i in [0, params.length), f chosen by ACTIVATION.
//
// Standalone pass for layers whose producer does not fuse the activation (dense and conv2d fuse it
// into their forward epilogue with the same formulas).
// One invocation computes one element.
// Shapes: output, input are arrays of params.length f32.
// Bindings (group 0): 0 output read_write; 1 input read; 2 params uniform ActivationParams.
// Dispatch: linearGrid(length, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear index
//   is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= params.length return without writing.

override WORKGROUP_SIZE: u32 = 256u;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;

struct ActivationParams {
  length: u32,
}

@group(0) @binding(0) var<storage, read_write> output: array<f32>;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<uniform> params: ActivationParams;

// sigmoid from exp(-|x|) never overflows; tanh is clamped where f32 tanh is already +-1, because
// some drivers compute it as a ratio of exponentials that overflows to NaN for large |x|.
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
  output[i] = activate(input[i]);
}
