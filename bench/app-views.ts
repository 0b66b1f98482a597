// `npm run bench -- app [--backend cpu,gpu] [--modes open,closed] [--rounds N] [--cpu-seconds S]
// [--gpu-seconds S] [--settle S] [--warmup S] [--cpu-batch B] [--gpu-batch B] [--width W] [--skip "Heading,..."]
// [--json]`: does watching cost training speed? Builds and serves the app (as the e2e tests do),
// then for each backend trains the same seeded lenet5 run in one page and, round after round,
// closes and opens every view panel (--modes; `open`: all open and on screen, also `screen`;
// --skip keeps the named panels closed in every mode), timing a window in each mode
// (app-views-run.ts). Prints every window's images/s, each round's ratio to the closed window
// beside it, their median, smallest and largest (issue 5: within 10%), the page's long tasks while
// training and where the long animation frames' time went; on the GPU backend also the device's
// time by submit label (training, probes, class visualisation...) per mode. Not a test.

import os from 'node:os';
import { parseArgs } from 'node:util';
import { buildAndServeApp } from '../test/e2e/global-setup.ts';
import { addShares, describeShares } from './app-device.ts';
import { describeLongFrames } from './app-frames.ts';
import { describeRatios, summariseRatios, VIEWS_MODES, type ViewsMode } from './app-rounds.ts';
import { measureAppRun, type AppRunResult } from './app-views-run.ts';

export const APP_USAGE = `usage: npm run bench -- app [--backend cpu,gpu] [--modes closed,open] [--rounds 8] [--cpu-seconds 10]
         [--gpu-seconds 15] [--settle 3] [--warmup 20] [--cpu-batch 64] [--gpu-batch 8] [--width 1280] [--skip "Heading,..."] [--json]
  one training run per backend; each round times a window in every mode (order alternating); a
  closed window starts --settle seconds after the panels close, one with views as they open;
  before the rounds, --warmup seconds of training with every view open (after the first test
  evaluation). modes: open (every view open and on screen), closed (every view closed), screen
  (every view open, 1280x800 at the top of the page); --skip: panels kept closed in every mode`;

interface AppBenchArgs {
  backends: ('cpu' | 'gpu')[];
  modes: ViewsMode[];
  rounds: number;
  seconds: Record<'cpu' | 'gpu', number>;
  /** Seconds after the panels close before a closed window. */
  settle: number;
  /** Seconds of training with every view open after the first test evaluation. */
  warmup: number;
  batch: Record<'cpu' | 'gpu', number>;
  width: number;
  /** Headings of panels kept closed in every mode. */
  skip: string[];
  json: boolean;
}

function parseAppArgs(argv: string[]): AppBenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'cpu,gpu' },
      modes: { type: 'string', default: 'closed,open' },
      rounds: { type: 'string', default: '8' },
      'cpu-seconds': { type: 'string', default: '10' },
      'gpu-seconds': { type: 'string', default: '15' },
      settle: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '20' },
      'cpu-batch': { type: 'string', default: '64' },
      'gpu-batch': { type: 'string', default: '8' },
      width: { type: 'string', default: '1280' },
      skip: { type: 'string', default: '' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(APP_USAGE);
  const backends = values.backend.split(',').map((b) => b.trim());
  const modes = values.modes.split(',').map((m) => m.trim()) as ViewsMode[];
  const numbers = [
    values.rounds,
    values['cpu-seconds'],
    values['gpu-seconds'],
    values['cpu-batch'],
    values['gpu-batch'],
    values.width,
  ].map(Number);
  const settle = Number(values.settle);
  const warmup = Number(values.warmup);
  if (
    backends.some((b) => b !== 'cpu' && b !== 'gpu') ||
    modes.length === 0 ||
    modes.some((m) => !VIEWS_MODES.includes(m)) ||
    new Set(modes).size !== modes.length ||
    numbers.some((n) => !Number.isInteger(n) || n < 1) ||
    !(settle >= 0) ||
    !(warmup >= 0)
  ) {
    throw new Error(`bad option value(s)\n${APP_USAGE}`);
  }
  const [rounds, cpuSeconds, gpuSeconds, cpuBatch, gpuBatch, width] = numbers;
  return {
    backends: backends as ('cpu' | 'gpu')[],
    modes,
    rounds,
    seconds: { cpu: cpuSeconds, gpu: gpuSeconds },
    settle,
    warmup,
    batch: { cpu: cpuBatch, gpu: gpuBatch },
    width,
    skip: values.skip
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== ''),
    json: values.json,
  };
}

