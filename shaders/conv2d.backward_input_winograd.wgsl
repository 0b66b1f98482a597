// conv2d.backward_input_winograd: dInput of a 3x3, stride-1 conv2d by Winograd F(2x2, 3x3): three
// transforms around 16 GEMMs, four entry points run in order by src/kernels/conv2d_winograd.ts.
//
// backward_input of a stride-1 conv2d is a correlation of dOut with the flipped kernel:
//   dInput[n, c, y, x] = sum over o and i, j < 3 of dOut[n, o, y - q + i, x - q + j] W[o, c, 2 - i, 2 - j]
// with q = 2 - padding and dOut read as 0 outside its bounds. Winograd F(2x2, 3x3) (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016) gets each 2x2 block of dInput from a
// 4x4 block d of dOut with 16 multiplies per (o, c) instead of 36:
//   Y = A^T [ sum over o of (G g G^T) ⊙ (B^T d B) ] A,  g[i][j] = W[o, c, 2 - i, 2 - j],
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],
//   A^T = [1 1 1 0; 0 1 -1 -1].
// The sum over o, for each of the 16 positions xi = 4 row + column of a transformed block, is a
// GEMM: M[xi] (in_channels x T) = U[xi]^T (in_channels x out_channels) V[xi] (out_channels x T).
//
// Tiles: t = (n, ty, tx), ty < tiles_y = ceil(H / 2), tx < tiles_x = ceil(W / 2), T = batch tiles_y
// tiles_x; tile t covers dInput rows 2ty, 2ty + 1 (columns likewise) and reads dOut rows
// 2ty - q .. 2ty - q + 3. O = out_channels, C = in_channels.
//   transform_weight  src W [O][C][3][3] -> dst U [16][O][C], U[xi][o][c] = (G g G^T)[xi].
//                     One invocation per (o, c), c fastest; linearGrid(O C, WG_SIZE).
//   transform_dout    src dOut [batch][O][outH][outW] -> dst V [16][O][T], V[xi][o][t] = (B^T d B)[xi].
//                     One invocation per (o, t); workgroup 8x8 over (tx, ty), z = n O + o.
//   multiply          src V, weights U -> dst M [16][C][T], M[xi][c][t] = sum over o of U[xi][o][c] V[xi][o][t].
//                     conv2d.backward_input.wgsl's register blocking: invocation (tx, ty) owns the
//                     columns tx + WG_X j, j < 8, and two row quads, sixteen named vec4 accumulators.
//                     U goes through a workgroup tile [k][m] (TILE_K deep; filled once when K fits
//                     one step); V is read straight from storage, each value by the WG_Y invocations
//                     of a column (neighbours read neighbours; a GPU's L1 serves the repeats), which
//                     on SwiftShader costs the same loads as a tile without its fill, barrier and
//                     zero fill (3/4 of the time, convnet conv2 at batch 64). Workgroup (x, y, z) =
//                     (column tile, looping, row tile, xi).
//   transform_output  src M -> dst dInput [batch][C][H][W], the 2x2 block A^T M A; rows and columns
//                     past H, W dropped (odd sizes). Workgroup 8x8 over (tx, ty), z = n C + c.
// Bindings (group 0): 0 dst read_write (overwritten), 1 src read, 2 params uniform; multiply also
//   3 weights (U) read. Neighbouring invocations read or write neighbouring addresses of every
//   strided plane (coalesced). Bounds: invocations past the grid's items return; the GEMM's loads
//   outside C, T or O read 0, its stores outside C or T are skipped.

struct WinogradParams {
  batch: u32,
  in_channels: u32,
  in_height: u32,
  in_width: u32,
  out_channels: u32,
  out_height: u32,
  out_width: u32,
  padding: u32,
  tiles_y: u32,
  tiles_x: u32,
  tiles: u32,
}

@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<uniform> params: WinogradParams;
@group(0) @binding(3) var<storage, read> weights: array<f32>; // multiply only

override WG_SIZE: u32 = 64u;
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TILE_K: u32 = 16u;
override TILE_M: u32 = 8u * WG_Y; // derived: never set from the host
override TILE_N: u32 = 8u * WG_X;

