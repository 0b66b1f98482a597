// matmul.forward: C[M, N] = act(op(A)[M, K] * op(B)[K, N] + bias[N]), tiled, with optional split-K.
//
// The GEMM behind every dense pass (src/kernels/dense.ts):
//   forward          C = input[M=batch, K=in] * weight^T        (transpose_b; bias + activation fused,
//                                                                or split-K partials finished later)
//   backward_input   C = dOut[batch, out] * weight[out, in]
//   backward_weight  C = dOut^T[out, batch] * input[batch, in]  (transpose_a, split-K over the batch)
// A is stored [M, K] row-major, or [K, M] when params.transpose_a; B is [K, N], or [N, K] when
// params.transpose_b. The transposes are uniforms (they only steer the tile loads, a uniform branch)
// so that one pipeline serves all three passes; what shapes the code (tile sizes, bias, activation)
// is an override.
//
// One workgroup (WG_X x WG_Y invocations) computes a TILE_M x TILE_N block of C, TILE_M = 4 WG_Y,
// TILE_N = 4 WG_X; each invocation a 4 x 4 block in registers at rows ty + i WG_Y and columns
// tx + j WG_X (strided, so the stores of a row of invocations are contiguous and the tile reads
// are broadcast or conflict-free). K advances TILE_K at a time through workgroup memory.
// Split-K: K is cut into num_workgroups.z chunks of params.k_chunk (a multiple of TILE_K); chunk z
// writes its partial product to block z of `result` (result[z M N + m N + n]), and
// split_sum.forward.wgsl (or dense.forward.wgsl, which then adds bias and activation) sums the
// blocks in a fixed order. The kernel class never combines split-K with HAS_BIAS or ACTIVATION
// (each partial would get them).
// Fusions for the backward passes (the kernel class never combines them with split-K or bias):
//   GRAD_ACTIVATION != 0: C[m, n] *= act'(y[m, n]), act' from the output y of that activation
//     (binding 3 then holds y [M, N]): backward_input also does the previous layer's activation
//     backward, with the product of activation.backward_input.wgsl.
//   entry point main_row_sums: also row_sums[m] = sum over k of op(A)[m, k], k ascending from 0
//     (backward_weight also gives the bias gradient, in the order of dense.backward_bias.wgsl),
//     computed by the workgroups of the first column block after their GEMM tile.
// Bindings (group 0): 0 result (splits M N) read_write; 1 a read; 2 b read;
//   3 bias (N) read when HAS_BIAS, or y (M N) read when GRAD_ACTIVATION (else bind any buffer);
//   4 params uniform; main_row_sums only: 5 row_sums (M) read_write.
// Dispatch: (ceil(N / TILE_N), ceil(M / TILE_M), splits) workgroups.
// Bounds: loads outside M, N or the chunk read 0; stores outside M or N are skipped. Every tile
// element that is read was written first, so nothing relies on workgroup memory starting at zero.

struct MatmulParams {
  m: u32,
  n: u32,
  k: u32,
  k_chunk: u32,
  transpose_a: u32,
  transpose_b: u32,
}

@group(0) @binding(0) var<storage, read_write> result: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> params: MatmulParams;
@group(0) @binding(5) var<storage, read_write> row_sums: array<f32>;

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;
override HAS_BIAS: bool = false;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;
// Same codes: the activation whose slope (from its output, in binding 3) multiplies C.
override GRAD_ACTIVATION: u32 = 0u;

const THREAD_M: u32 = 4u;
const THREAD_N: u32 = 4u;

// Row strides of the workgroup tiles, padded so that the loads whose contiguous direction is k
// (A not transposed, B transposed) store into distinct banks: half-warps write TILE_K consecutive
// k of two rows, and a stride of 32 / TILE_K (mod 32) puts those rows in disjoint bank sets.
// Derived from the other overrides: the host never sets these two.
override A_STRIDE: u32 = WG_Y * THREAD_M + max(1u, 32u / TILE_K);
override B_STRIDE: u32 = WG_X * THREAD_N + max(1u, 32u / TILE_K);

var<workgroup> tile_a: array<f32, TILE_K * A_STRIDE>; // [k][m]
var<workgroup> tile_b: array<f32, TILE_K * B_STRIDE>; // [k][n]

// Same formulas as activation.forward.wgsl; sigmoid and tanh never overflow for any finite x.
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

