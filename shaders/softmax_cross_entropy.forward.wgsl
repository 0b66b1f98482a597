// softmax_cross_entropy.forward: for one row b of logits [batch, classes] with label l = labels[b]
// computes, in one pass over the row (forward and backward fused: the gradient needs nothing the
// forward has not just computed):
//   probs[b, c]   = exp(logits[b, c] - max) / sum_c' exp(logits[b, c'] - max)
//   loss[b]       = log(sum exp(logits[b, c] - max)) - (logits[b, l] - max)   (= -log probs[b, l])
//   d_logits[b,c] = (probs[b, c] - (c == l)) / batch   (gradient of the MEAN loss)
//   correct[b]    = 1u when the first maximum of the row is at l, else 0u
// Subtracting the row max keeps exp() in (0, 1], so logits of +-1000 neither overflow nor lose the
// loss to rounding. A label outside [0, classes) gives loss NaN (training pauses on a NaN loss and
// names the layer), correct 0, and d_logits without the one-hot term.
//
// One invocation computes one row (classes are few: 10 for the reference networks).
// Shapes: loss, correct, labels [batch]; probs, d_logits, logits [batch, classes].
// Bindings (group 0; outputs, then inputs, then params):
//   0 loss read_write f32; 1 probs read_write; 2 correct read_write u32; 3 d_logits read_write;
//   4 logits read; 5 labels read u32; 6 params uniform SoftmaxCrossEntropyParams.
// Dispatch: linearGrid(batch, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the row index is
//   gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with row >= params.batch return without writing.

override WORKGROUP_SIZE: u32 = 64u;

struct SoftmaxCrossEntropyParams {
  batch: u32,
  classes: u32,
}

@group(0) @binding(0) var<storage, read_write> loss: array<f32>;
@group(0) @binding(1) var<storage, read_write> probs: array<f32>;
@group(0) @binding(2) var<storage, read_write> correct: array<u32>;
@group(0) @binding(3) var<storage, read_write> d_logits: array<f32>;
@group(0) @binding(4) var<storage, read> logits: array<f32>;
@group(0) @binding(5) var<storage, read> labels: array<u32>;
@group(0) @binding(6) var<uniform> params: SoftmaxCrossEntropyParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (row >= params.batch) {
    return;
  }
  let classes = params.classes;
  let first = row * classes;

  // Strict > keeps the first maximum, as the reference does.
  var argmax = 0u;
  var max_logit = logits[first];
  for (var c = 1u; c < classes; c++) {
    let v = logits[first + c];
    if (v > max_logit) {
      max_logit = v;
      argmax = c;
    }
  }
  var sum_exp = 0.0;
  for (var c = 0u; c < classes; c++) {
    sum_exp += exp(logits[first + c] - max_logit);
  }

  let label = labels[row];
  let valid = label < classes;
  let inv_sum = 1.0 / sum_exp;
  let inv_batch = 1.0 / f32(params.batch);
  for (var c = 0u; c < classes; c++) {
    let p = exp(logits[first + c] - max_logit) * inv_sum;
    probs[first + c] = p;
    d_logits[first + c] = (p - select(0.0, 1.0, c == label)) * inv_batch;
  }
  if (valid) {
    loss[row] = log(sum_exp) - (logits[first + label] - max_logit);
  } else {
    // WGSL rejects a constant NaN; OR-ing the label into a quiet NaN's mantissa makes it a runtime
    // value that is NaN whatever the label (the exponent bits are all ones already).
    loss[row] = bitcast<f32>(0x7fc00000u | label);
  }
  correct[row] = select(0u, 1u, valid && argmax == label);
}
