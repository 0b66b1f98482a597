// conv2d.forward as a tiled implicit GEMM, bias and activation fused.
//
// GEMM view: out[m, n] = act(sum_k weight[m, k] * patch[k, n] + bias[m])
//   m = output channel (M = outChannels)
//   n = (image, outY, outX) flattened (N = batch * outHeight * outWidth)
//   k = (inChannel, kernelY, kernelX) flattened (K = inChannels * kernelH * kernelW)
//   patch[k, n] = input[image, inChannel, outY*stride - padding + kernelY, outX*stride - padding + kernelX],
//   zero outside the input (zero padding). The patch matrix is never stored.
// One workgroup (WG_X x WG_Y invocations) computes a TILE_M x TILE_N block of `out`, TILE_M = 8 WG_Y,
// TILE_N = 8 WG_X. Both K-slices live in workgroup memory as vec4s: tile_w[k][m / 4] and
// tile_p[k][n / 4]. Each invocation owns an 8 x 8 block in registers: the m-quads ty and ty + WG_Y
// and the n-quads tx and tx + WG_X, so one K step reads four vec4s and does 16 vec4 FMAs.
// The 16 accumulators are named variables, not an array: SwiftShader keeps function arrays in
// memory (measured 2.5x slower); GPUs keep either in registers. K advances TILE_K at a time.
// No integer division by runtime sizes in the K loop: each invocation decodes its patch quad (four
// consecutive n) once, and `taps` (built on the host, src/kernels/conv2d_plan.ts) decodes k.
// Bindings (group 0): 0 out (N,outC,outH,outW) write; 1 input (N,inC,H,W) read;
//   2 weight (outC,inC,kH,kW) read; 3 bias (outC) read; 4 taps (K) read; 5 params uniform.
// Dispatch: x * z workgroups along N (tile index wg.x + wg.z * num_workgroups.x, folded past the
//   per-dimension limit), y along M. Requires WG_X and WG_Y even (the fills hand each invocation
//   whole quads: src/kernels/conv2d.ts checks it).
// Bounds: loads outside M, N or K read 0; stores outside M or N are skipped; whole workgroups past
//   the end of N return before any barrier (the test is uniform per workgroup).

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

// Tap k = (c, ky, kx): input_offset = (c * inHeight + ky) * inWidth + kx.
struct Tap {
  input_offset: u32,
  ky: u32,
  kx: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> taps: array<Tap>;
@group(0) @binding(5) var<uniform> params: Conv2dParams;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TILE_K: u32 = 16u;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;

// Quads per tile row: both fills write consecutive quads from consecutive invocations.
override M_QUADS: u32 = 2u * WG_Y; // derived: never set from the host
override N_QUADS: u32 = 2u * WG_X;

var<workgroup> tile_w: array<vec4f, TILE_K * M_QUADS>; // [k][m / 4]
var<workgroup> tile_p: array<vec4f, TILE_K * N_QUADS>; // [k][n / 4]

// Same formulas as the activation kernels: sigmoid and tanh never overflow for any finite x.
fn activate(x: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return max(x, 0.0); }
    case 2u: {
      let e = exp(-abs(x));
      return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
    }
    case 3u: { return tanh(clamp(x, -15.0, 15.0)); }
    default: { return x; }
  }
}

fn weight_or_zero(m: u32, k: u32, m_total: u32, k_total: u32) -> f32 {
  if (m < m_total && k < k_total) { return weight[m * k_total + k]; }
  return 0.0;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) flat: u32,
) {
  let m_total = params.out_channels;
  let out_area = params.out_height * params.out_width;
  let n_total = params.batch * out_area;
  let k_total = params.in_channels * params.kernel_h * params.kernel_w;
  let m0 = wg.y * 4u * M_QUADS;
  let n0 = (wg.x + wg.z * groups.x) * 4u * N_QUADS;
  if (n0 >= n_total) { return; } // uniform per workgroup, so no barrier is split

  // The patch quad this invocation loads, fixed for the whole K loop: four columns decoded once.
  let threads = WG_X * WG_Y;
  let p_quad = flat % N_QUADS;
  let in_plane = params.in_height * params.in_width;
  var iy0 = vec4i(0);
  var ix0 = vec4i(0);
  var col_base = vec4i(0);
  var col_ok = vec4<bool>(false);
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + p_quad * 4u + j;
    let pixel = n % out_area;
    iy0[j] = i32((pixel / params.out_width) * params.stride) - i32(params.padding);
    ix0[j] = i32((pixel % params.out_width) * params.stride) - i32(params.padding);
    col_base[j] = i32((n / out_area) * params.in_channels * in_plane) + iy0[j] * i32(params.in_width) + ix0[j];
    col_ok[j] = n < n_total;
  }
  // The weight quad this invocation loads: four rows m, one k per step.
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
      tile_w[kk * M_QUADS + w_quad] = vec4f(
        weight_or_zero(w_m, k, m_total, k_total),
        weight_or_zero(w_m + 1u, k, m_total, k_total),
        weight_or_zero(w_m + 2u, k, m_total, k_total),
        weight_or_zero(w_m + 3u, k, m_total, k_total),
      );
    }
    for (var kk = flat / N_QUADS; kk < TILE_K; kk += threads / N_QUADS) {
      let k = k0 + kk;
      var v = vec4f(0.0);
      if (k < k_total) {
        let tap = taps[k];
        let iy = iy0 + vec4i(i32(tap.ky));
        let ix = ix0 + vec4i(i32(tap.kx));
        // u32 wrap-around turns negative coordinates into large ones: one test per axis.
        let inside = col_ok & (vec4u(iy) < vec4u(params.in_height)) & (vec4u(ix) < vec4u(params.in_width));
        let at = vec4u(col_base + vec4i(i32(tap.input_offset)));
        if (inside.x) { v.x = input[at.x]; }
        if (inside.y) { v.y = input[at.y]; }
        if (inside.z) { v.z = input[at.z]; }
        if (inside.w) { v.w = input[at.w]; }
      }
      tile_p[kk * N_QUADS + p_quad] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a0 = tile_w[kk * M_QUADS + lid.y];
      let a1 = tile_w[kk * M_QUADS + lid.y + WG_Y];
      let b0 = tile_p[kk * N_QUADS + lid.x];
      let b1 = tile_p[kk * N_QUADS + lid.x + WG_X];
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
    let out_base = (n / out_area) * m_total * out_area + n % out_area;
    for (var i = 0u; i < 8u; i++) {
      let m = m0 + (lid.y + (i / 4u) * WG_Y) * 4u + i % 4u;
      if (m >= m_total) { continue; }
      out[out_base + m * out_area] = activate(acc[i * 2u + j / 4u][j % 4u] + bias[m]);
    }
  }
}
