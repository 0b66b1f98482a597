// dense.forward (split-K finish): output[b, o] = act(sum_s parts[s, b, o] + bias[o]), adding the
// splits s = 0, 1, ... in order (the same result on every run).
//
// Used when the forward GEMM (matmul.forward.wgsl) splits K = inFeatures into chunks to fill the
// GPU (a small batch times a long input, e.g. 9216 -> 128): the GEMM then writes raw partial
// products, because bias and activation must be applied once, after the sum. Without split-K the
// GEMM fuses both and this pass does not run.
// One invocation computes one output element; consecutive invocations read consecutive addresses.
// Shapes: output [batch, out_features]; parts [splits, batch, out_features]; bias [out_features].
// Bindings (group 0): 0 output read_write; 1 parts read; 2 bias read; 3 params uniform.
// Dispatch: linearGrid(batch * out_features, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the
//   linear index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= batch * out_features return without writing.

override WORKGROUP_SIZE: u32 = 256u;
// ACTIVATION_CODE in src/ops/activation.ts: 0 none, 1 relu, 2 sigmoid, 3 tanh.
override ACTIVATION: u32 = 0u;

struct DenseForwardParams {
  batch: u32,
  out_features: u32,
  splits: u32,
}

@group(0) @binding(0) var<storage, read_write> output: array<f32>;
@group(0) @binding(1) var<storage, read> parts: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<uniform> params: DenseForwardParams;

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

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let length = params.batch * params.out_features;
  if (i >= length) {
    return;
  }
  var sum = 0.0;
  for (var s = 0u; s < params.splits; s++) {
    sum += parts[s * length + i];
  }
  output[i] = activate(sum + bias[i % params.out_features]);
}
