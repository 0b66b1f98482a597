// sgd.update: one torch.optim.SGD step (dampening 0, not Nesterov) over one flat buffer holding
// every parameter of a network, in place, as src/reference/sgd.ts:
//   g = grad + weightDecay * param; v = momentum * v + g (v = g when momentum is 0);
//   param = param - learningRate * v.
// The hyper-parameters are a uniform the host rewrites with queue.writeBuffer between steps, so
// the learning rate can change without new buffers or bind groups.
//
// One invocation updates one element i of `parameters` and `velocity` (f32 throughout).
// Shapes: parameters, velocity, grads are arrays of hyper.length f32. velocity starts as zeros.
// Bindings (group 0; outputs, then inputs, then params):
//   0 parameters  storage read_write
//   1 velocity    storage read_write
//   2 grads       storage read
//   3 hyper       uniform SgdParams
// Dispatch: linearGrid(length, WORKGROUP_SIZE, maxPerDimension); the linear index is
//   gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= hyper.length return without writing.

override WORKGROUP_SIZE: u32 = 64;

struct SgdParams {
  length: u32,
  learningRate: f32,
  momentum: f32,
  weightDecay: f32,
}

@group(0) @binding(0) var<storage, read_write> parameters: array<f32>;
@group(0) @binding(1) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<uniform> hyper: SgdParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= hyper.length) {
    return;
  }
  let param = parameters[i];
  let g = grads[i] + hyper.weightDecay * param;
  // Uniform branch. With momentum 0 the old velocity is not read, as in the reference (an Inf or
  // NaN left in it must not leak into the step).
  var v = g;
  if (hyper.momentum != 0.0) {
    v = hyper.momentum * velocity[i] + g;
  }
  velocity[i] = v;
  parameters[i] = param - hyper.learningRate * v;
}
