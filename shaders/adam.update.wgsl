// adam.update: one torch.optim.Adam step (L2 weight decay added to the gradient, not AdamW; no
// amsgrad) over one flat buffer holding every parameter of a network, in place, as
// src/reference/adam.ts:
//   g = grad + weightDecay * param; m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g^2;
//   param = param - learningRate * (m / correction1) / (sqrt(v / correction2) + epsilon).
// correction1 = 1 - beta1^t and correction2 = 1 - beta2^t are computed once per step on the host
// in doubles (adamBiasCorrections in src/ops/adam.ts) and written into the uniform with
// queue.writeBuffer before the step, with any change of learning rate.
//
// One invocation updates one element i of `parameters`, `m` and `v` (f32 throughout).
// Shapes: parameters, m, v, grads are arrays of hyper.length f32. m and v start as zeros.
// Bindings (group 0; outputs, then inputs, then params):
//   0 parameters  storage read_write
//   1 m           storage read_write   first moment
//   2 v           storage read_write   second moment
//   3 grads       storage read
//   4 hyper       uniform AdamParams
// Dispatch: linearGrid(length, WORKGROUP_SIZE, maxPerDimension); the linear index is
//   gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= hyper.length return without writing.

override WORKGROUP_SIZE: u32 = 64;

struct AdamParams {
  length: u32,
  learningRate: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  weightDecay: f32,
  correction1: f32,
  correction2: f32,
}

@group(0) @binding(0) var<storage, read_write> parameters: array<f32>;
@group(0) @binding(1) var<storage, read_write> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<uniform> hyper: AdamParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= hyper.length) {
    return;
  }
  let param = parameters[i];
  let g = grads[i] + hyper.weightDecay * param;
  let mi = hyper.beta1 * m[i] + (1.0 - hyper.beta1) * g;
  let vi = hyper.beta2 * v[i] + (1.0 - hyper.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let mHat = mi / hyper.correction1;
  let vHat = vi / hyper.correction2;
  parameters[i] = param - hyper.learningRate * mHat / (sqrt(vHat) + hyper.epsilon);
}
