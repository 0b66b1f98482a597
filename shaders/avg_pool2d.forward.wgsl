// avg_pool2d.forward: out = mean over each kernel x kernel window (no padding, so every window is
// full and the divisor is always kernel^2).
//
// One invocation computes one element o of `out`, o = ((plane * outHeight + oy) * outWidth + ox),
//   plane = n * channels + c: it adds the window in row-major order in f32, then multiplies by
//   params.inverseArea (f32(1 / kernel^2), computed on the host: a multiply is correctly rounded,
//   WGSL's divide is not).
// Shapes: input [planes, inHeight, inWidth] f32; out [planes, outHeight, outWidth] f32.
// Bindings (group 0; outputs, then inputs, then params):
//   0 out     storage read_write  array<f32>
//   1 input   storage read        array<f32>
//   2 params  uniform AvgPool2dParams
// Dispatch: linearGrid(planes * outHeight * outWidth, WORKGROUP_SIZE, maxPerDimension); the linear
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with o >= planes * outHeight * outWidth return without writing.

override WORKGROUP_SIZE: u32 = 64;

struct AvgPool2dParams {
  planes: u32,
  inHeight: u32,
  inWidth: u32,
  outHeight: u32,
  outWidth: u32,
  kernel: u32,
  stride: u32,
  inverseArea: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<uniform> params: AvgPool2dParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let o = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let outPlane = params.outHeight * params.outWidth;
  if (o >= params.planes * outPlane) {
    return;
  }
  let plane = o / outPlane;
  let oy = (o % outPlane) / params.outWidth;
  let ox = o % params.outWidth;
  let windowStart = (plane * params.inHeight + oy * params.stride) * params.inWidth + ox * params.stride;
  var sum = 0.0;
  for (var ky = 0u; ky < params.kernel; ky++) {
    let rowStart = windowStart + ky * params.inWidth;
    for (var kx = 0u; kx < params.kernel; kx++) {
      sum += input[rowStart + kx];
    }
  }
  out[o] = sum * params.inverseArea;
}