// Same formulas as activation.backward_input.wgsl.
fn slope_from_output(y: f32) -> f32 {
  switch GRAD_ACTIVATION {
    case 1u: { return select(0.0, 1.0, y > 0.0); }
    case 2u: { return y * (1.0 - y); }
    case 3u: { return 1.0 - y * y; }
    default: { return 1.0; }
  }
}

fn load_a(m: u32, k: u32, k_end: u32) -> f32 {
  if (m >= params.m || k >= k_end) { return 0.0; }
  if (params.transpose_a != 0u) { return a[k * params.m + m]; }
  return a[m * params.k + k];
}

fn load_b(k: u32, n: u32, k_end: u32) -> f32 {
  if (n >= params.n || k >= k_end) { return 0.0; }
  if (params.transpose_b != 0u) { return b[n * params.k + k]; }
  return b[k * params.n + n];
}

// Copies the TILE_K-deep slices of A and B starting at k0 into workgroup memory. Consecutive
// invocations read consecutive addresses of the stored layout (coalesced global loads).
fn load_tiles(first: u32, m0: u32, n0: u32, k0: u32, k_end: u32) {
  let threads = WG_X * WG_Y;
  let tile_m = WG_Y * THREAD_M;
  let tile_n = WG_X * THREAD_N;
  for (var e = first; e < TILE_K * tile_m; e += threads) {
    var kk = e % TILE_K;
    var mm = e / TILE_K;
    if (params.transpose_a != 0u) {
      kk = e / tile_m;
      mm = e % tile_m;
    }
    tile_a[kk * A_STRIDE + mm] = load_a(m0 + mm, k0 + kk, k_end);
  }
  for (var e = first; e < TILE_K * tile_n; e += threads) {
    var kk = e / tile_n;
    var nn = e % tile_n;
    if (params.transpose_b != 0u) {
      kk = e % TILE_K;
      nn = e / TILE_K;
    }
    tile_b[kk * B_STRIDE + nn] = load_b(k0 + kk, n0 + nn, k_end);
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) local_index: u32,
) {
  gemm(wg, lid, local_index);
}

@compute @workgroup_size(WG_X, WG_Y)
fn main_row_sums(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) local_index: u32,
) {
  gemm(wg, lid, local_index);
  // One sum per row of this block, over all of K (no split-K), in ascending k.
  if (wg.x != 0u || wg.z != 0u) { return; }
  for (var r = local_index; r < WG_Y * THREAD_M; r += WG_X * WG_Y) {
    let m = wg.y * WG_Y * THREAD_M + r;
    if (m >= params.m) { break; }
    var sum = 0.0;
    for (var k = 0u; k < params.k; k++) { sum += load_a(m, k, params.k); }
    row_sums[m] = sum;
  }
}

fn gemm(wg: vec3u, lid: vec3u, local_index: u32) {
  let k_begin = min(wg.z * params.k_chunk, params.k);
  let k_end = min(k_begin + params.k_chunk, params.k);
  let m0 = wg.y * WG_Y * THREAD_M;
  let n0 = wg.x * WG_X * THREAD_N;

  var acc: array<array<f32, THREAD_N>, THREAD_M>;
  for (var k0 = k_begin; k0 < k_end; k0 += TILE_K) {
    load_tiles(local_index, m0, n0, k0, k_end);
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      var av: array<f32, THREAD_M>;
      var bv: array<f32, THREAD_N>;
      for (var i = 0u; i < THREAD_M; i++) { av[i] = tile_a[kk * A_STRIDE + lid.y + i * WG_Y]; }
      for (var j = 0u; j < THREAD_N; j++) { bv[j] = tile_b[kk * B_STRIDE + lid.x + j * WG_X]; }
      for (var i = 0u; i < THREAD_M; i++) {
        for (var j = 0u; j < THREAD_N; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  let base = wg.z * params.m * params.n;
  for (var i = 0u; i < THREAD_M; i++) {
    let m = m0 + lid.y + i * WG_Y;
    if (m >= params.m) { break; }
    for (var j = 0u; j < THREAD_N; j++) {
      let n = n0 + lid.x + j * WG_X;
      if (n >= params.n) { break; }
      var value = acc[i][j];
      if (HAS_BIAS) { value += bias[n]; }
      if (GRAD_ACTIVATION != 0u) { value *= slope_from_output(bias[m * params.n + n]); }
      result[base + m * params.n + n] = activate(value);
    }
  }
}
