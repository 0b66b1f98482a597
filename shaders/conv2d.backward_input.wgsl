// conv2d.backward_input as a tiled implicit GEMM (the transposed convolution of dOut).
//
// GEMM view: dInput[m, n] = sum_k weightT[m, k] * dOutPatch[k, n]
//   m = input channel (M = inChannels)
//   n = (image, y, x) flattened over the input (N = batch * inHeight * inWidth)
//   k = (outChannel, kernelY, kernelX) flattened (K = outChannels * kernelH * kernelW)
//   weightT[m, k] = weight[outChannel, m, kernelY, kernelX]
//   dOutPatch[k, n] = dOut[image, outChannel, oy, ox] with oy = (y + padding - kernelY) / stride
//   and ox likewise, when both divisions are exact and land inside the output; else 0.
// One workgroup (WG_X x WG_Y invocations) computes a TILE_M x TILE_N block of dInput, TILE_M = 8 WG_Y,
// TILE_N = 8 WG_X, K advancing TILE_K at a time through two scalar tiles in workgroup memory.
// Invocation (tx, ty) owns rows 4 ty .. 4 ty + 3 and 4 (ty + WG_Y) .. + 3 (two vec4s) and the eight
// columns tx + WG_X j (j = 0..7), 16 named vec4 accumulators (one per column and row quad). It
// fills the dOut-patch tile at exactly the columns it computes, so each invocation decodes its
// columns once, and neighbouring invocations touch neighbouring addresses in every fill, read and
// store. Unlike the forward and backward_weight shaders, this one has its own K depth
// (Conv2dTiles.inputTileK): SwiftShader pays two workgroup barriers per K step, and this pass has
// the longest K of the three (outChannels * kernel area), so software adapters use a deep tile.
// The exact-division test needs no division in the K loop: each invocation splits its columns
// once into y + padding = qy * stride + ry (and x likewise), and taps[k] holds
// kernelY = ky_div * stride + ky_mod; the tap hits an output row iff ry == ky_mod, and then
// oy = qy - ky_div.
// Bindings (group 0): 0 dInput (N,inC,H,W) write (overwritten); 1 dOut (N,outC,outH,outW) read;
//   2 weight (outC,inC,kH,kW) read; 3 taps (K) read; 4 params uniform.
// Dispatch: x * z workgroups along N (folded past the per-dimension limit), y along M.
// Bounds: every load reads a valid address (a clamped one where the value is outside M, N or K,
//   then replaced by 0) so no lane is masked off; stores outside M or N are skipped.

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

override TILE_M: u32 = 8u * WG_Y; // derived: never set from the host
override TILE_N: u32 = 8u * WG_X;

var<workgroup> tile_w: array<f32, TILE_K * TILE_M>; // [k][m]
var<workgroup> tile_g: array<f32, TILE_K * TILE_N>; // [k][n]

// Where four dOut-patch columns read (see the top comment); ok: the column is inside N.
struct Columns {
  qy: vec4i,
  qx: vec4i,
  ry: vec4u,
  rx: vec4u,
  base: vec4u,
  ok: vec4<bool>,
}

// Columns first + WG_X j, j = 0..3: decoded once per invocation, before the K loop.
fn decode_columns(first: u32) -> Columns {
  let in_area = params.in_height * params.in_width;
  let out_area = params.out_height * params.out_width;
  let n_total = params.batch * in_area;
  var c: Columns;
  for (var j = 0u; j < 4u; j++) {
    let n = first + j * WG_X;
    let pixel = n % in_area;
    let sy = pixel / params.in_width + params.padding;
    let sx = pixel % params.in_width + params.padding;
    c.qy[j] = i32(sy / params.stride);
    c.ry[j] = sy % params.stride;
    c.qx[j] = i32(sx / params.stride);
    c.rx[j] = sx % params.stride;
    c.base[j] = (n / in_area) * params.out_channels * out_area;
    c.ok[j] = n < n_total;
  }
  return c;
}

// dOut-patch values of tap `tap` at four columns; 0 where the tap misses the output.
fn patch_values(c: Columns, tap: GradTap) -> vec4f {
  let oy = c.qy - vec4i(i32(tap.ky_div));
  let ox = c.qx - vec4i(i32(tap.kx_div));
  let hit = c.ok & (c.ry == vec4u(tap.ky_mod)) & (c.rx == vec4u(tap.kx_mod)) &
    (vec4u(oy) < vec4u(params.out_height)) & (vec4u(ox) < vec4u(params.out_width));
  // Every lane loads, from address 0 where it misses: no per-lane branch around the loads.
  let at = select(vec4u(0u), c.base + vec4u(tap.d_out_offset) + vec4u(oy) * params.out_width + vec4u(ox), hit);
  let g = vec4f(d_out[at.x], d_out[at.y], d_out[at.z], d_out[at.w]);
  return select(vec4f(0.0), g, hit);
}

