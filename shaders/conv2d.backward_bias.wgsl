// conv2d.backward_bias: dBias[c] = sum over images and output pixels of dOut[image, c, y, x],
// with a deterministic split of that sum.
//
// The R = batch * outHeight * outWidth values of channel c are cut into chunks of
// params.bias_chunk; workgroup (channel c = wg.x + wg.z * num_workgroups.x, folded past the
// per-dimension limit; y = split) sums chunk `split` of channel c and writes partial[split, c]. With one split, `partial` is dBias itself; with more, split_sum.forward.wgsl
// adds the partials in order 0..splits-1. Splitting keeps a big GPU busy when channels are few.
// Inside a workgroup each invocation sums a strided slice in a fixed order (walking image/pixel
// without division), then a tree reduction in workgroup memory: the order of additions depends
// only on WG_SIZE and the chunking, so results are the same on every run (no atomics).
// Bindings (group 0): 0 partial (splits, outC) write; 1 dOut (N,outC,outH,outW) read;
//   2 params uniform. WG_SIZE must be a power of two.
// Bounds: workgroups past the last channel return (uniform per workgroup); every other one writes
//   its partial (0 for an empty chunk); reads stop at the chunk end.

struct Conv2dParams {
  batch: u32,
  in_channels: u32,
  in_height: u32,
  in_width: u32,
  out_channels: u32,
  out_height: u32,
  out_width: u32,
  kernel_h: u32,
  kernel_w: u32,
  stride: u32,
  padding: u32,
  r_chunk: u32,
  bias_chunk: u32,
}

@group(0) @binding(0) var<storage, read_write> partial: array<f32>;
@group(0) @binding(1) var<storage, read> d_out: array<f32>;
@group(0) @binding(2) var<uniform> params: Conv2dParams;

override WG_SIZE: u32 = 256u;
var<workgroup> sums: array<f32, WG_SIZE>;

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let channel = wg.x + wg.z * groups.x;
  if (channel >= params.out_channels) { return; }
  let out_area = params.out_height * params.out_width;
  let r_total = params.batch * out_area;
  let r_begin = min(wg.y * params.bias_chunk, r_total);
  let r_end = min(r_begin + params.bias_chunk, r_total);
  // Advance (image, pixel) by WG_SIZE per step with one carry instead of a division.
  let step_images = WG_SIZE / out_area;
  let step_pixels = WG_SIZE % out_area;
  let plane_stride = params.out_channels * out_area;
  var image = (r_begin + lane) / out_area;
  var pixel = (r_begin + lane) % out_area;
  var sum = 0.0;
  for (var r = r_begin + lane; r < r_end; r += WG_SIZE) {
    sum += d_out[image * plane_stride + channel * out_area + pixel];
    image += step_images;
    pixel += step_pixels;
    if (pixel >= out_area) {
      pixel -= out_area;
      image += 1u;
    }
  }
  sums[lane] = sum;
  workgroupBarrier();
  for (var width = WG_SIZE / 2u; width > 0u; width /= 2u) {
    if (lane < width) { sums[lane] += sums[lane + width]; }
    workgroupBarrier();
  }
  if (lane == 0u) { partial[wg.y * params.out_channels + channel] = sums[0]; }
}
