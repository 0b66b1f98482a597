// Entry of the training benchmark page (bench/train.html): one Gpu from navigator.gpu, TensorFlow.js
// on its WebGPU backend (unless ?tfjs=0), window.convscopeTrainBench for the runner (train-run.ts),
// and a small form that runs cells by hand and shows the same table. The measuring is train-bench.ts.

import { createGpu } from '../src/runtime/device.ts';
import {
  TRAIN_DEFAULTS,
  type TrainCellOptions,
  type TrainImpl,
  type TrainOptimizer,
  type TrainRow,
} from './train-api.ts';
import type { NetName } from './cases.ts';
import type { TrainEnvironment } from './train-bench.ts';
import { initTfjsOrReason, makeTrainEnvironment, trainBenchApi } from './train-env.ts';
import { msPerImageFrom } from './train-plan.ts';
import { formatTrainTable } from './train-table.ts';

function runtime(): string {
  const chrome = /Chrom(?:e|ium)\/([\d.]+)/.exec(navigator.userAgent);
  return chrome ? `Chromium ${chrome[1]}` : navigator.userAgent;
}

let environmentPromise: Promise<TrainEnvironment> | undefined;

async function createEnvironment(): Promise<TrainEnvironment> {
  // The preference TFJS's backend asks for, so both pick the same adapter on multi-GPU machines.
  const gpu = await createGpu({ powerPreference: 'high-performance' });
  const withTfjs = new URLSearchParams(location.search).get('tfjs') !== '0';
  const tfjs = withTfjs ? await initTfjsOrReason() : { unavailable: 'left out (?tfjs=0)' };
  return makeTrainEnvironment('chromium', gpu, runtime(), tfjs);
}

const api = trainBenchApi(() => (environmentPromise ??= createEnvironment()), runtime());
window.convscopeTrainBench = api;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const value = (id: string) => $<HTMLInputElement>(id).value;
const list = (id: string) =>
  value(id)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Runs the form's cells one by one, redrawing the table after each. */
async function runForm(): Promise<void> {
  const rows: TrainRow[] = [];
  const status = $('status');
  for (const net of list('nets') as NetName[]) {
    let msPerImage: TrainCellOptions['msPerImage'] = {};
    for (const batch of list('batches').map(Number)) {
      status.textContent = `running ${net} at batch ${batch}…`;
      const options: TrainCellOptions = {
        net,
        batch,
        impls: list('impls') as TrainImpl[],
        warmup: TRAIN_DEFAULTS.warmup,
        steps: Number(value('steps')),
        repeats: Number(value('repeats')),
        cellSeconds: Number(value('cellSeconds')),
        maxStepSeconds: TRAIN_DEFAULTS.maxStepSeconds,
        optimizer: $<HTMLSelectElement>('optimizer').value as TrainOptimizer,
        seed: 1,
        msPerImage,
      };
      const got = await api.runCell(options);
      msPerImage = { ...msPerImage, ...msPerImageFrom(got) };
      rows.push(...got);
      $('table').textContent = formatTrainTable(rows);
    }
  }
  status.textContent = 'done';
}

async function start(): Promise<void> {
  const a = await api.adapter();
  const tfjs = 'label' in a.tfjs ? a.tfjs.label : `TensorFlow.js unavailable: ${a.tfjs.unavailable}`;
  $('status').textContent = `${a.description}\n${a.runtime}; our tiles: ${a.tuning}\n${tfjs}`;
  const button = $<HTMLButtonElement>('run');
  button.disabled = false;
  $('form').addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    runForm()
      .catch((error) => ($('status').textContent = `failed: ${error}`))
      .finally(() => (button.disabled = false));
  });
}

start().catch((error) => ($('status').textContent = `failed: ${error}`));
document.body.dataset.ready = 'true';
