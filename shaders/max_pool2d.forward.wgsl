// max_pool2d.forward: out = max over each kernel x kernel window (no padding), and argmax = the
// flat index into the WHOLE input tensor of the element chosen (what the backward pass gathers by).
//
// One invocation computes one element o of `out` (and of `argmax`), o = ((plane * outHeight + oy)
//   * outWidth + ox), plane = n * channels + c; its window starts at (oy * stride, ox * stride).
// Ties: the window is scanned in row-major order and only a strictly greater value replaces the
//   best, so the first maximum wins (as src/reference/max_pool2d.ts).
// NaN: the first NaN in the window wins and stays, so a NaN input reaches the output, as in the
//   reference and PyTorch. NaN is detected from the bits (exponent all ones, mantissa non-zero),
//   not with x != x, which a compiler may fold away under WGSL's "no NaN" assumption.
// Shapes: input [planes, inHeight, inWidth] f32; out and argmax [planes, outHeight, outWidth].
// Bindings (group 0; outputs, then inputs, then params):
//   0 out     storage read_write  array<f32>
//   1 argmax  storage read_write  array<u32>
//   2 input   storage read        array<f32>
//   3 params  uniform MaxPool2dParams
// Dispatch: linearGrid(planes * outHeight * outWidth, WORKGROUP_SIZE, maxPerDimension); the linear
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with o >= planes * outHeight * outWidth return without writing.

override WORKGROUP_SIZE: u32 = 64;

struct MaxPool2dParams {
  planes: u32,
  inHeight: u32,
  inWidth: u32,
  outHeight: u32,
  outWidth: u32,
  kernel: u32,
  stride: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> argmax: array<u32>;
@group(0) @binding(2) var<storage, read> input: array<f32>;
@group(0) @binding(3) var<uniform> params: MaxPool2dParams;

fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

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
  var best = windowStart;
  var bestValue = input[windowStart];
  var bestIsNan = isNan(bestValue);
  for (var ky = 0u; ky < params.kernel; ky++) {
    let rowStart = windowStart + ky * params.inWidth;
    for (var kx = 0u; kx < params.kernel; kx++) {
      let value = input[rowStart + kx];
      let valueIsNan = isNan(value);
      // Once the best is NaN nothing replaces it; a NaN replaces any number; else strictly greater.
      if (!bestIsNan && (valueIsNan || value > bestValue)) {
        best = rowStart + kx;
        bestValue = value;
        bestIsNan = valueIsNan;
      }
    }
  }
  out[o] = bestValue;
  argmax[o] = best;
}
