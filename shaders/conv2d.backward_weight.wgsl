// conv2d.backward_weight as a tiled implicit GEMM with a deterministic split-K.
//
// GEMM view: dWeight[m, n] = sum_r dOutT[m, r] * patchT[r, n]
//   m = output channel (M = outChannels)
//   n = (inChannel, kernelY, kernelX) flattened (N = inChannels * kernelH * kernelW)
//   r = (image, outY, outX) flattened (R = batch * outHeight * outWidth), the long reduction
//   dOutT[m, r] = dOut[image, m, outY, outX]; patchT[r, n] is the forward's patch[n, r].
// R is cut into chunks of params.r_chunk (a multiple of TILE_K, chosen on the host so that
// num_workgroups.z chunks cover R); workgroup z sums chunk z and writes partial[z, m, n].
// split_sum.forward.wgsl then adds the chunks in order 0..splits-1, so the result does not depend
// on scheduling (no float atomics). With one split, `partial` is dWeight itself.
// Tiles and the 8 x 8 block per invocation as in conv2d.forward.wgsl (vec4 tiles [r][m / 4] and
// [r][n / 4], named accumulators). Both tiles are filled r-fastest (consecutive r are consecutive
// pixels in dOut and, at stride 1, in the input), so each invocation keeps one r per TILE_K step
// and decodes it once; taps[n] decodes the weight index n.
// Bindings (group 0): 0 partial (splits,outC,inC*kH*kW) write; 1 dOut (N,outC,outH,outW) read;
//   2 input (N,inC,H,W) read; 3 taps (inC*kH*kW) read; 4 params uniform.
// Dispatch: x along N, y along M, z = splits. Requires (WG_X * WG_Y) % TILE_K == 0.
// Bounds: loads outside M, N or the chunk read 0; stores outside M or N are skipped; every
//   invocation of split z writes its elements, even when the chunk is empty (zeros).

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

// Tap n = (c, ky, kx): input_offset = (c * inHeight + ky) * inWidth + kx (as in the forward).
struct Tap {
  input_offset: u32,
  ky: u32,
  kx: u32,
}

@group(0) @binding(0) var<storage, read_write> partial: array<f32>;
@group(0) @binding(1) var<storage, read> d_out: array<f32>;
@group(0) @binding(2) var<storage, read> input: array<f32>;
@group(0) @binding(3) var<storage, read> taps: array<Tap>;
@group(0) @binding(4) var<uniform> params: Conv2dParams;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TILE_K: u32 = 16u;

override M_QUADS: u32 = 2u * WG_Y; // derived: never set from the host
override N_QUADS: u32 = 2u * WG_X;
// Consecutive invocations fill consecutive r, one row stride apart: an odd stride in vec4s keeps
// those writes in distinct banks on GPUs.
override G_STRIDE: u32 = M_QUADS + 1u;
override P_STRIDE: u32 = N_QUADS + 1u;

var<workgroup> tile_g: array<vec4f, TILE_K * G_STRIDE>; // [r][m / 4]
var<workgroup> tile_p: array<vec4f, TILE_K * P_STRIDE>; // [r][n / 4]

