// image_ascent.forward: the network's input for one ascent step, made from the image state:
//   input[b,c,y,x] = B(image)[b,c,(y - shift_y) mod H,(x - shift_x) mod W]
// B is the identity, or (blur = 1) the 3x3 [1,2,1] x [1,2,1] blur over the taps inside the image,
// divided by their total weight (so edges do not darken). The roll is the jitter; the update pass
// undoes it (src/ops/image_ascent.ts has both passes' maths).
//
// One invocation computes one element i of `input` (i = ((b * C + c) * H + y) * W + x).
// Shapes: input, image [batch, channels, height, width] f32.
// Bindings (group 0; outputs, then inputs, then params):
//   0 input   storage read_write array<f32>
//   1 image   storage read       array<f32>
//   2 params  uniform ImageAscentParams (shared with the update pass)
// Dispatch: linearGrid(batch * channels * height * width, WORKGROUP_SIZE, maxPerDimension); the
//   linear index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= batch * channels * height * width return without writing.

override WORKGROUP_SIZE: u32 = 64;

struct ImageAscentParams {
  batch: u32,
  channels: u32,
  height: u32,
  width: u32,
  shift_x: u32,
  shift_y: u32,
  blur: u32,
  normalize: u32,
  step_size: f32,
  gradient_scale: f32,
  decay: f32,
  tv_weight: f32,
  low: f32,
  high: f32,
}

@group(0) @binding(0) var<storage, read_write> input: array<f32>;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<uniform> params: ImageAscentParams;

fn blurred(start: u32, y: u32, x: u32) -> f32 {
  let h = i32(params.height);
  let w = i32(params.width);
  var sum = 0.0;
  var weight = 0.0;
  for (var dy = -1; dy <= 1; dy++) {
    let yy = i32(y) + dy;
    if (yy < 0 || yy >= h) { continue; }
    for (var dx = -1; dx <= 1; dx++) {
      let xx = i32(x) + dx;
      if (xx < 0 || xx >= w) { continue; }
      let tap = select(1.0, 2.0, dy == 0) * select(1.0, 2.0, dx == 0);
      sum += tap * image[start + u32(yy * w + xx)];
      weight += tap;
    }
  }
  return sum / weight;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let h = params.height;
  let w = params.width;
  let planeSize = h * w;
  if (i >= params.batch * params.channels * planeSize) {
    return;
  }
  let start = (i / planeSize) * planeSize;
  let y = (i % planeSize) / w;
  let x = i % w;
  let sy = (y + h - params.shift_y) % h;
  let sx = (x + w - params.shift_x) % w;
  if (params.blur == 1u) {
    input[i] = blurred(start, sy, sx);
  } else {
    input[i] = image[start + sy * w + sx];
  }
}