var<workgroup> tile_u: array<f32, TILE_K * TILE_M>; // [k][m]

fn linear_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG_SIZE;
}

// Writes a transformed 4x4 block (rows r0..r3) to the 16 position planes: dst[at + xi stride].
// Named rows and constant offsets, not a function-scope array (which SwiftShader keeps in memory).
fn store_block(at: u32, stride: u32, r0: vec4f, r1: vec4f, r2: vec4f, r3: vec4f) {
  store_row(at, stride, r0);
  store_row(at + 4u * stride, stride, r1);
  store_row(at + 8u * stride, stride, r2);
  store_row(at + 12u * stride, stride, r3);
}

fn store_row(at: u32, stride: u32, r: vec4f) {
  dst[at] = r.x;
  dst[at + stride] = r.y;
  dst[at + 2u * stride] = r.z;
  dst[at + 3u * stride] = r.w;
}

// One row of G g G^T from one row r of G g: (r0, (r0 + r1 + r2) / 2, (r0 - r1 + r2) / 2, r2).
fn weight_row(r: vec3f) -> vec4f {
  return vec4f(r.x, 0.5 * (r.x + r.y + r.z), 0.5 * (r.x - r.y + r.z), r.z);
}

@compute @workgroup_size(WG_SIZE)
fn transform_weight(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let channels = params.in_channels;
  let pairs = params.out_channels * channels;
  let i = linear_index(gid, groups);
  if (i >= pairs) { return; }
  // i = o C + c; W[o, c] starts at 9 i. g[i][j] = W[o, c, 2 - i, 2 - j]: the kernel turned 180 degrees.
  let w = 9u * i;
  let g0 = vec3f(src[w + 8u], src[w + 7u], src[w + 6u]);
  let g1 = vec3f(src[w + 5u], src[w + 4u], src[w + 3u]);
  let g2 = vec3f(src[w + 2u], src[w + 1u], src[w]);
  // G g, row by row; then each row times G^T.
  let u0 = weight_row(g0);
  let u1 = weight_row(0.5 * (g0 + g1 + g2));
  let u2 = weight_row(0.5 * (g0 - g1 + g2));
  let u3 = weight_row(g2);
  // U[xi][o][c] = U[xi pairs + i].
  store_block(i, pairs, u0, u1, u2, u3);
}

// Where the four columns x .. x + 3 of a dOut block read (clamped inside the row) and which of
// them lie inside it: decoded once per block, shared by its four rows.
struct BlockColumns {
  at: vec4u,
  ok: vec4<bool>,
}

fn block_columns(x: i32) -> BlockColumns {
  let xs = vec4i(x) + vec4i(0, 1, 2, 3);
  let width = i32(params.out_width);
  return BlockColumns(vec4u(clamp(xs, vec4i(0), vec4i(width - 1))), (xs >= vec4i(0)) & (xs < vec4i(width)));
}

// dOut[n, o, y, x .. x + 3] as 0 outside the image (the padding of the full correlation). Every lane
// loads, from a clamped address where the value is outside: no per-lane branch around the loads.
fn dout_row(plane: u32, y: i32, cols: BlockColumns) -> vec4f {
  let inside = y >= 0 && y < i32(params.out_height);
  let at = vec4u(plane + u32(select(0, y, inside)) * params.out_width) + cols.at;
  let d = vec4f(src[at.x], src[at.y], src[at.z], src[at.w]);
  return select(vec4f(0.0), d, cols.ok & vec4<bool>(inside));
}

// One row of B^T d B from one row e of B^T d: (e0 - e2, e1 + e2, e2 - e1, e1 - e3).
fn dout_transform_row(e: vec4f) -> vec4f {
  return vec4f(e.x - e.z, e.y + e.z, e.z - e.y, e.y - e.w);
}

