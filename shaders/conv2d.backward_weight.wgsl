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
// Both tiles are filled r-fastest (consecutive r are consecutive pixels in dOut and, at stride 1,
// in the input), so each invocation keeps one r per TILE_K step and decodes it once; taps[n]
// decodes the weight index n. Thread layout as conv2d.forward.wgsl.
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

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;

const THREAD_M: u32 = 4u;
const THREAD_N: u32 = 4u;
override TILE_M: u32 = WG_Y * THREAD_M; // derived: never set from the host
override TILE_N: u32 = WG_X * THREAD_N;
// r-fastest fills write TILE_K consecutive r of 32 / TILE_K rows per warp: padded strides put
// them in distinct banks (see conv2d.forward.wgsl).
override G_STRIDE: u32 = TILE_M + max(1u, 32u / TILE_K);
override P_STRIDE: u32 = TILE_N + max(1u, 32u / TILE_K);

var<workgroup> tile_g: array<f32, TILE_K * G_STRIDE>; // [r][m]
var<workgroup> tile_p: array<f32, TILE_K * P_STRIDE>; // [r][n]

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
  let m0 = wg.y * TILE_M;
  let n0 = wg.x * TILE_N;
  let in_plane = params.in_height * params.in_width;

  let threads = WG_X * WG_Y;
  let rr = flat % TILE_K; // this invocation's r within every TILE_K step
  let first_row = flat / TILE_K;
  let row_step = threads / TILE_K;

  var acc: array<array<f32, THREAD_N>, THREAD_M>;
  for (var r0 = r_begin; r0 < r_end; r0 += TILE_K) {
    let r = r0 + rr;
    let r_ok = r < r_end;
    let image = r / out_area;
    let pixel = r % out_area;
    let grad_base = image * m_total * out_area + pixel;
    let iy0 = i32((pixel / params.out_width) * params.stride) - i32(params.padding);
    let ix0 = i32((pixel % params.out_width) * params.stride) - i32(params.padding);
    let in_base = i32(image * params.in_channels * in_plane) + iy0 * i32(params.in_width) + ix0;
    for (var row = first_row; row < TILE_M; row += row_step) {
      let m = m0 + row;
      var g = 0.0;
      if (r_ok && m < m_total) { g = d_out[grad_base + m * out_area]; }
      tile_g[rr * G_STRIDE + row] = g;
    }
    for (var row = first_row; row < TILE_N; row += row_step) {
      let n = n0 + row;
      var v = 0.0;
      if (r_ok && n < n_total) {
        let tap = taps[n];
        let iy = iy0 + i32(tap.ky);
        let ix = ix0 + i32(tap.kx);
        if (u32(iy) < params.in_height && u32(ix) < params.in_width) {
          v = input[u32(in_base + i32(tap.input_offset))];
        }
      }
      tile_p[rr * P_STRIDE + row] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var a: array<f32, THREAD_M>;
      var b: array<f32, THREAD_N>;
      for (var i = 0u; i < THREAD_M; i++) { a[i] = tile_g[k * G_STRIDE + lid.y + i * WG_Y]; }
      for (var j = 0u; j < THREAD_N; j++) { b[j] = tile_p[k * P_STRIDE + lid.x + j * WG_X]; }
      for (var i = 0u; i < THREAD_M; i++) {
        for (var j = 0u; j < THREAD_N; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  let split_base = wg.z * m_total * n_total;
  for (var i = 0u; i < THREAD_M; i++) {
    let m = m0 + lid.y + i * WG_Y;
    if (m >= m_total) { break; }
    for (var j = 0u; j < THREAD_N; j++) {
      let n = n0 + lid.x + j * WG_X;
      if (n >= n_total) { break; }
      partial[split_base + m * n_total + n] = acc[i][j];
    }
  }
}
