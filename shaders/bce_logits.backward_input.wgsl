// bce_logits.backward_input: dLogits[i] = (sigmoid(logits[i]) - targets[i]) * params.scale,
// the gradient of scale * (sum of row losses); scale = 1/N gives the batch mean's gradient.
//
// One invocation computes one element i in [0, rows * cols).
// Shapes: dLogits, logits, targets [rows, cols] f32.
// Bindings (group 0): 0 dLogits read_write (overwritten); 1 logits read; 2 targets read;
//   3 params uniform (the struct of bce_logits.forward.wgsl).
// Dispatch: linearGrid(rows * cols, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= rows * cols return without writing.

override WORKGROUP_SIZE: u32 = 256u;

struct BceLogitsParams {
  rows: u32,
  cols: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read_write> dLogits: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<uniform> params: BceLogitsParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.rows * params.cols) {
    return;
  }
  // sigmoid from exp(-|l|), which never overflows (as activation.forward.wgsl).
  let l = logits[i];
  let e = exp(-abs(l));
  let s = select(e / (1.0 + e), 1.0 / (1.0 + e), l >= 0.0);
  dLogits[i] = (s - targets[i]) * params.scale;
}
