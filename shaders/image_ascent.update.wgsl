// image_ascent.update: one gradient-ascent step on the image state, with its regularisers, for
// pixel p = (b, c, y, x) of the image; q = p rolled by (shift_y, shift_x), where p sits in `input`:
//   v     = input[q]                                   the (jittered, maybe blurred) pixel value
//   norm  = mean over image b of |gradient_scale * gradient| + 1e-8 when normalize = 1, else 1
//   g     = gradient_scale * gradient[q] / norm
//   tv    = sum over p's 4-neighbours n inside the image of sign(v - value(n)), value(n) read
//           from `input` at n rolled: the subgradient of the anisotropic total variation
//   image[p] = clamp(v + step_size * (g - decay * v - tv_weight * tv), low, high)
// Every value is read from `input` and `gradient`, never from `image`, so the pass reads nothing
// it writes. Signs come from comparisons (a subtraction could be flushed to zero).
//
// One workgroup per image b (b = wg.x + wg.y * num_workgroups.x, folded past the per-dimension
// limit): its invocations first sum |gradient| over strided slices, then a tree reduction in
// workgroup memory (a fixed order: deterministic, no atomics); then each invocation updates the
// pixels i = lane, lane + WG_SIZE, ... of that image.
// Shapes: image, input, gradient [batch, channels, height, width] f32.
// Bindings (group 0; outputs, then inputs, then params):
//   0 image     storage read_write array<f32>
//   1 input     storage read       array<f32>  (what image_ascent.forward wrote this step)
//   2 gradient  storage read       array<f32>  (d objective / d input)
//   3 params    uniform ImageAscentParams (shared with the forward pass)
// Dispatch: linearGrid(batch, 1, maxPerDimension) workgroups. WG_SIZE must be a power of two.
// Bounds: workgroups with b >= batch return (uniformly); each writes only image b's pixels.

override WG_SIZE: u32 = 64u;
const NORMALIZE_EPSILON: f32 = 1e-8;

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

@group(0) @binding(0) var<storage, read_write> image: array<f32>;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> gradient: array<f32>;
@group(0) @binding(3) var<uniform> params: ImageAscentParams;

var<workgroup> partial: array<f32, WG_SIZE>;

// Index in `input` of image pixel (y, x) of the plane starting at `start`.
fn rolled(start: u32, y: u32, x: u32) -> u32 {
  return start + ((y + params.shift_y) % params.height) * params.width + (x + params.shift_x) % params.width;
}

fn sign_of(a: f32, b: f32) -> f32 {
  return select(0.0, 1.0, a > b) - select(0.0, 1.0, a < b);
}

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let b = wg.x + wg.y * groups.x;
  if (b >= params.batch) { return; }
  let h = params.height;
  let w = params.width;
  let planeSize = h * w;
  let pixels = params.channels * planeSize;
  let base = b * pixels;

  var sum = 0.0;
  for (var i = lane; i < pixels; i += WG_SIZE) {
    sum += abs(gradient[base + i]);
  }
  partial[lane] = sum;
  workgroupBarrier();
  for (var half = WG_SIZE / 2u; half > 0u; half /= 2u) {
    if (lane < half) {
      partial[lane] += partial[lane + half];
    }
    workgroupBarrier();
  }
  var norm = 1.0;
  if (params.normalize == 1u) {
    norm = abs(params.gradient_scale) * (partial[0] / f32(pixels)) + NORMALIZE_EPSILON;
  }

  for (var i = lane; i < pixels; i += WG_SIZE) {
    let start = base + (i / planeSize) * planeSize;
    let y = (i % planeSize) / w;
    let x = i % w;
    let q = rolled(start, y, x);
    let v = input[q];
    var tv = 0.0;
    if (y > 0u) { tv += sign_of(v, input[rolled(start, y - 1u, x)]); }
    if (y + 1u < h) { tv += sign_of(v, input[rolled(start, y + 1u, x)]); }
    if (x > 0u) { tv += sign_of(v, input[rolled(start, y, x - 1u)]); }
    if (x + 1u < w) { tv += sign_of(v, input[rolled(start, y, x + 1u)]); }
    let g = params.gradient_scale * gradient[q] / norm;
    let next = v + params.step_size * (g - params.decay * v - params.tv_weight * tv);
    image[base + i] = clamp(next, params.low, params.high);
  }
}
