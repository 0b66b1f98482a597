// max_pool2d.backward_input: dInput[i] = sum of dOut[o] over the windows o that contain input
// element i and chose it (argmax[o] == i); 0 where none did. dInput is OVERWRITTEN.
// With ACTIVATION != 0 the sum is then multiplied by that activation's slope at input[i] (the
// previous layer's activated output), fusing that layer's activation backward into this pass:
// dInput[i] = sum * act'(input[i]), the same product as activation.backward_input.wgsl.
//
// Gather form, so no atomics and a fixed order: one invocation computes one element i of dInput
//   at (plane, y, x) and visits the windows containing it in row-major output order (oy, then ox,
//   ascending), adding in f32. Windows containing row y are oy in
//   [y < kernel ? 0 : (y - kernel) / stride + 1, min(y / stride, outHeight - 1)] (empty when the
//   first exceeds the second: rows in the gaps of stride > kernel, or past the last window), and
//   likewise for columns; overlapping windows (stride < kernel) give up to ceil(kernel/stride)^2.
// Shapes: dInput [planes, inHeight, inWidth] f32; dOut and argmax [planes, outHeight, outWidth]
//   (argmax as written by max_pool2d.forward with the same params: flat indices into dInput).
// Bindings (group 0; outputs, then inputs, then params):
//   0 dInput  storage read_write  array<f32>
//   1 dOut    storage read        array<f32>
//   2 argmax  storage read        array<u32>
//   3 input   storage read        array<f32>  (the forward's input; read only when ACTIVATION != 0)
//   4 params  uniform MaxPool2dParams
// Dispatch: linearGrid(planes * inHeight * inWidth, WORKGROUP_SIZE, maxPerDimension); the linear
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= planes * inHeight * inWidth return without writing.

override WORKGROUP_SIZE: u32 = 64;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;

struct MaxPool2dParams {
  planes: u32,
  inHeight: u32,
  inWidth: u32,
  outHeight: u32,
  outWidth: u32,
  kernel: u32,
  stride: u32,
}

@group(0) @binding(0) var<storage, read_write> dInput: array<f32>;
@group(0) @binding(1) var<storage, read> dOut: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<u32>;
@group(0) @binding(3) var<storage, read> input: array<f32>;
@group(0) @binding(4) var<uniform> params: MaxPool2dParams;

/** d act / d pre-activation from the activation's output y (as activation.backward_input.wgsl). */
fn slope_from_output(y: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return select(0.0, 1.0, y > 0.0); }
    case 2u: { return y * (1.0 - y); }
    case 3u: { return 1.0 - y * y; }
    default: { return 1.0; }
  }
}

/** First window (along one axis) whose span [w * stride, w * stride + kernel) contains `at`. */
fn firstWindow(at: u32) -> u32 {
  return select((at - params.kernel) / params.stride + 1u, 0u, at < params.kernel);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let inPlane = params.inHeight * params.inWidth;
  if (i >= params.planes * inPlane) {
    return;
  }
  let plane = i / inPlane;
  let y = (i % inPlane) / params.inWidth;
  let x = i % params.inWidth;
  let oyEnd = min(y / params.stride + 1u, params.outHeight);
  let oxEnd = min(x / params.stride + 1u, params.outWidth);
  var sum = 0.0;
  for (var oy = firstWindow(y); oy < oyEnd; oy++) {
    let rowStart = (plane * params.outHeight + oy) * params.outWidth;
    for (var ox = firstWindow(x); ox < oxEnd; ox++) {
      if (argmax[rowStart + ox] == i) {
        sum += dOut[rowStart + ox];
      }
    }
  }
  if (ACTIVATION == 0u) {
    dInput[i] = sum;
  } else {
    dInput[i] = sum * slope_from_output(input[i]);
  }
}
