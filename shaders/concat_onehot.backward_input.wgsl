// concat_onehot.backward_input: dA[r, c] = dOut[r, c] for c < width; the one-hot columns' gradients
// are dropped (labels have no gradient).
//
// One invocation computes one element i = r * width + c of dA (overwritten).
// Shapes: dA [rows, width] f32; dOut [rows, width + classes] f32.
// Bindings (group 0): 0 dA read_write; 1 dOut read; 2 params uniform (the struct of
//   concat_onehot.forward.wgsl).
// Dispatch: linearGrid(rows * width, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= rows * width return without writing.

override WORKGROUP_SIZE: u32 = 256u;

struct ConcatOnehotParams {
  rows: u32,
  width: u32,
  classes: u32,
}

@group(0) @binding(0) var<storage, read_write> dA: array<f32>;
@group(0) @binding(1) var<storage, read> dOut: array<f32>;
@group(0) @binding(2) var<uniform> params: ConcatOnehotParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.rows * params.width) {
    return;
  }
  let r = i / params.width;
  dA[i] = dOut[r * (params.width + params.classes) + (i - r * params.width)];
}
