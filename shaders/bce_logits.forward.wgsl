// bce_logits.forward: lossPerRow[r] = sum over c of max(l, 0) - l*t + log(1 + exp(-|l|)),
// l = logits[r, c], t = targets[r, c] (binary cross-entropy on the logits, the stable form of
// src/reference/bce_logits.ts; WGSL has no log1p, and log(1 + e) with e <= 1 errs by at most one
// f32 ulp of 1 per element, absolute).
//
// One workgroup computes one row (r = wg.x + wg.y * num_workgroups.x, folded past the
// per-dimension limit): each invocation sums the columns lid, lid + WG_SIZE, ... in ascending order,
// then a tree reduction in workgroup memory. The order of additions depends only on WG_SIZE and
// cols, so results are the same on every run (no atomics). WG_SIZE must be a power of two.
// Shapes: lossPerRow [rows] f32; logits, targets [rows, cols] f32.
// Bindings (group 0): 0 lossPerRow read_write; 1 logits read; 2 targets read; 3 params uniform.
// Bounds: workgroups with r >= rows return before any barrier (uniform per workgroup); column reads
//   stop at cols; each row writes only lossPerRow[r].

override WG_SIZE: u32 = 64u;

struct BceLogitsParams {
  rows: u32,
  cols: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read_write> lossPerRow: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<uniform> params: BceLogitsParams;

var<workgroup> partial: array<f32, WG_SIZE>;

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let row = wg.x + wg.y * groups.x;
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  var sum = 0.0;
  for (var c = lid; c < params.cols; c += WG_SIZE) {
    let l = logits[start + c];
    sum += max(l, 0.0) - l * targets[start + c] + log(1.0 + exp(-abs(l)));
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var half = WG_SIZE / 2u; half > 0u; half /= 2u) {
    if (lid < half) {
      partial[lid] += partial[lid + half];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    lossPerRow[row] = partial[0];
  }
}
