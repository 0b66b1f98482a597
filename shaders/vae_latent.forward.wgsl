// vae_latent.forward: the VAE reparameterisation and KL term of src/reference/vae_latent.ts:
//   z[r, j] = mu + exp(0.5 * logvar) * eps[r, j],  mu = muLogvar[r, j], logvar = muLogvar[r, L + j]
//   klPerRow[r] = -0.5 * sum_j (1 + logvar - mu^2 - exp(logvar))   (j ascending, L = latent)
//
// One invocation computes one row: latent is small (8 in the CVAE), so a loop beats a reduction.
// Shapes: z [rows, latent] f32; klPerRow [rows] f32; muLogvar [rows, 2 latent] f32; eps [rows, latent].
// Bindings (group 0): 0 z read_write; 1 klPerRow read_write; 2 muLogvar read; 3 eps read;
//   4 params uniform.
// Dispatch: linearGrid(rows, WORKGROUP_SIZE, maxComputeWorkgroupsPerDimension); the linear index is
//   gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with r >= rows return without writing.

override WORKGROUP_SIZE: u32 = 64u;

struct VaeLatentParams {
  rows: u32,
  latent: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read_write> z: array<f32>;
@group(0) @binding(1) var<storage, read_write> klPerRow: array<f32>;
@group(0) @binding(2) var<storage, read> muLogvar: array<f32>;
@group(0) @binding(3) var<storage, read> eps: array<f32>;
@group(0) @binding(4) var<uniform> params: VaeLatentParams;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (r >= params.rows) {
    return;
  }
  let latent = params.latent;
  var kl = 0.0;
  for (var j = 0u; j < latent; j++) {
    let mu = muLogvar[r * 2u * latent + j];
    let logvar = muLogvar[r * 2u * latent + latent + j];
    let variance = exp(logvar);
    z[r * latent + j] = mu + sqrt(variance) * eps[r * latent + j];
    kl += 1.0 + logvar - mu * mu - variance;
  }
  klPerRow[r] = -0.5 * kl;
}
