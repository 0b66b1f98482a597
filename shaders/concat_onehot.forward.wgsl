// concat_onehot.forward: out[r] = [a[r] ; onehot(labels[r])] (src/reference/concat_onehot.ts), how
// the CVAE feeds the class to its encoder and decoder.
//
// One invocation computes one element i = r * (width + classes) + c of `out`:
//   c < width: a[r, c]; else 1.0 when c - width == labels[r], else 0.0.
// A label outside [0, classes) gives an all-zero one-hot (the host checks labels it uploads;
// gather_batch writes only dataset labels).
// Shapes: out [rows, width + classes] f32; a [rows, width] f32; labels [rows] u32.
// Bindings (group 0): 0 out read_write; 1 a read; 2 labels read; 3 params uniform.
// Dispatch: linearGrid(rows * (width + classes), WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension);
//   the linear index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= rows * (width + classes) return without writing.

override WORKGROUP_SIZE: u32 = 256u;

struct ConcatOnehotParams {
  rows: u32,
  width: u32,
  classes: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<uniform> params: ConcatOnehotParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let outWidth = params.width + params.classes;
  if (i >= params.rows * outWidth) {
    return;
  }
  let r = i / outWidth;
  let c = i % outWidth;
  if (c < params.width) {
    out[i] = a[r * params.width + c];
  } else {
    out[i] = select(0.0, 1.0, c - params.width == labels[r]);
  }
}
