// activation.backward_input: dInput[i] = dOut[i] * f'(x_i), with f' written in terms of the
// forward OUTPUT y_i (so a layer keeps y only): relu' = (y > 0), sigmoid' = y (1 - y),
// tanh' = 1 - y^2, none' = 1. Same maths as src/reference/activation.ts activationBackward.
//
// One invocation computes one element.
// Shapes: dInput, dOut, output are arrays of params.length f32.
// Bindings (group 0): 0 dInput read_write; 1 dOut read; 2 output (forward y) read;
//   3 params uniform ActivationParams.
// Dispatch: linearGrid(length, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear index
//   is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= params.length return without writing.

override WORKGROUP_SIZE: u32 = 256u;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;

struct ActivationParams {
  length: u32,
}

@group(0) @binding(0) var<storage, read_write> d_input: array<f32>;
@group(0) @binding(1) var<storage, read> d_out: array<f32>;
@group(0) @binding(2) var<storage, read> output: array<f32>;
@group(0) @binding(3) var<uniform> params: ActivationParams;

fn slope_from_output(y: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return select(0.0, 1.0, y > 0.0); }
    case 2u: { return y * (1.0 - y); }
    case 3u: { return 1.0 - y * y; }
    default: { return 1.0; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.length) {
    return;
  }
  d_input[i] = d_out[i] * slope_from_output(output[i]);
}
