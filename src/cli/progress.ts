// A one-line progress bar for the training CLI on stderr: epoch, step, loss, train accuracy and
// images/s. On a terminal it redraws one line with \r; otherwise (logs, tests) it prints a plain
// line at most every `quietMs`, so a log stays short. Not a general-purpose progress library.

export interface ProgressLine {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

const BAR_WIDTH = 24;

export function formatProgress(p: ProgressLine): string {
  const fraction = p.steps > 0 ? Math.min(1, p.step / p.steps) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
  return (
    `epoch ${p.epoch}/${p.epochs} [${bar}] ${p.step}/${p.steps}` +
    `  loss ${p.loss.toFixed(4)}  acc ${(p.accuracy * 100).toFixed(2)}%` +
    `  ${Math.round(p.imagesPerSecond)} img/s`
  );
}

export class ProgressBar {
  private lastPrint = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quietMs = 10_000,
  ) {}

  update(p: ProgressLine, final = false): void {
    this.updateText(formatProgress(p), final);
  }

  /** Shows any one-line status the same way (the generator CLI's losses have no accuracy). */
  updateText(line: string, final = false): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const now = performance.now();
    if (final || now - this.lastPrint >= this.quietMs) {
      this.stream.write(`${line}\n`);
      this.lastPrint = now;
    }
  }

  /** Ends the redrawn line so the next output starts on its own line. */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