// Writes column n of rows m_lo .. m_lo + 3 and m_hi .. m_hi + 3 (those inside M).
fn store_column(n: u32, m_lo: u32, m_hi: u32, lo: vec4f, hi: vec4f) {
  let in_area = params.in_height * params.in_width;
  if (n >= params.batch * in_area) { return; }
  let base = (n / in_area) * params.in_channels * in_area + n % in_area;
  for (var i = 0u; i < 4u; i++) {
    if (m_lo + i < params.in_channels) { d_input[base + (m_lo + i) * in_area] = lo[i]; }
    if (m_hi + i < params.in_channels) { d_input[base + (m_hi + i) * in_area] = hi[i]; }
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let m_total = params.in_channels;
  let in_area = params.in_height * params.in_width;
  let n_total = params.batch * in_area;
  let kernel_area = params.kernel_h * params.kernel_w;
  let k_total = params.out_channels * kernel_area;
  let m0 = wg.y * TILE_M;
  let n0 = (wg.x + wg.z * groups.x) * TILE_N;
  if (n0 >= n_total) { return; } // uniform per workgroup
  let tx = lid.x;
  let ty = lid.y;

  // This invocation's columns n0 + tx + WG_X * j (j = 0..7): it loads and computes the same ones.
  let cols_a = decode_columns(n0 + tx);
  let cols_b = decode_columns(n0 + tx + 4u * WG_X);

  // acc{i}{j}: row quad i (0: rows m0 + 4 ty .., 1: rows m0 + 4 (ty + WG_Y) ..) at column j.
  // Named variables, not an array: SwiftShader keeps function arrays in memory.
  var acc00 = vec4f(0.0);
  var acc01 = vec4f(0.0);
  var acc02 = vec4f(0.0);
  var acc03 = vec4f(0.0);
  var acc04 = vec4f(0.0);
  var acc05 = vec4f(0.0);
  var acc06 = vec4f(0.0);
  var acc07 = vec4f(0.0);
  var acc10 = vec4f(0.0);
  var acc11 = vec4f(0.0);
  var acc12 = vec4f(0.0);
  var acc13 = vec4f(0.0);
  var acc14 = vec4f(0.0);
  var acc15 = vec4f(0.0);
  var acc16 = vec4f(0.0);
  var acc17 = vec4f(0.0);
  for (var k0 = 0u; k0 < k_total; k0 += TILE_K) {
    // Row kk of both tiles: weights at rows tx + WG_X a, the patch at this invocation's columns.
    for (var kk = ty; kk < TILE_K; kk += WG_Y) {
      let k = k0 + kk;
      let k_ok = k < k_total;
      let tap = taps[select(0u, k, k_ok)];
      for (var ml = tx; ml < TILE_M; ml += WG_X) {
        let m = m0 + ml;
        let ok = k_ok && m < m_total;
        let w = weight[select(0u, tap.weight_offset + m * kernel_area, ok)];
        tile_w[kk * TILE_M + ml] = select(0.0, w, ok);
      }
      let ga = select(vec4f(0.0), patch_values(cols_a, tap), k_ok);
      let gb = select(vec4f(0.0), patch_values(cols_b, tap), k_ok);
      let row = kk * TILE_N + tx;
      tile_g[row] = ga.x;
      tile_g[row + WG_X] = ga.y;
      tile_g[row + 2u * WG_X] = ga.z;
      tile_g[row + 3u * WG_X] = ga.w;
      tile_g[row + 4u * WG_X] = gb.x;
      tile_g[row + 5u * WG_X] = gb.y;
      tile_g[row + 6u * WG_X] = gb.z;
      tile_g[row + 7u * WG_X] = gb.w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let wrow = kk * TILE_M + 4u * ty;
      let a0 = vec4f(tile_w[wrow], tile_w[wrow + 1u], tile_w[wrow + 2u], tile_w[wrow + 3u]);
      let whi = wrow + 4u * WG_Y;
      let a1 = vec4f(tile_w[whi], tile_w[whi + 1u], tile_w[whi + 2u], tile_w[whi + 3u]);
      let grow = kk * TILE_N + tx;
      let b0 = tile_g[grow];
      let b1 = tile_g[grow + WG_X];
      let b2 = tile_g[grow + 2u * WG_X];
      let b3 = tile_g[grow + 3u * WG_X];
      let b4 = tile_g[grow + 4u * WG_X];
      let b5 = tile_g[grow + 5u * WG_X];
      let b6 = tile_g[grow + 6u * WG_X];
      let b7 = tile_g[grow + 7u * WG_X];
      acc00 = fma(a0, vec4f(b0), acc00);
      acc01 = fma(a0, vec4f(b1), acc01);
      acc02 = fma(a0, vec4f(b2), acc02);
      acc03 = fma(a0, vec4f(b3), acc03);
      acc04 = fma(a0, vec4f(b4), acc04);
      acc05 = fma(a0, vec4f(b5), acc05);
      acc06 = fma(a0, vec4f(b6), acc06);
      acc07 = fma(a0, vec4f(b7), acc07);
      acc10 = fma(a1, vec4f(b0), acc10);
      acc11 = fma(a1, vec4f(b1), acc11);
      acc12 = fma(a1, vec4f(b2), acc12);
      acc13 = fma(a1, vec4f(b3), acc13);
      acc14 = fma(a1, vec4f(b4), acc14);
      acc15 = fma(a1, vec4f(b5), acc15);
      acc16 = fma(a1, vec4f(b6), acc16);
      acc17 = fma(a1, vec4f(b7), acc17);
    }
    workgroupBarrier();
  }

  let m_lo = m0 + 4u * ty;
  let m_hi = m_lo + 4u * WG_Y;
  let n = n0 + tx;
  store_column(n, m_lo, m_hi, acc00, acc10);
  store_column(n + WG_X, m_lo, m_hi, acc01, acc11);
  store_column(n + 2u * WG_X, m_lo, m_hi, acc02, acc12);
  store_column(n + 3u * WG_X, m_lo, m_hi, acc03, acc13);
  store_column(n + 4u * WG_X, m_lo, m_hi, acc04, acc14);
  store_column(n + 5u * WG_X, m_lo, m_hi, acc05, acc15);
  store_column(n + 6u * WG_X, m_lo, m_hi, acc06, acc16);
  store_column(n + 7u * WG_X, m_lo, m_hi, acc07, acc17);
}
