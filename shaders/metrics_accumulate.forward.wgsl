// metrics_accumulate.forward: adds one batch's loss and accuracy to running totals kept on the GPU,
// so training and evaluation read metrics back once every N steps instead of once per step.
// For rows r < params.rows of the batch:
//   predicted[r] = the first maximum of logits[r, :] (strict >, as softmax_cross_entropy's argmax)
//   totals.lossSums[slot] += sum of lossPerRow[r]       (slot = totals.batches % params.slots)
//   totals.correct        += count of predicted[r] == labels[r]
//   totals.batches        += 1
//   confusion[labels[r] * classes + predicted[r]] += 1   (only when CONFUSION != 0 and label < classes)
// Rows >= params.rows are padding (the last evaluation batch) and are not read. A row whose label
// is outside [0, classes) keeps its loss (NaN from softmax_cross_entropy, so it shows) and is
// never correct.
//
// Determinism: ONE workgroup. Thread t sums rows t, t + WG, t + 2 WG, ... in order, then a fixed
//   tree reduction in workgroup memory; the host adds the per-slot sums in doubles. Spreading
//   successive batches over `slots` slots keeps each f32 slot to a few additions between reads.
//   The confusion counts use u32 atomicAdd: integer addition, so the order does not matter.
// Bindings (group 0; outputs, then inputs, then params):
//   0 totals     storage read_write  Totals { batches: u32, correct: u32, lossSums: array<f32> }
//   1 confusion  storage read_write  array<atomic<u32>> [classes * classes] (any 4+ bytes when
//                CONFUSION == 0: it is then not touched)
//   2 lossPerRow storage read        array<f32> [>= rows]
//   3 logits     storage read        array<f32> [>= rows * classes]
//   4 labels     storage read        array<u32> [>= rows]
//   5 params     uniform MetricsAccumulateParams
// Dispatch: exactly one workgroup (1, 1, 1). WORKGROUP_SIZE must be a power of two.

override WORKGROUP_SIZE: u32 = 64u;
override CONFUSION: u32 = 0u;

struct MetricsAccumulateParams {
  rows: u32,
  classes: u32,
  slots: u32,
}

struct Totals {
  batches: u32,
  correct: u32,
  lossSums: array<f32>,
}

@group(0) @binding(0) var<storage, read_write> totals: Totals;
@group(0) @binding(1) var<storage, read_write> confusion: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read> lossPerRow: array<f32>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> labels: array<u32>;
@group(0) @binding(5) var<uniform> params: MetricsAccumulateParams;

var<workgroup> lossPart: array<f32, WORKGROUP_SIZE>;
var<workgroup> correctPart: array<u32, WORKGROUP_SIZE>;

fn predictedClass(row: u32) -> u32 {
  let first = row * params.classes;
  var best = 0u;
  var bestValue = logits[first];
  for (var c = 1u; c < params.classes; c++) {
    let value = logits[first + c];
    if (value > bestValue) {
      bestValue = value;
      best = c;
    }
  }
  return best;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) t: u32) {
  var loss = 0.0;
  var correct = 0u;
  for (var row = t; row < params.rows; row += WORKGROUP_SIZE) {
    let label = labels[row];
    let predicted = predictedClass(row);
    loss += lossPerRow[row];
    if (predicted == label) {
      correct += 1u;
    }
    if (CONFUSION != 0u && label < params.classes) {
      atomicAdd(&confusion[label * params.classes + predicted], 1u);
    }
  }
  lossPart[t] = loss;
  correctPart[t] = correct;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (t < stride) {
      lossPart[t] += lossPart[t + stride];
      correctPart[t] += correctPart[t + stride];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    let slot = totals.batches % params.slots;
    totals.lossSums[slot] += lossPart[0];
    totals.correct += correctPart[0];
    totals.batches += 1u;
  }
}
