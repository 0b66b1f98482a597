// image_ascent: the two image passes of gradient ascent on a network's input (class visualisation,
// "dreams"), param type and checks shared by the CPU reference and the WGSL kernel; no loops, no
// GPU objects. The image state [batch, C, H, W] lives apart from the network's input buffer:
//
//   forward  input[b,c,y,x] = B(image)[b,c,(y - shiftY) mod H,(x - shiftX) mod W]
//            (B = 3x3 [1,2,1] blur, weights renormalised inside the image, when `blur`; else B = id):
//            the jittered (rolled) and optionally blurred image the network sees this step.
//   update   for image pixel p, q = p rolled by (shiftY, shiftX) (where p sits in `input`):
//              v  = input[q]               the (blurred) pixel value,
//              g  = gradientScale * gradient[q] / norm,   norm = mean |gradientScale * gradient|
//                   over image b + 1e-8 when `normalize`, else 1,
//              tv = sum over the 4-neighbours n of p inside the image of sign(v - value(n)),
//                   the subgradient of the anisotropic total variation sum |x_p - x_n|,
//              image[p] = clamp(v + stepSize * (g - decay * v - tvWeight * tv), low, high).
//
// The update reads every value from `input` (a permutation of the image), so it never reads what it
// writes. Jitter that is undone when the step lands, blur every few steps, L2 decay, total variation
// and the pixel-range clamp are the regularisers of Yosinski et al. 2015 and Mahendran & Vedaldi 2015.

export interface ImageAscentParams {
  batch: number;
  channels: number;
  height: number;
  width: number;
  /** Jitter: the image is rolled by this many pixels (0 <= shift < size). */
  shiftX: number;
  shiftY: number;
  /** forward: blur the image (this step) before rolling it. */
  blur: boolean;
  /** update: divide the gradient by its mean absolute value over each image. */
  normalize: boolean;
  stepSize: number;
  /** Multiplies the gradient: its sign says ascent (+) or descent (-). */
  gradientScale: number;
  /** L2 decay of the pixel values. */
  decay: number;
  /** Weight of the total-variation penalty. */
  tvWeight: number;
  /** Pixel range. */
  low: number;
  high: number;
}

/** Added to the mean |gradient| so an all-zero gradient divides by a positive number. */
export const NORMALIZE_EPSILON = 1e-8;

/** Floats of one image. */
export function imageAscentPixels(p: ImageAscentParams): number {
  return p.channels * p.height * p.width;
}

/** Throws naming the field and the fix. */
export function validateImageAscent(p: ImageAscentParams): void {
  for (const name of ['batch', 'channels', 'height', 'width'] as const) {
    const v = p[name];
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`image_ascent: ${name} must be a whole number >= 1, got ${v}`);
  }
  for (const [name, size] of [
    ['shiftX', p.width],
    ['shiftY', p.height],
  ] as const) {
    const v = p[name];
    if (!Number.isInteger(v) || v < 0 || v >= size)
      throw new RangeError(`image_ascent: ${name} must be a whole number in [0, ${size - 1}], got ${v}`);
  }
  for (const name of ['stepSize', 'gradientScale', 'decay', 'tvWeight', 'low', 'high'] as const) {
    if (!Number.isFinite(p[name]))
      throw new RangeError(`image_ascent: ${name} must be finite, got ${p[name]}`);
  }
  if (!(p.low <= p.high)) throw new RangeError(`image_ascent: low ${p.low} must not exceed high ${p.high}`);
}

/** A shift of `by` pixels (any integer, negative too) as the roll in [0, size). */
export function wrapShift(by: number, size: number): number {
  return ((by % size) + size) % size;
}
