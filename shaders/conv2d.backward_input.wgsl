// conv2d.backward_input as a tiled implicit GEMM (the transposed convolution of dOut).
//
// GEMM view: dInput[m, n] = sum_k weightT[m, k] * dOutPatch[k, n]
//   m = input channel (M = inChannels)
//   n = (image, y, x) flattened over the input (N = batch * inHeight * inWidth)
//   k = (outChannel, kernelY, kernelX) flattened (K = outChannels * kernelH * kernelW)
//   weightT[m, k] = weight[outChannel, m, kernelY, kernelX]
//   dOutPatch[k, n] = dOut[image, outChannel, oy, ox] with oy = (y + padding - kernelY) / stride
//   and ox likewise, when both divisions are exact and land inside the output; else 0.
// Tiling, thread layout and dispatch folding are those of conv2d.forward.wgsl. The exact-division
// test needs no division in the K loop: each invocation splits its column once into
// y + padding = qy * stride + ry (and x likewise), and taps[k] holds kernelY = ky_div * stride + ky_mod;
// the tap hits an output row iff ry == ky_mod, and then oy = qy - ky_div.
// Bindings (group 0): 0 dInput (N,inC,H,W) write (overwritten); 1 dOut (N,outC,outH,outW) read;
//   2 weight (outC,inC,kH,kW) read; 3 taps (K) read; 4 params uniform.
// Requires (WG_X * WG_Y) % TILE_N == 0, i.e. WG_Y % 4 == 0.
// Bounds: loads outside M, N or K read 0; stores outside M or N are skipped.

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

// Tap k = (oc, ky, kx): d_out_offset = oc * outHeight * outWidth; weight_offset = index of
// weight[oc, 0, ky, kx]; ky = ky_div * stride + ky_mod, kx likewise.
struct GradTap {
  d_out_offset: u32,
  weight_offset: u32,
  ky_div: u32,
  ky_mod: u32,
  kx_div: u32,
  kx_mod: u32,
}

@group(0) @binding(0) var<storage, read_write> d_input: array<f32>;
@group(0) @binding(1) var<storage, read> d_out: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> taps: array<GradTap>;
@group(0) @binding(4) var<uniform> params: Conv2dParams;

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;

const THREAD_M: u32 = 4u;
const THREAD_N: u32 = 4u;
override TILE_M: u32 = WG_Y * THREAD_M; // derived: never set from the host
override TILE_N: u32 = WG_X * THREAD_N;
// k-fastest fill of the weight tile: stride padded as in conv2d.forward.wgsl (no bank conflicts).
override W_STRIDE: u32 = TILE_M + max(1u, 32u / TILE_K);

var<workgroup> tile_w: array<f32, TILE_K * W_STRIDE>; // [k][m]
var<workgroup> tile_g: array<f32, TILE_K * TILE_N>; // [k][n]

@compute @workgroup_size(WG_X, WG_Y)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) flat: u32,
) {
  let m_total = params.in_channels;
  let in_area = params.in_height * params.in_width;
  let n_total = params.batch * in_area;
  let kernel_area = params.kernel_h * params.kernel_w;
  let k_total = params.out_channels * kernel_area;
  let m0 = wg.y * TILE_M;
  let n0 = (wg.x + wg.z * groups.x) * TILE_N;
  if (n0 >= n_total) { return; } // uniform per workgroup

  // This invocation's dOut-patch column (one input pixel), decoded once.
  let threads = WG_X * WG_Y;
  let col = flat % TILE_N;
  let n = n0 + col;
  let col_ok = n < n_total;
  let pixel = n % in_area;
  let sy = pixel / params.in_width + params.padding;
  let sx = pixel % params.in_width + params.padding;
  let qy = i32(sy / params.stride);
  let ry = sy % params.stride;
  let qx = i32(sx / params.stride);
  let rx = sx % params.stride;
  let out_area = params.out_height * params.out_width;
  let col_base = (n / in_area) * params.out_channels * out_area;

  var acc: array<array<f32, THREAD_N>, THREAD_M>;
  for (var k0 = 0u; k0 < k_total; k0 += TILE_K) {
    for (var e = flat; e < TILE_K * TILE_M; e += threads) {
      let kk = e % TILE_K;
      let m = m0 + e / TILE_K;
      let k = k0 + kk;
      var w = 0.0;
      if (m < m_total && k < k_total) { w = weight[taps[k].weight_offset + m * kernel_area]; }
      tile_w[kk * W_STRIDE + e / TILE_K] = w;
    }
    for (var kk = flat / TILE_N; kk < TILE_K; kk += threads / TILE_N) {
      let k = k0 + kk;
      var g = 0.0;
      if (col_ok && k < k_total) {
        let tap = taps[k];
        if (tap.ky_mod == ry && tap.kx_mod == rx) {
          let oy = qy - i32(tap.ky_div);
          let ox = qx - i32(tap.kx_div);
          if (u32(oy) < params.out_height && u32(ox) < params.out_width) {
            g = d_out[col_base + tap.d_out_offset + u32(oy) * params.out_width + u32(ox)];
          }
        }
      }
      tile_g[kk * TILE_N + col] = g;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      var a: array<f32, THREAD_M>;
      var b: array<f32, THREAD_N>;
      for (var i = 0u; i < THREAD_M; i++) { a[i] = tile_w[kk * W_STRIDE + lid.y + i * WG_Y]; }
      for (var j = 0u; j < THREAD_N; j++) { b[j] = tile_g[kk * TILE_N + lid.x + j * WG_X]; }
      for (var i = 0u; i < THREAD_M; i++) {
        for (var j = 0u; j < THREAD_N; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  for (var j = 0u; j < THREAD_N; j++) {
    let n_out = n0 + lid.x + j * WG_X;
    if (n_out >= n_total) { break; }
    let out_base = (n_out / in_area) * m_total * in_area + n_out % in_area;
    for (var i = 0u; i < THREAD_M; i++) {
      let m = m0 + lid.y + i * WG_Y;
      if (m >= m_total) { break; }
      d_input[out_base + m * in_area] = acc[i][j];
    }
  }
}