function windowRow(run: AppRunResult, w: AppRunResult['windows'][number]): string {
  return [
    run.backend.padEnd(4),
    String(w.round + 1).padStart(5),
    w.views.padEnd(7),
    String(run.batch).padStart(5),
    (run.viewports[w.views] ?? '').padStart(10),
    `${w.steps}`.padStart(6),
    w.seconds.toFixed(1).padStart(6),
    w.imagesPerSecond.toFixed(1).padStart(9),
    `${w.longTasks}`.padStart(6),
  ].join(' ');
}

function summary(run: AppRunResult, modes: readonly ViewsMode[]): string[] {
  const lt = run.longTasks;
  const lines = [
    `${run.backend}: ${lt.count} long tasks (${lt.over100} over 100 ms, longest ${lt.maxMs.toFixed(0)} ms) ` +
      `in ${run.trainedSeconds.toFixed(0)} s of training; ${describeLongFrames([run.longFrames])}`,
  ];
  for (const views of modes) {
    const windows = run.windows.filter((w) => w.views === views);
    const images = windows.reduce((n, w) => n + w.imagesPerSecond * w.seconds, 0);
    const seconds = windows.reduce((n, w) => n + w.seconds, 0);
    lines.push(
      `${run.backend} views ${views}: ${(images / seconds).toFixed(1)} images/s over ${seconds.toFixed(0)} s`,
    );
    const device = windows.flatMap((w) => (w.device ? [w.device] : []));
    if (device.length) lines.push(...describeShares(addShares(device)).map((line) => `  ${line}`));
  }
  if (modes.includes('closed')) {
    for (const views of modes.filter((m) => m !== 'closed'))
      lines.push(describeRatios(run.backend, views, summariseRatios(run.windows, views)));
  }
  return lines;
}

export async function runAppViewsBench(argv: string[]): Promise<number> {
  let args: AppBenchArgs;
  try {
    args = parseAppArgs(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return argv.includes('--help') ? 0 : 2;
  }
  const loadAtStart = os.loadavg()[0];
  const app = await buildAndServeApp();
  const runs: AppRunResult[] = [];
  try {
    for (const backend of args.backends) {
      const plan = {
        baseUrl: app.url,
        backend,
        batch: args.batch[backend],
        modes: args.modes,
        rounds: args.rounds,
        seconds: args.seconds[backend],
        settleSeconds: args.settle,
        warmupSeconds: args.warmup,
        width: args.width,
        skip: args.skip,
      };
      console.error(
        `[app bench] ${backend}, batch ${plan.batch}: ${plan.rounds} rounds of ${plan.modes.join(', ')}, ` +
          `${plan.seconds} s windows...`,
      );
      const run = await measureAppRun(plan);
      runs.push(run);
      if (args.json) console.log(JSON.stringify(run));
    }
  } finally {
    await app.close();
  }
  if (!args.json) {
    const cpu = os.cpus();
    console.log(
      `host: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; Chromium headless (GPU = WebGPU)`,
    );
    // Other work on the machine shifts images/s by tens of percent: say how busy it was.
    console.log(`load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end`);
    console.log(`command: npm run bench -- app ${argv.join(' ')}`.trimEnd());
    console.log('backend round views  batch   viewport  steps      s  images/s  long');
    for (const run of runs) for (const w of run.windows) console.log(windowRow(run, w));
    for (const run of runs) console.log(summary(run, args.modes).join('\n'));
  }
  return 0;
}
