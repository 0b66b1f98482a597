// dense.backward_bias: d_bias[o] = sum_b d_out[b, o], adding b = 0, 1, ... in order, so the result
// is the same on every run (no atomics, no tree whose shape depends on the device).
//
// One invocation computes one output feature o: it walks down column o of d_out; neighbouring
// invocations read neighbouring columns, so every row step is one coalesced load.
// Shapes: d_bias [out_features]; d_out [batch, out_features].
// Bindings (group 0): 0 d_bias read_write; 1 d_out read; 2 params uniform DenseBiasParams.
// Dispatch: linearGrid(out_features, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the feature
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with o >= params.out_features return without writing.

override WORKGROUP_SIZE: u32 = 64u;

struct DenseBiasParams {
  batch: u32,
  out_features: u32,
}

@group(0) @binding(0) var<storage, read_write> d_bias: array<f32>;
@group(0) @binding(1) var<storage, read> d_out: array<f32>;
@group(0) @binding(2) var<uniform> params: DenseBiasParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let o = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (o >= params.out_features) {
    return;
  }
  var sum = 0.0;
  for (var b = 0u; b < params.batch; b++) {
    sum += d_out[b * params.out_features + o];
  }
  d_bias[o] = sum;
}
