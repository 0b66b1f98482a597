// `npm run bench -- app [--backend cpu,gpu] [--modes open,closed] [--rounds N] [--cpu-seconds S]
// [--gpu-seconds S] [--cpu-batch B] [--gpu-batch B] [--width W] [--skip "Heading,..."] [--json]`:
// does watching cost training speed? Builds and serves the app (as the e2e tests do), then for
// each backend trains the same seeded lenet5 run with every view panel of the page open and on
// screen, and with all closed (--modes; also `screen`; --skip keeps the named panels closed in
// every mode), alternating open/closed/closed/open... in fresh browsers (app-views-run.ts), and
// prints images/s per run, the ratio of the means to the closed runs' (issue 5: within 10%), the
// page's long tasks while training and where the long animation frames' time went; on the GPU
// backend also the device's time by submit label (training, probes, class visualisation...). Not a test.

import os from 'node:os';
import { parseArgs } from 'node:util';
import { buildAndServeApp } from '../test/e2e/global-setup.ts';
import { addShares, describeShares } from './app-device.ts';
import { describeLongFrames } from './app-frames.ts';
import { measureAppRun, VIEWS_MODES, type AppRunResult, type ViewsMode } from './app-views-run.ts';

export const APP_USAGE = `usage: npm run bench -- app [--backend cpu,gpu] [--modes open,closed] [--rounds 2] [--cpu-seconds 20]
         [--gpu-seconds 40] [--cpu-batch 64] [--gpu-batch 8] [--width 1280] [--skip "Heading,..."] [--json]
  modes: open (every view open and on screen), closed (every view closed), screen (every view
  open, 1280x800 at the top of the page); --skip: panels kept closed in every mode`;

interface AppBenchArgs {
  backends: ('cpu' | 'gpu')[];
  modes: ViewsMode[];
  rounds: number;
  seconds: Record<'cpu' | 'gpu', number>;
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
      modes: { type: 'string', default: 'open,closed' },
      rounds: { type: 'string', default: '2' },
      'cpu-seconds': { type: 'string', default: '20' },
      'gpu-seconds': { type: 'string', default: '40' },
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
  if (
    backends.some((b) => b !== 'cpu' && b !== 'gpu') ||
    modes.length === 0 ||
    modes.some((m) => !VIEWS_MODES.includes(m)) ||
    numbers.some((n) => !Number.isInteger(n) || n < 1)
  ) {
    throw new Error(`bad option value(s)\n${APP_USAGE}`);
  }
  const [rounds, cpuSeconds, gpuSeconds, cpuBatch, gpuBatch, width] = numbers;
  return {
    backends: backends as ('cpu' | 'gpu')[],
    modes,
    rounds,
    seconds: { cpu: cpuSeconds, gpu: gpuSeconds },
    batch: { cpu: cpuBatch, gpu: gpuBatch },
    width,
    skip: values.skip
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== ''),
    json: values.json,
  };
}

/** The modes in order, then reversed, then in order...: a drift over the session falls on all alike. */
export function alternation(modes: readonly ViewsMode[], rounds: number): ViewsMode[] {
  return Array.from({ length: rounds }, (_, r) => (r % 2 === 0 ? modes : [...modes].reverse())).flat();
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function row(r: AppRunResult): string {
  const lt = r.longTasks;
  return [
    r.backend.padEnd(4),
    r.views.padEnd(7),
    String(r.batch).padStart(5),
    r.viewport.padStart(10),
    `${r.steps}`.padStart(6),
    r.seconds.toFixed(1).padStart(6),
    r.imagesPerSecond.toFixed(1).padStart(9),
    `${lt.count}`.padStart(6),
    `${lt.over100}`.padStart(6),
    lt.maxMs.toFixed(0).padStart(7),
    r.trainedSeconds.toFixed(0).padStart(8),
  ].join(' ');
}

function summary(results: AppRunResult[], backend: 'cpu' | 'gpu', modes: readonly ViewsMode[]): string[] {
  const of = (views: ViewsMode) => results.filter((r) => r.backend === backend && r.views === views);
  const speed = (views: ViewsMode) => mean(of(views).map((r) => r.imagesPerSecond));
  const lines = modes.map((views) => {
    const runs = of(views);
    const count = runs.reduce((n, r) => n + r.longTasks.count, 0);
    const seconds = runs.reduce((n, r) => n + r.trainedSeconds, 0);
    const max = Math.max(0, ...runs.map((r) => r.longTasks.maxMs));
    const device = runs.flatMap((r) => (r.device ? [r.device] : []));
    return [
      `${backend} views ${views}: ${speed(views).toFixed(1)} images/s (mean of ${runs.length}); ` +
        `${count} long tasks in ${seconds.toFixed(0)} s of training, longest ${max.toFixed(0)} ms`,
      `  ${describeLongFrames(runs.map((r) => r.longFrames))}`,
      ...(device.length ? describeShares(addShares(device)).map((line) => `  ${line}`) : []),
    ].join('\n');
  });
  if (modes.includes('closed')) {
    for (const views of modes.filter((m) => m !== 'closed')) {
      const ratio = speed(views) / speed('closed');
      lines.push(
        `${backend} ${views}/closed = ${ratio.toFixed(3)} (${((1 - ratio) * 100).toFixed(1)}% slower with views ${views})`,
      );
    }
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
  const results: AppRunResult[] = [];
  try {
    for (const backend of args.backends) {
      for (const views of alternation(args.modes, args.rounds)) {
        const plan = {
          baseUrl: app.url,
          backend,
          batch: args.batch[backend],
          seconds: args.seconds[backend],
          views,
          width: args.width,
          skip: args.skip,
        };
        console.error(
          `[app bench] ${backend}, views ${views}, batch ${plan.batch}, ${plan.seconds} s window...`,
        );
        const result = await measureAppRun(plan);
        results.push(result);
        if (args.json) console.log(JSON.stringify(result));
      }
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
    console.log('backend views  batch   viewport  steps      s  images/s  long  >100ms  max ms  trained s');
    for (const result of results) console.log(row(result));
    for (const backend of args.backends) console.log(summary(results, backend, args.modes).join('\n'));
  }
  return 0;
}
