// Reading a network spec from outside (a URL, a pasted JSON text, a checkpoint): parse, validate
// everything, and return a copy the caller owns. Not a schema library: the checks are validate.ts's.

import type { NetworkSpec } from './spec.ts';
import { SpecError } from './spec.ts';
import { assertValidNetwork, type DeviceCheck } from './validate.ts';

/**
 * A validated deep copy of `json`: a JSON text or an already-parsed value. Throws SpecError listing
 * every problem (unknown kinds, activations or fields, bad sizes, bad order, shapes that do not fit).
 */
export function parseNetworkSpec(json: unknown, device?: DeviceCheck): NetworkSpec {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      const message = `the network spec is not valid JSON (${(error as Error).message}); check quotes and commas`;
      throw new SpecError([{ layerIndex: null, message }]);
    }
  }
  assertValidNetwork(value, device);
  // A JSON round trip copies only plain data, so later changes by the sender cannot reach us.
  return JSON.parse(JSON.stringify(value)) as NetworkSpec;
}