@compute @workgroup_size(8, 8)
fn transform_dout(@builtin(global_invocation_id) gid: vec3u) {
  let tx = gid.x;
  let ty = gid.y;
  if (tx >= params.tiles_x || ty >= params.tiles_y) { return; }
  // z = n O + o is also the index of dOut's (n, o) plane.
  let plane = gid.z * params.out_height * params.out_width;
  let n = gid.z / params.out_channels;
  let o = gid.z % params.out_channels;
  let q = 2 - i32(params.padding);
  let y = 2 * i32(ty) - q;
  let x = 2 * i32(tx) - q;
  let cols = block_columns(x);
  let d0 = dout_row(plane, y, cols);
  let d1 = dout_row(plane, y + 1, cols);
  let d2 = dout_row(plane, y + 2, cols);
  let d3 = dout_row(plane, y + 3, cols);
  // B^T d, row by row; then each row times B.
  let v0 = dout_transform_row(d0 - d2);
  let v1 = dout_transform_row(d1 + d2);
  let v2 = dout_transform_row(d2 - d1);
  let v3 = dout_transform_row(d1 - d3);
  // V[xi][o][t] = V[xi stride + at].
  let at = o * params.tiles + (n * params.tiles_y + ty) * params.tiles_x + tx;
  store_block(at, params.out_channels * params.tiles, v0, v1, v2, v3);
}

