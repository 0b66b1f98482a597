// The dream CLI end to end on the CPU backend (a checkpoint made from the trained lenet5 fixture):
// a short run's printed probabilities and the two PNGs it writes, and a bad argument (exit code 2,
// the flag and its accepted values named). The argument parser on its own.

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDreamArgs } from '../../src/cli/dream-args.ts';
import { DEFAULT_OPTIMIZER } from '../../src/model/backend.ts';
import { encodeCheckpoint } from '../../src/model/checkpoint.ts';
import { loadModelFixture } from '../helpers/model-fixture.ts';
import { pngSize, REPO_ROOT, type CliRun } from './run-cli.ts';

const out = mkdtempSync(join(tmpdir(), 'convscope-dream-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runDreamCli(args: string[]): Promise<CliRun> {
  const argv = [
    '--import',
    'tsx',
    '--import',
    './scripts/register-raw-loader.mjs',
    'src/cli/dream.ts',
    ...args,
  ];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: REPO_ROOT, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('npm run dream (cpu)', () => {
  it('dreams every class past 0.9 and writes dreams.png and saliency.png', async () => {
    const { spec, parameters } = loadModelFixture('lenet5-mnist');
    const checkpoint = join(out, 'lenet5.convscope');
    const optimizerState = { kind: 'sgd' as const, step: 0, slots: [new Float32Array(parameters.length)] };
    const header = {
      spec,
      seed: 0,
      batch: 32,
      epoch: 0,
      stepInEpoch: 0,
      step: 0,
      optimizer: DEFAULT_OPTIMIZER,
    };
    writeFileSync(checkpoint, encodeCheckpoint({ ...header, optimizerState, parameters }));
    const run = await runDreamCli([
      '--checkpoint',
      checkpoint,
      '--backend',
      'cpu',
      '--steps',
      '40',
      '--saliency',
      '2',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const line = /probability of its class: (.*)/.exec(run.stdout)?.[1] ?? '';
    const probabilities = [...line.matchAll(/\d: (\d\.\d{4})/g)].map((m) => Number(m[1]));
    expect(probabilities).toHaveLength(10);
    probabilities.forEach((p) => expect(p).toBeGreaterThanOrEqual(0.9));
    expect(run.stderr).toMatch(
      /test image 1 \(label 2, predicted 2\): mass within 1 px of the strokes 100% \/ \d+% \/ \d+%/,
    );
    expect(readdirSync(out).sort()).toEqual(['dreams.png', 'lenet5.convscope', 'saliency.png']);
    // 10 tiles of 28 px x 4 with 4 px gaps; 2 rows of 4 tiles.
    expect(pngSize(join(out, 'dreams.png'))).toEqual([4 + 10 * 116, 120]);
    expect(pngSize(join(out, 'saliency.png'))).toEqual([4 + 4 * 116, 4 + 2 * 116]);
  });

  it('rejects a bad value with exit code 2, naming the flag and what it accepts', async () => {
    const run = await runDreamCli(['--checkpoint', 'x.convscope', '--start', 'white']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--start: unknown value "white"; accepted values: grey, noise/);
  });
});

describe('parseDreamArgs', () => {
  it('has defaults for everything but the checkpoint', () => {
    expect(parseDreamArgs(['--checkpoint', 'a.convscope'])).toEqual({
      ...{
        checkpoint: 'a.convscope',
        backend: 'gpu',
        dataset: 'mnist',
        steps: 300,
        objective: 'logProbability',
      },
      ...{ start: 'grey', seed: 0, saliency: 4, out: null, help: false },
    });
    expect(parseDreamArgs(['--checkpoint', 'a', '--objective', 'logit', '--saliency', '0']).objective).toBe(
      'logit',
    );
  });

  it('names the flag and the fix', () => {
    expect(() => parseDreamArgs([])).toThrow(/--checkpoint: give the .convscope file/);
    expect(() => parseDreamArgs(['--checkpoint', 'a', '--steps', '0'])).toThrow(
      /--steps: expected a whole number >= 1, got "0"/,
    );
    expect(() => parseDreamArgs(['--checkpoint', 'a', '--colour', 'red'])).toThrow(
      /Unknown option '--colour'/,
    );
  });
});
