// scale_add.forward: output[i] = params.scale * x[i] + y[i], for i in [0, params.length).
// The project's proof kernel: trivial maths, real plumbing (uniform params, override workgroup
// size, a 1-D grid folded into 2-D past maxComputeWorkgroupsPerDimension).
//
// One invocation computes one element of `output`.
// Shapes: output, x, y are arrays of params.length f32.
// Bindings (group 0; outputs, then inputs, then params):
//   0 output  storage read_write
//   1 x       storage read
//   2 y       storage read
//   3 params  uniform ScaleAddParams
// Dispatch: linearGrid(length, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear index
//   is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: the grid is rounded up, so invocations with i >= params.length return without writing.

override WORKGROUP_SIZE: u32 = 64;

struct ScaleAddParams {
  length: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read_write> output: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<uniform> params: ScaleAddParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.length) {
    return;
  }
  output[i] = params.scale * x[i] + y[i];
}
