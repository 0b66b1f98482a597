// segment_stats.forward: for each segment s (offset, length) of a flat buffer, the min, max, sum
// and sum of squares of its finite values and the count of its NaN / infinite values, as
// src/reference/segment_stats.ts. The value of element i is x[i] (mode 0), or the Adam step
// direction (x[i] / correction1) / (sqrt(y[i] / correction2) + epsilon) with x = m, y = v (mode 1).
//
// One workgroup per segment (s = wg.x + wg.y * num_workgroups.x, folded past the per-dimension
// limit). Each invocation walks a strided slice in a fixed order, then a tree reduction in
// workgroup memory: the order of additions depends only on WG_SIZE and the length, so results are
// the same on every run (no atomics). NaN / Inf are found from the bits (exponent all ones), not by
// float comparisons, which an implementation may assume never see them.
// Shapes: x, y: any number of f32 (every segment inside); segments: 2 u32 per segment;
//   out: SEGMENT_STATS_WORDS = 5 u32 per segment: min, max, sum, sumSquares as f32 bits, nonFinite.
//   With no finite value min stays F32_MAX and max -F32_MAX (the host reads both as "none").
// Bindings (group 0): 0 out write; 1 x read; 2 y read (bind x again in mode 0); 3 segments read;
//   4 params uniform. WG_SIZE must be a power of two.
// Bounds: workgroups past the last segment return (uniform per workgroup); reads stop at the
//   segment's end; each segment writes only its own 5 words.

struct SegmentStatsParams {
  segments: u32,
  mode: u32,
  correction1: f32,
  correction2: f32,
  epsilon: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> segments: array<u32>;
@group(0) @binding(4) var<uniform> params: SegmentStatsParams;

override WG_SIZE: u32 = 256u;
const F32_MAX: f32 = 0x1.fffffep+127f; // the largest finite f32

var<workgroup> part_min: array<f32, WG_SIZE>;
var<workgroup> part_max: array<f32, WG_SIZE>;
var<workgroup> part_sum: array<f32, WG_SIZE>;
var<workgroup> part_squares: array<f32, WG_SIZE>;
var<workgroup> part_bad: array<u32, WG_SIZE>;

fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

fn value_at(i: u32) -> f32 {
  if (params.mode == 0u) { return x[i]; }
  return (x[i] / params.correction1) / (sqrt(y[i] / params.correction2) + params.epsilon);
}

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let segment = wg.x + wg.y * groups.x;
  if (segment >= params.segments) { return; }
  let begin = segments[2u * segment];
  let end = begin + segments[2u * segment + 1u];
  var lo = F32_MAX;
  var hi = -F32_MAX;
  var sum = 0.0;
  var squares = 0.0;
  var bad = 0u;
  for (var i = begin + lane; i < end; i += WG_SIZE) {
    let v = value_at(i);
    if (is_finite(v)) {
      lo = min(lo, v);
      hi = max(hi, v);
      sum += v;
      squares += v * v;
    } else {
      bad += 1u;
    }
  }
  part_min[lane] = lo;
  part_max[lane] = hi;
  part_sum[lane] = sum;
  part_squares[lane] = squares;
  part_bad[lane] = bad;
  workgroupBarrier();
  for (var width = WG_SIZE / 2u; width > 0u; width /= 2u) {
    if (lane < width) {
      part_min[lane] = min(part_min[lane], part_min[lane + width]);
      part_max[lane] = max(part_max[lane], part_max[lane + width]);
      part_sum[lane] += part_sum[lane + width];
      part_squares[lane] += part_squares[lane + width];
      part_bad[lane] += part_bad[lane + width];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    let at = 5u * segment;
    out[at] = bitcast<u32>(part_min[0]);
    out[at + 1u] = bitcast<u32>(part_max[0]);
    out[at + 2u] = bitcast<u32>(part_sum[0]);
    out[at + 3u] = bitcast<u32>(part_squares[0]);
    out[at + 4u] = part_bad[0];
  }
}
