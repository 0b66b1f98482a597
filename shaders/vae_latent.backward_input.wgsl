// vae_latent.backward_input: gradient of (loss through z) + scale * sum_r KL_r w.r.t. muLogvar:
//   dMu     = dz + mu * scale
//   dLogvar = dz * eps * 0.5 * exp(0.5 * logvar) + 0.5 * (exp(logvar) - 1) * scale
// (src/reference/vae_latent.ts; scale = 1/N for the batch-mean KL).
//
// One invocation computes one latent unit i = r * latent + j: it writes dMuLogvar[r, j] and
// dMuLogvar[r, latent + j], so every element of dMuLogvar is written exactly once (overwritten).
// Shapes: dMuLogvar, muLogvar [rows, 2 latent] f32; dz, eps [rows, latent] f32.
// Bindings (group 0): 0 dMuLogvar read_write; 1 dz read; 2 muLogvar read; 3 eps read;
//   4 params uniform (the struct of vae_latent.forward.wgsl).
// Dispatch: linearGrid(rows * latent, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= rows * latent return without writing.

override WORKGROUP_SIZE: u32 = 64u;

struct VaeLatentParams {
  rows: u32,
  latent: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read_write> dMuLogvar: array<f32>;
@group(0) @binding(1) var<storage, read> dz: array<f32>;
@group(0) @binding(2) var<storage, read> muLogvar: array<f32>;
@group(0) @binding(3) var<storage, read> eps: array<f32>;
@group(0) @binding(4) var<uniform> params: VaeLatentParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.rows * params.latent) {
    return;
  }
  let r = i / params.latent;
  let j = i % params.latent;
  let muAt = r * 2u * params.latent + j;
  let logvarAt = muAt + params.latent;
  let g = dz[i];
  let sd = exp(0.5 * muLogvar[logvarAt]);
  dMuLogvar[muAt] = g + muLogvar[muAt] * params.scale;
  dMuLogvar[logvarAt] = g * eps[i] * 0.5 * sd + 0.5 * (sd * sd - 1.0) * params.scale;
}
