// split_sum.forward: out[i] = sum over s < splits of parts[s * length + i], added s = 0, 1, ... in
// that order.
//
// Finishes a split-K reduction (conv2d and dense backward passes) without float atomics, so the
// result is the same on every run. One invocation computes one element of `out`; consecutive
// invocations read consecutive addresses of each split (coalesced).
// Shapes: out is `length` f32; parts is `splits * length` f32 (split s at offset s * length).
// Bindings (group 0): 0 out write; 1 parts read; 2 params uniform SplitSumParams.
// Dispatch: linearGrid(length, WG_SIZE, maxComputeWorkgroupsPerDimension); the linear index is
//   gid.x + gid.y * num_workgroups.x * WG_SIZE.
// Bounds: invocations with i >= length return without writing.

struct SplitSumParams {
  length: u32,
  splits: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> parts: array<f32>;
@group(0) @binding(2) var<uniform> params: SplitSumParams;

override WG_SIZE: u32 = 256u;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.length) { return; }
  var sum = 0.0;
  for (var s = 0u; s < params.splits; s++) { sum += parts[s * params.length + i]; }
  out[i] = sum;
}
