// Naming where a NaN or Inf came from when the training loss stops being finite. A debug path, run
// once after training stopped, never in the loop: the trainer replays from its latest snapshot up
// to the first step whose loss is not finite, runs that step's batch forward and backward at the
// parameters just before it (Backend.inspectBatch, no update) and this file walks the trace in the
// order the values were computed: each layer's parameters and output, the loss, then each layer's
// output gradient and parameter gradients from the last layer back. The first non-finite tensor
// names the layer. Without a usable snapshot it inspects the last batch at the current parameters.
// Not the backends' read-back (diagnose-trace.ts) and not the training loop (trainer.ts).

import type { BatchTrace, OptimizerSettings } from './backend.ts';
import { parameterLayout, type LayerParameters } from './layout.ts';
import type { LearningRateSchedule } from './schedule.ts';
import type { LayerDescription, NetworkDescription } from './shapes.ts';
import type { TrainerSnapshot } from './trainer-state.ts';

export type TracedTensor = 'parameters' | 'output' | 'loss' | 'output gradient' | 'parameter gradient';

export interface NonFiniteFinding {
  /** 0-based index into description.layers. */
  layer: number;
  label: string;
  kind: LayerDescription['kind'];
  tensor: TracedTensor;
  /** Which parameter tensors, for 'parameters' and 'parameter gradient'. */
  part: 'weight' | 'bias' | 'weight and bias' | null;
  nan: number;
  infinite: number;
  /** Values in the tensor(s) searched. */
  size: number;
}

export interface NonFiniteDiagnosis {
  /** Replayed: the first step (1-based, whole run) whose loss was not finite. Else: the last step run. */
  step: number;
  /** The batch inspected: 0-based epoch and index in that epoch's order. */
  epoch: number;
  batch: number;
  /** True when found by replay at the parameters just before `step`; false: the parameters training stopped with. */
  replayed: boolean;
  /** Null when every value of the inspected batch is finite. */
  finding: NonFiniteFinding | null;
  message: string;
}

/** The loss became NaN or infinite: training stops so the run can be inspected or restored. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    message: string,
    readonly diagnosis: NonFiniteDiagnosis | null = null,
  ) {
    super(message);
  }
}

/** A diagnosis replays at most this many steps; beyond it the last batch is inspected as it stands. */
export const MAX_REPLAY_STEPS = 5000;

function countNonFinite(
  values: Float32Array,
  from = 0,
  to = values.length,
): { nan: number; infinite: number } {
  let nan = 0;
  let infinite = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) infinite++;
  }
  return { nan, infinite };
}

/** The first non-finite tensor of `trace` in computation order, or null when all is finite. */
export function findFirstNonFinite(
  description: NetworkDescription,
  trace: BatchTrace,
): NonFiniteFinding | null {
  const slots = new Map(parameterLayout(description).layers.map((slot) => [slot.layerIndex, slot]));
  const whole = (d: LayerDescription, tensor: TracedTensor, values: Float32Array | null) => {
    if (!values) return null;
    const { nan, infinite } = countNonFinite(values);
    if (nan + infinite === 0) return null;
    return { ...named(d), tensor, part: null, nan, infinite, size: values.length };
  };
  const params = (d: LayerDescription, tensor: TracedTensor, flat: Float32Array): NonFiniteFinding | null => {
    const slot: LayerParameters | undefined = slots.get(d.index);
    if (!slot) return null;
    const w = countNonFinite(flat, slot.weight.offset, slot.weight.offset + slot.weight.length);
    const b = countNonFinite(flat, slot.bias.offset, slot.bias.offset + slot.bias.length);
    const badW = w.nan + w.infinite > 0;
    const badB = b.nan + b.infinite > 0;
    if (!badW && !badB) return null;
    const part = badW && badB ? 'weight and bias' : badW ? 'weight' : 'bias';
    const size = slot.weight.length + slot.bias.length;
    return { ...named(d), tensor, part, nan: w.nan + b.nan, infinite: w.infinite + b.infinite, size };
  };
  const layers = description.layers;
  for (const d of layers) {
    const found = params(d, 'parameters', trace.parameters) ?? whole(d, 'output', trace.outputs[d.index]);
    if (found) return found;
  }
  const head = layers[layers.length - 1];
  const loss = whole(head, 'loss', trace.lossPerRow);
  if (loss) return loss;
  for (let i = layers.length - 1; i >= 0; i--) {
    const d = layers[i];
    const found =
      whole(d, 'output gradient', trace.outputGradients[i]) ??
      params(d, 'parameter gradient', trace.parameterGradients);
    if (found) return found;
  }
  return null;
}

function named(d: LayerDescription): Pick<NonFiniteFinding, 'layer' | 'label' | 'kind'> {
  return { layer: d.index, label: d.label, kind: d.kind };
}

/** "12 NaN values of 96", "1 infinite value of 96", "2 NaN and 3 infinite values of 96". */
function countText(f: NonFiniteFinding): string {
  if (f.nan > 0 && f.infinite > 0) return `${f.nan} NaN and ${f.infinite} infinite values of ${f.size}`;
  const n = f.nan + f.infinite;
  return `${n} ${f.nan > 0 ? 'NaN' : 'infinite'} value${n === 1 ? '' : 's'} of ${f.size}`;
}

const FIX = 'lower the learning rate or restore the last snapshot';

