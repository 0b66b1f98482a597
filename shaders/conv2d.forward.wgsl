// conv2d.forward as a tiled implicit GEMM, bias and activation fused.
//
// GEMM view: out[m, n] = act(sum_k weight[m, k] * patch[k, n] + bias[m])
//   m = output channel (M = outChannels)
//   n = (image, outY, outX) flattened (N = batch * outHeight * outWidth)
//   k = (inChannel, kernelY, kernelX) flattened (K = inChannels * kernelH * kernelW)
//   patch[k, n] = input[image, inChannel, outY*stride - padding + kernelY, outX*stride - padding + kernelX],
//   zero outside the input (zero padding). The patch matrix is never stored.
// One workgroup computes a TILE_M x TILE_N block of `out`; each invocation a THREAD_M x THREAD_N
// sub-block held in registers, rows ty + i*WG_Y and columns tx + j*WG_X (strided so that stores to
// `out` are contiguous across tx). K advances TILE_K at a time through workgroup memory.
// No integer division by runtime sizes in the K loop: each invocation decodes its one patch column
// (n) once, and `taps` (built on the host, src/kernels/conv2d_plan.ts) decodes k.
// Bindings (group 0): 0 out (N,outC,outH,outW) write; 1 input (N,inC,H,W) read;
//   2 weight (outC,inC,kH,kW) read; 3 bias (outC) read; 4 taps (K) read; 5 params uniform.
// Dispatch: x * z workgroups along N (tile index wg.x + wg.z * num_workgroups.x, folded past the
//   per-dimension limit), y along M. Requires (WG_X * WG_Y) % TILE_N == 0, i.e. WG_Y % 4 == 0.
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

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;

const THREAD_M: u32 = 4u;
const THREAD_N: u32 = 4u;
override TILE_M: u32 = WG_Y * THREAD_M; // derived: never set from the host
override TILE_N: u32 = WG_X * THREAD_N;
// The weight tile is filled k-fastest (weight rows are contiguous in k). Each warp then writes
// TILE_K consecutive k of 32 / TILE_K rows; padding the row stride by 32 / TILE_K (mod 32) puts
// those writes in distinct banks.
override W_STRIDE: u32 = TILE_M + max(1u, 32u / TILE_K);

var<workgroup> tile_w: array<f32, TILE_K * W_STRIDE>; // [k][m]
var<workgroup> tile_p: array<f32, TILE_K * TILE_N>; // [k][n], filled n-fastest: no conflicts

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
  let m0 = wg.y * TILE_M;
  let n0 = (wg.x + wg.z * groups.x) * TILE_N;
  if (n0 >= n_total) { return; } // uniform per workgroup, so no barrier is split

  // This invocation's patch-tile column, fixed for the whole K loop (threads % TILE_N == 0).
  let threads = WG_X * WG_Y;
  let col = flat % TILE_N;
  let n = n0 + col;
  let col_ok = n < n_total;
  let image = n / out_area;
  let pixel = n % out_area;
  let iy0 = i32((pixel / params.out_width) * params.stride) - i32(params.padding);
  let ix0 = i32((pixel % params.out_width) * params.stride) - i32(params.padding);
  let in_plane = params.in_height * params.in_width;
  let col_base = i32(image * params.in_channels * in_plane) + iy0 * i32(params.in_width) + ix0;

  var acc: array<array<f32, THREAD_N>, THREAD_M>;
  for (var k0 = 0u; k0 < k_total; k0 += TILE_K) {
    for (var e = flat; e < TILE_K * TILE_M; e += threads) {
      let kk = e % TILE_K;
      let m = m0 + e / TILE_K;
      let k = k0 + kk;
      var w = 0.0;
      if (m < m_total && k < k_total) { w = weight[m * k_total + k]; }
      tile_w[kk * W_STRIDE + e / TILE_K] = w;
    }
    for (var kk = flat / TILE_N; kk < TILE_K; kk += threads / TILE_N) {
      let k = k0 + kk;
      var v = 0.0;
      if (col_ok && k < k_total) {
        let tap = taps[k];
        // u32 wrap-around turns negative coordinates into large ones: one test per axis.
        let iy = iy0 + i32(tap.ky);
        let ix = ix0 + i32(tap.kx);
        if (u32(iy) < params.in_height && u32(ix) < params.in_width) {
          v = input[u32(col_base + i32(tap.input_offset))];
        }
      }
      tile_p[kk * TILE_N + col] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      var a: array<f32, THREAD_M>;
      var b: array<f32, THREAD_N>;
      for (var i = 0u; i < THREAD_M; i++) { a[i] = tile_w[kk * W_STRIDE + lid.y + i * WG_Y]; }
      for (var j = 0u; j < THREAD_N; j++) { b[j] = tile_p[kk * TILE_N + lid.x + j * WG_X]; }
      for (var i = 0u; i < THREAD_M; i++) {
        for (var j = 0u; j < THREAD_N; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  for (var j = 0u; j < THREAD_N; j++) {
    let n_out = n0 + lid.x + j * WG_X;
    if (n_out >= n_total) { break; }
    let out_base = (n_out / out_area) * m_total * out_area + n_out % out_area;
    for (var i = 0u; i < THREAD_M; i++) {
      let m = m0 + lid.y + i * WG_Y;
      if (m >= m_total) { break; }
      out[out_base + m * out_area] = activate(acc[i][j] + bias[m]);
    }
  }
}
