// Lists the `name: type` fields of one struct in a shader under shaders/, so each kernel's unit
// test can compare its uniform layout with the WGSL struct it feeds (enough for the scalar-only
// param structs). Test helper only.

import { readFileSync } from 'node:fs';

/** Fields of `struct` in shaders/<file>, in declaration order. */
export function wgslStructFields(file: string, struct: string): [string, string][] {
  const code = readFileSync(new URL(`../../shaders/${file}`, import.meta.url), 'utf8');
  const body = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(code)?.[1];
  if (body === undefined) throw new Error(`struct ${struct} not found in shaders/${file}`);
  return [...body.matchAll(/(\w+)\s*:\s*(\w+)/g)].map((m) => [m[1], m[2]]);
}
