// gather_batch.forward: builds one training batch on the GPU from the byte dataset resident there
// and a shuffled index buffer, as gatherBatch in src/data/batching.ts does on the CPU:
//   images[b, p] = f32(byte p of image order[orderOffset + b]) * pixelScale,
//   labels[b]    = label byte of image order[orderOffset + b].
// pixelScale is PIXEL_SCALE (the f32 nearest 1/255); WGSL's f32 multiply is correctly rounded and
// byte * PIXEL_SCALE is exact in doubles, so the result equals the CPU's bit for bit.
//
// Reading bytes: WGSL has no 8-bit storage type, so the dataset's bytes are uploaded as they are
//   (Uint8Array copied into the buffer, zero-padded to a multiple of 4) and read as array<u32>.
//   WebGPU memory is little-endian, so byte k lives in word k / 4 at bits 8 * (k % 4) .. +7:
//   byte(k) = (words[k >> 2] >> ((k & 3) * 8)) & 0xff. Images are row-major, image i's pixel p is
//   byte i * pixelsPerImage + p (any pixelsPerImage: an image may start mid-word). Labels are one
//   byte per image, packed the same way.
// One invocation computes one pixel i = b * pixelsPerImage + p of `images`; the invocation with
//   p == 0 also writes labels[b].
// Shapes: images [capacity, pixelsPerImage] f32 (NCHW [B, C, H, W] flattened), labels [capacity]
//   u32; datasetImages count * pixelsPerImage bytes; datasetLabels count bytes; order u32 indices.
// Bindings (group 0; outputs, then inputs, then params):
//   0 images         storage read_write  array<f32>
//   1 labels         storage read_write  array<u32>
//   2 datasetImages  storage read        array<u32>  (bytes, 4 per word)
//   3 datasetLabels  storage read        array<u32>  (bytes, 4 per word)
//   4 order          storage read        array<u32>  (a whole epoch's permutation)
//   5 params         uniform GatherBatchParams, bound with a dynamic offset: one slot per batch of
//                    the epoch, written once, so a step selects its batch without any upload.
// Dispatch: linearGrid(capacity * pixelsPerImage, WORKGROUP_SIZE, maxPerDimension); the linear
//   index is gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.
// Bounds: invocations with i >= params.batch * pixelsPerImage return without writing (the last
//   batch of an epoch may be smaller than the capacity). An index >= params.count (a bad order
//   buffer; the host checks orders it uploads) reads nothing and writes NaN pixels and label
//   0xffffffff, so the error shows instead of a silently wrong batch.

override WORKGROUP_SIZE: u32 = 64;

struct GatherBatchParams {
  batch: u32,
  pixelsPerImage: u32,
  orderOffset: u32,
  count: u32,
  pixelScale: f32,
}

@group(0) @binding(0) var<storage, read_write> images: array<f32>;
@group(0) @binding(1) var<storage, read_write> labels: array<u32>;
@group(0) @binding(2) var<storage, read> datasetImages: array<u32>;
@group(0) @binding(3) var<storage, read> datasetLabels: array<u32>;
@group(0) @binding(4) var<storage, read> order: array<u32>;
@group(0) @binding(5) var<uniform> params: GatherBatchParams;

const BAD_LABEL = 0xffffffffu;

/** Byte k of a byte array given the word that holds it, words[k >> 2] (little-endian). */
fn byteOf(word: u32, k: u32) -> u32 {
  return (word >> ((k & 3u) * 8u)) & 0xffu;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.batch * params.pixelsPerImage) {
    return;
  }
  let b = i / params.pixelsPerImage;
  let p = i - b * params.pixelsPerImage;
  let index = order[params.orderOffset + b];
  if (index >= params.count) {
    // NaN from a runtime value: a constant NaN is a shader-creation error in WGSL.
    images[i] = bitcast<f32>(0x7fc00000u | (index & 0u));
    if (p == 0u) {
      labels[b] = BAD_LABEL;
    }
    return;
  }
  let k = index * params.pixelsPerImage + p;
  images[i] = f32(byteOf(datasetImages[k >> 2u], k)) * params.pixelScale;
  if (p == 0u) {
    labels[b] = byteOf(datasetLabels[index >> 2u], index);
  }
}