/** One sentence naming the layer, what went bad, what was still finite, and the fix. */
export function describeFinding(f: NonFiniteFinding, step: number): string {
  const where = `layer ${f.layer + 1} (${f.label})`;
  const counts = countText(f);
  switch (f.tensor) {
    case 'parameters':
      return (
        `${where}: parameters have ${counts} (${f.part}) before step ${step}, so they came in that way ` +
        '(initial or restored parameters, or an earlier update); restore a snapshot or checkpoint with ' +
        'finite parameters, or lower the learning rate if an update put them there'
      );
    case 'output': {
      const inputs = f.layer === 0 ? 'the input images' : `the output of layer ${f.layer}`;
      const own = f.kind === 'pool' ? '' : `parameters of layer ${f.layer + 1} and `;
      return `${where}: output has ${counts} at step ${step}; ${own}${inputs} are finite; ${FIX}`;
    }
    case 'loss':
      return `${where}: the loss has ${counts} at step ${step}; the logits are finite; ${FIX}`;
    case 'output gradient':
      return `${where}: the gradient of its output has ${counts} at step ${step}; every output, the loss and the gradients after this layer are finite; ${FIX}`;
    case 'parameter gradient':
      return `${where}: the ${f.part} gradient has ${counts} at step ${step}; every output, the loss and the gradient reaching this layer are finite; ${FIX}`;
  }
}

/** What diagnoseNonFiniteLoss needs of a Trainer (all public there). */
export interface DiagnosableTrainer {
  readonly totalSteps: number;
  readonly epoch: number;
  readonly stepInEpoch: number;
  readonly batch: number;
  readonly optimizer: OptimizerSettings;
  readonly schedule: LearningRateSchedule;
  readonly backend: { readonly description: NetworkDescription };
  snapshot(): Promise<TrainerSnapshot>;
  restore(snapshot: TrainerSnapshot): Promise<void>;
  step(count: number): void;
  takeMetrics(): Promise<{ lossSum: number }>;
  inspectBatch(which: 'next' | 'last'): Promise<BatchTrace>;
}

function sameFields(a: object, b: object): boolean {
  const keys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => (a as Record<string, unknown>)[k] === bRecord[k])
  );
}

/** A replay from `from` follows the same steps only if nothing set differently since. */
function canReplay(trainer: DiagnosableTrainer, from: TrainerSnapshot | null, lastFinite: number): boolean {
  return (
    from !== null &&
    from.step <= lastFinite &&
    trainer.totalSteps - from.step <= MAX_REPLAY_STEPS &&
    from.batch === trainer.batch &&
    sameFields(from.optimizer, trainer.optimizer) &&
    (from.schedule === undefined || sameFields(from.schedule, trainer.schedule))
  );
}

/**
 * Finds and names the first non-finite value after a report whose loss was not finite (steps up
 * to `lastFiniteStep` were finite). Replays from `from` when it can; always leaves the trainer in
 * the state it stopped in.
 */
export async function diagnoseNonFiniteLoss(
  trainer: DiagnosableTrainer,
  from: TrainerSnapshot | null,
  lastFiniteStep: number,
): Promise<NonFiniteDiagnosis> {
  let note = `no snapshot at or before step ${lastFiniteStep} with the current settings to replay from`;
  if (from && canReplay(trainer, from, lastFiniteStep)) {
    const stopped = await trainer.snapshot();
    try {
      const found = await replay(trainer, from, lastFiniteStep, stopped.step);
      if (found) return found;
      note = `replaying from step ${from.step} gave finite losses up to step ${stopped.step}`;
    } finally {
      await trainer.restore(stopped);
    }
  }
  const trace = await trainer.inspectBatch('last');
  const step = trainer.totalSteps;
  const result = { step, epoch: trainer.epoch, batch: trainer.stepInEpoch - 1, replayed: false };
  return conclude(
    trainer,
    trace,
    result,
    ` (the last batch at the parameters training stopped with: ${note})`,
  );
}

async function replay(
  trainer: DiagnosableTrainer,
  from: TrainerSnapshot,
  lastFinite: number,
  end: number,
): Promise<NonFiniteDiagnosis | null> {
  await trainer.restore(from);
  if (lastFinite > trainer.totalSteps) {
    trainer.step(lastFinite - trainer.totalSteps);
    if (!Number.isFinite((await trainer.takeMetrics()).lossSum)) return null; // not the run it was
  }
  const before = await trainer.snapshot();
  let bad = 0;
  while (bad === 0 && trainer.totalSteps < end) {
    trainer.step(1);
    if (!Number.isFinite((await trainer.takeMetrics()).lossSum)) bad = trainer.totalSteps;
  }
  if (bad === 0) return null;
  await trainer.restore(before);
  if (bad - 1 > trainer.totalSteps) {
    trainer.step(bad - 1 - trainer.totalSteps);
    await trainer.takeMetrics();
  }
  const trace = await trainer.inspectBatch('next');
  const result = { step: bad, epoch: trainer.epoch, batch: trainer.stepInEpoch, replayed: true };
  return conclude(trainer, trace, result, '');
}

function conclude(
  trainer: DiagnosableTrainer,
  trace: BatchTrace,
  at: Omit<NonFiniteDiagnosis, 'finding' | 'message'>,
  note: string,
): NonFiniteDiagnosis {
  const finding = findFirstNonFinite(trainer.backend.description, trace);
  const message = finding
    ? describeFinding(finding, at.step) + note
    : `every parameter, output and gradient is finite when batch ${at.batch} of epoch ${at.epoch + 1} ` +
      `runs again${note}; the non-finite loss could not be reproduced: ${FIX}`;
  return { ...at, finding, message };
}
