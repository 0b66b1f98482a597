// scale_add: output = scale * x + y, elementwise. Param type and shape checks shared by the CPU
// reference and the WGSL kernel; no loops, no GPU objects.

export interface ScaleAddParams {
  scale: number;
}

/** Throws unless output, x and y have the same, non-zero length; returns that length. */
export function scaleAddLength(outputLength: number, xLength: number, yLength: number): number {
  if (outputLength !== xLength || outputLength !== yLength) {
    throw new RangeError(
      `scale_add: output, x and y must have equal lengths, got ${outputLength}, ${xLength}, ${yLength}`,
    );
  }
  if (outputLength === 0) throw new RangeError('scale_add: length must be at least 1');
  return outputLength;
}