// Writes column t of rows m_lo .. m_lo + 3 and m_hi .. m_hi + 3 (those inside C) of M[xi].
fn store_products(base: u32, t: u32, m_lo: u32, m_hi: u32, lo: vec4f, hi: vec4f) {
  if (t >= params.tiles) { return; }
  for (var i = 0u; i < 4u; i++) {
    if (m_lo + i < params.in_channels) { dst[base + (m_lo + i) * params.tiles + t] = lo[i]; }
    if (m_hi + i < params.in_channels) { dst[base + (m_hi + i) * params.tiles + t] = hi[i]; }
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn multiply(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let channels = params.in_channels;
  let outs = params.out_channels;
  let count = params.tiles;
  let xi = wg.z;
  let m0 = wg.y * TILE_M;
  let tx = lid.x;
  let ty = lid.y;
  let u_plane = xi * outs * channels;
  let v_plane = xi * outs * count;
  let base = xi * channels * count;
  let m_lo = m0 + 4u * ty;
  let m_hi = m_lo + 4u * WG_Y;
  // Column tiles wg.x, wg.x + groups.x, ...: fewer workgroups than tiles, because Chromium
  // zero-fills each workgroup's tile (8 KiB at TILE_K 64) before it starts, slow on a CPU adapter.
  let column_tiles = (count + TILE_N - 1u) / TILE_N;
  for (var tile = wg.x; tile < column_tiles; tile += groups.x) {
    let n0 = tile * TILE_N;
    let c_ok0 = n0 + tx < count;
    let c_ok1 = n0 + tx + WG_X < count;
    let c_ok2 = n0 + tx + 2u * WG_X < count;
    let c_ok3 = n0 + tx + 3u * WG_X < count;
    let c_ok4 = n0 + tx + 4u * WG_X < count;
    let c_ok5 = n0 + tx + 5u * WG_X < count;
    let c_ok6 = n0 + tx + 6u * WG_X < count;
    let c_ok7 = n0 + tx + 7u * WG_X < count;

    // acc{i}{j}: row quad i (0: rows m0 + 4 ty .., 1: rows m0 + 4 (ty + WG_Y) ..) at column j.
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
    for (var k0 = 0u; k0 < outs; k0 += TILE_K) {
      // Row kk of the U tile: rows tx + WG_X a.
      for (var kk = ty; kk < TILE_K; kk += WG_Y) {
        let k = k0 + kk;
        let k_ok = k < outs;
        // With all of K in one step the U tile is the same for every column tile: fill it once.
        if (outs > TILE_K || tile == wg.x) {
          for (var ml = tx; ml < TILE_M; ml += WG_X) {
            let m = m0 + ml;
            let ok = k_ok && m < channels;
            let u = weights[select(0u, u_plane + k * channels + m, ok)];
            tile_u[kk * TILE_M + ml] = select(0.0, u, ok);
          }
        }
      }
      workgroupBarrier();
      // Only the K rows that exist: V is read without a K bounds test.
      let k_steps = min(TILE_K, outs - k0);
      for (var kk = 0u; kk < k_steps; kk++) {
        let urow = kk * TILE_M + 4u * ty;
        let a0 = vec4f(tile_u[urow], tile_u[urow + 1u], tile_u[urow + 2u], tile_u[urow + 3u]);
        let uhi = urow + 4u * WG_Y;
        let a1 = vec4f(tile_u[uhi], tile_u[uhi + 1u], tile_u[uhi + 2u], tile_u[uhi + 3u]);
        // Columns past T read address 0 and use 0.
        let vrow = v_plane + (k0 + kk) * count + n0 + tx;
        let b0 = select(0.0, src[select(0u, vrow, c_ok0)], c_ok0);
        let b1 = select(0.0, src[select(0u, vrow + WG_X, c_ok1)], c_ok1);
        let b2 = select(0.0, src[select(0u, vrow + 2u * WG_X, c_ok2)], c_ok2);
        let b3 = select(0.0, src[select(0u, vrow + 3u * WG_X, c_ok3)], c_ok3);
        let b4 = select(0.0, src[select(0u, vrow + 4u * WG_X, c_ok4)], c_ok4);
        let b5 = select(0.0, src[select(0u, vrow + 5u * WG_X, c_ok5)], c_ok5);
        let b6 = select(0.0, src[select(0u, vrow + 6u * WG_X, c_ok6)], c_ok6);
        let b7 = select(0.0, src[select(0u, vrow + 7u * WG_X, c_ok7)], c_ok7);
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

    let t = n0 + tx;
    store_products(base, t, m_lo, m_hi, acc00, acc10);
    store_products(base, t + WG_X, m_lo, m_hi, acc01, acc11);
    store_products(base, t + 2u * WG_X, m_lo, m_hi, acc02, acc12);
    store_products(base, t + 3u * WG_X, m_lo, m_hi, acc03, acc13);
    store_products(base, t + 4u * WG_X, m_lo, m_hi, acc04, acc14);
    store_products(base, t + 5u * WG_X, m_lo, m_hi, acc05, acc15);
    store_products(base, t + 6u * WG_X, m_lo, m_hi, acc06, acc16);
    store_products(base, t + 7u * WG_X, m_lo, m_hi, acc07, acc17);
  }
}

@compute @workgroup_size(8, 8)
fn transform_output(@builtin(global_invocation_id) gid: vec3u) {
  let tx = gid.x;
  let ty = gid.y;
  if (tx >= params.tiles_x || ty >= params.tiles_y) { return; }
  let channels = params.in_channels;
  let n = gid.z / channels;
  let c = gid.z % channels;
  let t = (n * params.tiles_y + ty) * params.tiles_x + tx;
  let block = channels * params.tiles;
  let at = c * params.tiles + t;
  let m0 = vec4f(src[at], src[at + block], src[at + 2u * block], src[at + 3u * block]);
  let m1 = vec4f(src[at + 4u * block], src[at + 5u * block], src[at + 6u * block], src[at + 7u * block]);
  let m2 = vec4f(src[at + 8u * block], src[at + 9u * block], src[at + 10u * block], src[at + 11u * block]);
  let m3 = vec4f(src[at + 12u * block], src[at + 13u * block], src[at + 14u * block], src[at + 15u * block]);
  // A^T M, then each of its two rows times A.
  let s0 = m0 + m1 + m2;
  let s1 = m1 - m2 - m3;
  let y0 = vec2f(s0.x + s0.y + s0.z, s0.y - s0.z - s0.w);
  let y1 = vec2f(s1.x + s1.y + s1.z, s1.y - s1.z - s1.w);
  let h = params.in_height;
  let w = params.in_width;
  let y = 2u * ty;
  let x = 2u * tx;
  let first = ((n * channels + c) * h + y) * w + x;
  let right = x + 1u < w;
  dst[first] = y0.x;
  if (right) { dst[first + 1u] = y0.y; }
  if (y + 1u < h) {
    dst[first + w] = y1.x;
    if (right) { dst[first + w + 1u] = y1.y; }
  }
}
