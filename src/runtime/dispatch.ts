// Workgroup counts for dispatches: ceil-division, and folding a 1-D grid into 2-D when it passes
// maxComputeWorkgroupsPerDimension (65535 by default). Pure arithmetic; recording is Gpu.dispatch.
//
// How a shader dispatched with linearGrid() recovers its linear index (WG = workgroup size):
//   @builtin(global_invocation_id) gid, @builtin(num_workgroups) groups
//   let i = gid.x + gid.y * groups.x * WG;   then `if (i >= length) { return; }`
// The folded grid has x * y >= the needed workgroups, so the bounds check is always required.

export interface WorkgroupGrid {
  x: number;
  y: number;
  z: number;
}

export function ceilDiv(numerator: number, denominator: number): number {
  if (!Number.isInteger(numerator) || numerator < 0 || !Number.isInteger(denominator) || denominator <= 0) {
    throw new RangeError(
      `ceilDiv needs integers numerator >= 0 and denominator > 0, got ${numerator}/${denominator}`,
    );
  }
  return Math.floor((numerator + denominator - 1) / denominator);
}

/**
 * Grid for `invocations` independent items with a 1-D workgroup of `workgroupSize`: x alone when it
 * fits, else x * y with y as small as possible (so little work is wasted past the end).
 */
export function linearGrid(
  invocations: number,
  workgroupSize: number,
  maxPerDimension: number,
): WorkgroupGrid {
  const workgroups = ceilDiv(invocations, workgroupSize);
  if (workgroups <= maxPerDimension) return { x: workgroups, y: 1, z: 1 };
  const y = ceilDiv(workgroups, maxPerDimension);
  if (y > maxPerDimension) {
    throw new RangeError(
      `${invocations} invocations need ${workgroups} workgroups of ${workgroupSize}, more than ` +
        `${maxPerDimension}^2; use a larger workgroup or split the work into several dispatches`,
    );
  }
  return { x: ceilDiv(workgroups, y), y, z: 1 };
}

/** Grid covering a 3-D index space with a 3-D workgroup; each dimension must fit on its own. */
export function grid3d(
  sizes: readonly [number, number, number],
  workgroupSize: readonly [number, number, number],
  maxPerDimension: number,
): WorkgroupGrid {
  const [x, y, z] = sizes.map((size, d) => ceilDiv(size, workgroupSize[d]));
  for (const [axis, count] of [
    ['x', x],
    ['y', y],
    ['z', z],
  ] as const) {
    if (count > maxPerDimension) {
      throw new RangeError(
        `dispatch needs ${count} workgroups along ${axis} (size ${sizes.join('x')}, workgroup ` +
          `${workgroupSize.join('x')}), more than maxComputeWorkgroupsPerDimension ${maxPerDimension}`,
      );
    }
  }
  return { x, y, z };
}
