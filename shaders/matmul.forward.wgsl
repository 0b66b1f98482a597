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
// Layout: one workgroup (WG_X x WG_Y invocations, both even) computes a TILE_M x TILE_N block of C,
// TILE_M = 8 WG_Y, TILE_N = 8 WG_X. K advances TILE_K at a time through two workgroup tiles of vec4f:
// tile_a[k][m / 4] and tile_b[k][n / 4] (each vec4 = 4 consecutive m, or n, at one k). Invocation
// (tx, ty) holds an 8 x 8 block of C in registers: rows m0 + 4 ty + i and m0 + 4 (ty + WG_Y) + i,
// columns n0 + 4 tx + j and n0 + 4 (tx + WG_X) + j (i, j < 4), so per k it reads two vec4 of A and two
// of B and does 16 vec4 FMAs. The 16 accumulators are named variables, not an array: SwiftShader
// keeps function-scope arrays in memory (every indexed access a per-lane gather) and runs the same
// loop ~2.5x slower that way; an array is built only for the final store loop.
// Tile fills write whole vec4s (4 bounds-checked scalar loads each). Where the stored operand is
// contiguous along m or n (A transposed, B not), invocation f fills vec4 f % (TILE/4) of rows
// k = f / (TILE/4), f / (TILE/4) + WG/2, ... (threads / (TILE_M/4) = WG_X / 2: why WG_X, WG_Y are
// even); where it is contiguous along k, consecutive invocations fill consecutive k (coalesced
// reads) and so write tile rows apart: the row strides are padded to an odd number of vec4s, which
// puts such writes in distinct banks.
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

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TILE_K: u32 = 16u;
override HAS_BIAS: bool = false;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;
// Same codes: the activation whose slope (from its output, in binding 3) multiplies C.
override GRAD_ACTIVATION: u32 = 0u;

// vec4s per tile row (TILE_M / 4, TILE_N / 4) and the padded (odd) row strides. Derived from the
// other overrides: the host never sets these.
override A_VEC4S: u32 = 2u * WG_Y;
override B_VEC4S: u32 = 2u * WG_X;
override A_STRIDE: u32 = A_VEC4S + 1u;
override B_STRIDE: u32 = B_VEC4S + 1u;

var<workgroup> tile_a: array<vec4f, TILE_K * A_STRIDE>; // [k][m / 4]
var<workgroup> tile_b: array<vec4f, TILE_K * B_STRIDE>; // [k][n / 4]

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

// op(A)[m .. m + 3, k]
fn load_a4(m: u32, k: u32, k_end: u32) -> vec4f {
  return vec4f(load_a(m, k, k_end), load_a(m + 1u, k, k_end), load_a(m + 2u, k, k_end),
               load_a(m + 3u, k, k_end));
}

// op(B)[k, n .. n + 3]
fn load_b4(k: u32, n: u32, k_end: u32) -> vec4f {
  return vec4f(load_b(k, n, k_end), load_b(k, n + 1u, k_end), load_b(k, n + 2u, k_end),
               load_b(k, n + 3u, k_end));
}

// Copies the TILE_K-deep slices of op(A) and op(B) starting at k0 into workgroup memory.
// Consecutive invocations read consecutive addresses of the stored layout (coalesced).
fn load_tiles(flat: u32, m0: u32, n0: u32, k0: u32, k_end: u32) {
  let threads = WG_X * WG_Y;
  if (params.transpose_a != 0u) {
    // Stored [K, M]: flat % A_VEC4S walks m; threads / A_VEC4S = WG_X / 2 rows per step.
    let m4 = flat % A_VEC4S;
    for (var kk = flat / A_VEC4S; kk < TILE_K; kk += WG_X / 2u) {
      tile_a[kk * A_STRIDE + m4] = load_a4(m0 + 4u * m4, k0 + kk, k_end);
    }
  } else {
    for (var e = flat; e < TILE_K * A_VEC4S; e += threads) {
      let kk = e % TILE_K;
      let m4 = e / TILE_K;
      tile_a[kk * A_STRIDE + m4] = load_a4(m0 + 4u * m4, k0 + kk, k_end);
    }
  }
  if (params.transpose_b == 0u) {
    // Stored [K, N]: flat % B_VEC4S walks n; threads / B_VEC4S = WG_Y / 2 rows per step.
    let n4 = flat % B_VEC4S;
    for (var kk = flat / B_VEC4S; kk < TILE_K; kk += WG_Y / 2u) {
      tile_b[kk * B_STRIDE + n4] = load_b4(k0 + kk, n0 + 4u * n4, k_end);
    }
  } else {
    for (var e = flat; e < TILE_K * B_VEC4S; e += threads) {
      let kk = e % TILE_K;
      let n4 = e / TILE_K;
      tile_b[kk * B_STRIDE + n4] = load_b4(k0 + kk, n0 + 4u * n4, k_end);
    }
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
  let tile_m = 4u * A_VEC4S;
  for (var r = local_index; r < tile_m; r += WG_X * WG_Y) {
    let m = wg.y * tile_m + r;
    if (m >= params.m) { break; }
    var sum = 0.0;
    for (var k = 0u; k < params.k; k++) { sum += load_a(m, k, params.k); }
    row_sums[m] = sum;
  }
}

fn gemm(wg: vec3u, lid: vec3u, local_index: u32) {
  let k_begin = min(wg.z * params.k_chunk, params.k);
  let k_end = min(k_begin + params.k_chunk, params.k);
  let m0 = wg.y * 4u * A_VEC4S;
  let n0 = wg.x * 4u * B_VEC4S;

  // acc{i}{j}: rows 4 ty + i (i < 4) or 4 (ty + WG_Y) + i - 4, columns of b0 (j = 0) or b1 (j = 1).
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
  for (var k0 = k_begin; k0 < k_end; k0 += TILE_K) {
    load_tiles(local_index, m0, n0, k0, k_end);
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a0 = tile_a[kk * A_STRIDE + lid.y];
      let a1 = tile_a[kk * A_STRIDE + lid.y + WG_Y];
      let b0 = tile_b[kk * B_STRIDE + lid.x];
      let b1 = tile_b[kk * B_STRIDE + lid.x + WG_X];
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
    acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31,
    acc40, acc41, acc50, acc51, acc60, acc61, acc70, acc71,
  );
  let base = wg.z * params.m * params.n;
  for (var i = 0u; i < 8u; i++) {
    let m = m0 + 4u * (lid.y + (i / 4u) * WG_Y) + i % 4u;
    if (m >= params.m) { break; } // m grows with i
    for (var jb = 0u; jb < 2u; jb++) {
      let block = acc[i * 2u + jb];
      for (var j = 0u; j < 4u; j++) {
        let n = n0 + 4u * (lid.x + jb * WG_X) + j;
        if (n >= params.n) { break; }
        var value = block[j];
        if (HAS_BIAS) { value += bias[n]; }
        if (GRAD_ACTIVATION != 0u) { value *= slope_from_output(bias[m * params.n + n]); }
        result[base + m * params.n + n] = activate(value);
      }
    }
  }
}