@compute @workgroup_size(WG_X, WG_Y)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) flat: u32,
) {
  let m_total = params.out_channels;
  let n_total = params.in_channels * params.kernel_h * params.kernel_w;
  let out_area = params.out_height * params.out_width;
  let r_total = params.batch * out_area;
  let r_begin = min(wg.z * params.r_chunk, r_total);
  let r_end = min(r_begin + params.r_chunk, r_total);
  let m0 = wg.y * 4u * M_QUADS;
  let n0 = wg.x * 4u * N_QUADS;
  let in_plane = params.in_height * params.in_width;

  let threads = WG_X * WG_Y;
  let rr = flat % TILE_K; // this invocation's r within every TILE_K step
  let first_quad = flat / TILE_K;
  let quad_step = threads / TILE_K;

  var acc00 = vec4f(0.0);
  var acc01 = vec4f(0.0);
  var acc10 = vec4f(0.0);
  var acc11 = vec4f(0.0);
  var acc20 = vec4f(0.0);
  var acc21 = vec4f(0.0);
  var acc30 = vec4f(0.0);
  var acc31 = vec4f(0.0);
  var acc40 = vec4f(0.0);
  var acc41 = vec4f(0.0);
  var acc50 = vec4f(0.0);
  var acc51 = vec4f(0.0);
  var acc60 = vec4f(0.0);
  var acc61 = vec4f(0.0);
  var acc70 = vec4f(0.0);
  var acc71 = vec4f(0.0);
  for (var r0 = r_begin; r0 < r_end; r0 += TILE_K) {
    let r = r0 + rr;
    let r_ok = r < r_end;
    let image = r / out_area;
    let pixel = r % out_area;
    let grad_base = image * m_total * out_area + pixel;
    let iy0 = i32((pixel / params.out_width) * params.stride) - i32(params.padding);
    let ix0 = i32((pixel % params.out_width) * params.stride) - i32(params.padding);
    let in_base = i32(image * params.in_channels * in_plane) + iy0 * i32(params.in_width) + ix0;
    for (var quad = first_quad; quad < M_QUADS; quad += quad_step) {
      let m = m0 + quad * 4u;
      var g = vec4f(0.0);
      if (r_ok) {
        let at = grad_base + m * out_area;
        if (m < m_total) { g.x = d_out[at]; }
        if (m + 1u < m_total) { g.y = d_out[at + out_area]; }
        if (m + 2u < m_total) { g.z = d_out[at + 2u * out_area]; }
        if (m + 3u < m_total) { g.w = d_out[at + 3u * out_area]; }
      }
      tile_g[rr * G_STRIDE + quad] = g;
    }
    for (var quad = first_quad; quad < N_QUADS; quad += quad_step) {
      var v = vec4f(0.0);
      if (r_ok) {
        for (var j = 0u; j < 4u; j++) {
          let n = n0 + quad * 4u + j;
          if (n < n_total) {
            let tap = taps[n];
            let iy = iy0 + i32(tap.ky);
            let ix = ix0 + i32(tap.kx);
            if (u32(iy) < params.in_height && u32(ix) < params.in_width) {
              v[j] = input[u32(in_base + i32(tap.input_offset))];
            }
          }
        }
      }
      tile_p[rr * P_STRIDE + quad] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      let a0 = tile_g[k * G_STRIDE + lid.y];
      let a1 = tile_g[k * G_STRIDE + lid.y + WG_Y];
      let b0 = tile_p[k * P_STRIDE + lid.x];
      let b1 = tile_p[k * P_STRIDE + lid.x + WG_X];
      acc00 = fma(vec4f(a0.x), b0, acc00);
      acc01 = fma(vec4f(a0.x), b1, acc01);
      acc10 = fma(vec4f(a0.y), b0, acc10);
      acc11 = fma(vec4f(a0.y), b1, acc11);
      acc20 = fma(vec4f(a0.z), b0, acc20);
      acc21 = fma(vec4f(a0.z), b1, acc21);
      acc30 = fma(vec4f(a0.w), b0, acc30);
      acc31 = fma(vec4f(a0.w), b1, acc31);
      acc40 = fma(vec4f(a1.x), b0, acc40);
      acc41 = fma(vec4f(a1.x), b1, acc41);
      acc50 = fma(vec4f(a1.y), b0, acc50);
      acc51 = fma(vec4f(a1.y), b1, acc51);
      acc60 = fma(vec4f(a1.z), b0, acc60);
      acc61 = fma(vec4f(a1.z), b1, acc61);
      acc70 = fma(vec4f(a1.w), b0, acc70);
      acc71 = fma(vec4f(a1.w), b1, acc71);
    }
    workgroupBarrier();
  }

  let split_base = wg.z * m_total * n_total;
  let acc = array<vec4f, 16>(
    acc00, acc01,
    acc10, acc11,
    acc20, acc21,
    acc30, acc31,
    acc40, acc41,
    acc50, acc51,
    acc60, acc61,
    acc70, acc71,
  );
  for (var i = 0u; i < 8u; i++) {
    let m = m0 + (lid.y + (i / 4u) * WG_Y) * 4u + i % 4u;
    if (m >= m_total) { continue; }
    for (var j = 0u; j < 8u; j++) {
      let n = n0 + (lid.x + (j / 4u) * WG_X) * 4u + j % 4u;
      if (n >= n_total) { continue; }
      partial[split_base + m * n_total + n] = acc[i * 2u + j / 4u][j % 4u];
    }
  }
}
