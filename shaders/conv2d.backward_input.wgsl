// conv2d.backward_input as a tiled implicit GEMM (the transposed convolution of dOut).
//
// GEMM view: dInput[m, n] = sum_k weightT[m, k] * dOutPatch[k, n]
//   m = input channel (M = inChannels)
//   n = (image, y, x) flattened over the input (N = batch * inHeight * inWidth)
//   k = (outChannel, kernelY, kernelX) flattened (K = outChannels * kernelH * kernelW)
//   weightT[m, k] = weight[outChannel, m, kernelY, kernelX]
//   dOutPatch[k, n] = dOut[image, outChannel, oy, ox] with oy = (y + padding - kernelY) / stride
//   and ox likewise, when both divisions are exact and land inside the output; else 0.
// Tiling (vec4 tiles, 8 x 8 named accumulators per invocation), thread layout and dispatch folding
// are those of conv2d.forward.wgsl. The exact-division test needs no division in the K loop: each
// invocation splits its four columns once into y + padding = qy * stride + ry (and x likewise),
// and taps[k] holds kernelY = ky_div * stride + ky_mod; the tap hits an output row iff
// ry == ky_mod, and then oy = qy - ky_div.
// Bindings (group 0): 0 dInput (N,inC,H,W) write (overwritten); 1 dOut (N,outC,outH,outW) read;
//   2 weight (outC,inC,kH,kW) read; 3 taps (K) read; 4 params uniform.
// Requires WG_X and WG_Y even.
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

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TILE_K: u32 = 16u;

override M_QUADS: u32 = 2u * WG_Y; // derived: never set from the host
override N_QUADS: u32 = 2u * WG_X;

var<workgroup> tile_w: array<vec4f, TILE_K * M_QUADS>; // [k][m / 4]
var<workgroup> tile_g: array<vec4f, TILE_K * N_QUADS>; // [k][n / 4]

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
  let m0 = wg.y * 4u * M_QUADS;
  let n0 = (wg.x + wg.z * groups.x) * 4u * N_QUADS;
  if (n0 >= n_total) { return; } // uniform per workgroup

  // The dOut-patch quad this invocation loads (four input pixels), decoded once.
  let threads = WG_X * WG_Y;
  let g_quad = flat % N_QUADS;
  let out_area = params.out_height * params.out_width;
  var qy = vec4i(0);
  var qx = vec4i(0);
  var ry = vec4u(0u);
  var rx = vec4u(0u);
  var col_base = vec4u(0u);
  var col_ok = vec4<bool>(false);
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + g_quad * 4u + j;
    let pixel = n % in_area;
    let sy = pixel / params.in_width + params.padding;
    let sx = pixel % params.in_width + params.padding;
    qy[j] = i32(sy / params.stride);
    ry[j] = sy % params.stride;
    qx[j] = i32(sx / params.stride);
    rx[j] = sx % params.stride;
    col_base[j] = (n / in_area) * params.out_channels * out_area;
    col_ok[j] = n < n_total;
  }
  // The weight quad this invocation loads: four input channels m, one k per step.
  let w_quad = flat % M_QUADS;
  let w_m = m0 + w_quad * 4u;

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
  for (var k0 = 0u; k0 < k_total; k0 += TILE_K) {
    for (var kk = flat / M_QUADS; kk < TILE_K; kk += threads / M_QUADS) {
      let k = k0 + kk;
      var w = vec4f(0.0);
      if (k < k_total) {
        let at = taps[k].weight_offset + w_m * kernel_area;
        if (w_m < m_total) { w.x = weight[at]; }
        if (w_m + 1u < m_total) { w.y = weight[at + kernel_area]; }
        if (w_m + 2u < m_total) { w.z = weight[at + 2u * kernel_area]; }
        if (w_m + 3u < m_total) { w.w = weight[at + 3u * kernel_area]; }
      }
      tile_w[kk * M_QUADS + w_quad] = w;
    }
    for (var kk = flat / N_QUADS; kk < TILE_K; kk += threads / N_QUADS) {
      let k = k0 + kk;
      var g = vec4f(0.0);
      if (k < k_total) {
        let tap = taps[k];
        let oy = qy - vec4i(i32(tap.ky_div));
        let ox = qx - vec4i(i32(tap.kx_div));
        let hit = col_ok & (ry == vec4u(tap.ky_mod)) & (rx == vec4u(tap.kx_mod)) &
          (vec4u(oy) < vec4u(params.out_height)) & (vec4u(ox) < vec4u(params.out_width));
        let at = col_base + vec4u(tap.d_out_offset) + vec4u(oy) * params.out_width + vec4u(ox);
        if (hit.x) { g.x = d_out[at.x]; }
        if (hit.y) { g.y = d_out[at.y]; }
        if (hit.z) { g.z = d_out[at.z]; }
        if (hit.w) { g.w = d_out[at.w]; }
      }
      tile_g[kk * N_QUADS + g_quad] = g;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a0 = tile_w[kk * M_QUADS + lid.y];
      let a1 = tile_w[kk * M_QUADS + lid.y + WG_Y];
      let b0 = tile_g[kk * N_QUADS + lid.x];
      let b1 = tile_g[kk * N_QUADS + lid.x + WG_X];
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
  for (var j = 0u; j < 8u; j++) {
    let n = n0 + (lid.x + (j / 4u) * WG_X) * 4u + j % 4u;
    if (n >= n_total) { continue; }
    let out_base = (n / in_area) * m_total * in_area + n % in_area;
    for (var i = 0u; i < 8u; i++) {
      let m = m0 + (lid.y + (i / 4u) * WG_Y) * 4u + i % 4u;
      if (m >= m_total) { continue; }
      d_input[out_base + m * in_area] = acc[i * 2u + j / 4u][j % 4u];
    }
  }
}
