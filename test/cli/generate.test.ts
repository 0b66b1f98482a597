// `npm run generate` end to end on the CPU: a 3-step run writes samples.png (a row per class),
// cvae.f32 and summary.json and prints the classifier agreement; bad arguments exit with 2.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cvaeLayout } from '../../src/generator/cvae-spec.ts';
import { lastJsonLine, pngSize, REPO_ROOT, type CliRun } from './run-cli.ts';

const out = mkdtempSync(join(tmpdir(), 'convscope-generate-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runGenerateCli(args: string[]): Promise<CliRun> {
  const argv = [
    '--import',
    'tsx',
    '--import',
    './scripts/register-raw-loader.mjs',
    'src/cli/generate.ts',
    ...args,
  ];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: REPO_ROOT, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('npm run generate (cpu)', () => {
  it('trains a few steps and writes the grid, the parameters and the summary', async () => {
    const sizes = ['--steps', '3', '--batch', '24', '--latent', '6', '--samples', '3'];
    const run = await runGenerateCli([...sizes, '--check-every', '1', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/3 steps of 24 .*latent 6/);
    expect(run.stderr).toMatch(/\] 3\/3 {2}loss \d+\.\d+ \(reconstruction .*agreement \d+\.\d%/);
    expect(run.stdout).toMatch(/classifier agreement \d+\.\d% \(\d+\/30 samples named as their label\)/);
    const summary = lastJsonLine(run.stdout);
    expect(summary).toMatchObject({
      steps: 3,
      backend: 'cpu',
      samples_per_class: 3,
      parameters: cvaeLayout(6).length,
    });
    expect(summary.command).toBe(
      `npm run generate -- ${[...sizes, '--check-every', '1', '--out', out, '--json'].join(' ')}`,
    );
    const curve = summary.curve as { step: number; loss: number; agreement: number }[];
    expect(curve.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(curve.every((p) => p.agreement >= 0 && p.agreement <= 1)).toBe(true);
    expect(curve[2].agreement).toBe(summary.agreement); // the last check is the final measurement
    expect(curve[2].loss).toBeLessThan(curve[0].loss);
    expect(statSync(join(out, 'cvae.f32')).size).toBe(4 * cvaeLayout(6).length);
    // 10 rows x 3 columns of 28x28 tiles at scale 2 with 2-pixel gaps.
    expect(pngSize(join(out, 'samples.png'))).toEqual([2 + 3 * 58, 2 + 10 * 58]);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
  });

  it('exits with 2 and names the flag for a bad argument', async () => {
    const run = await runGenerateCli(['--latent', '100']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--latent: expected a whole number in \[1, 64\], got "100"/);
    expect(run.stderr).toMatch(/Usage: npm run generate/);
  });

  it('exits with 1 naming a missing classifier before training', async () => {
    const run = await runGenerateCli(['--steps', '1', '--classifier', join(out, 'none.f32'), '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/none\.f32/);
    expect(run.stderr).not.toMatch(/Training the generator/);
  });
});
