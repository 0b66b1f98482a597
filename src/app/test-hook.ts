// The read-only test hook the app page exposes as `window.convscope` so end-to-end tests
// (test/e2e/) can read what the page shows without scraping shadow DOM: state() returns a plain,
// JSON-clonable summary of the session. Types only; src/main.ts installs it (e.g. always, or only
// when the URL has `e2e`, as the lead decides). Tests act through the UI; the one exception is
// loseDevice(), which simulates what no UI can do: the GPU device going away.

import type { DatasetName } from '../data/dataset.ts';

export interface AppTestState {
  /** 'checking' until createGpu() settles; 'unavailable' shows the banner (CPU still works). */
  webgpu: 'checking' | 'ready' | 'unavailable';
  backend: 'gpu' | 'cpu';
  dataset: { name: DatasetName; status: 'loading' | 'ready' | 'error'; message: string | null };
  /** The spec in the editor: its layer count and the first validation message shown, if any. */
  spec: { name: string | null; layers: number; error: string | null };
  training: 'idle' | 'running' | 'paused' | 'error';
  /**
   * The failure the page shows, or null: the run's error (a dataset that did not load, a network
   * that cannot be built), else the first error notice (a NaN loss naming the layer, a file that
   * could not be opened, a lost device with no new one). A lost device that was recovered is a
   * notice, not an error.
   */
  error: string | null;
  /** Every notice shown, oldest first (e.g. "Resumed from step 120 (saved 14:02:09).", device loss). */
  notices: string[];
  epoch: number;
  /** Training steps done in the whole run. */
  step: number;
  /** What the loss/accuracy charts plot, one point per report, oldest first. */
  history: { step: number; loss: number; trainAccuracy: number; testAccuracy: number | null }[];
  /** Accuracy of the latest test-set evaluation (0..1), or null before the first. */
  testAccuracy: number | null;
  /** Training images per second over the last report, or null. */
  imagesPerSecond: number | null;
  /** Step of the filters the filter grid shows now, or null before any. */
  filtersStep: number | null;
  /** spec.layers indices of the conv and pool layers whose feature maps are drawn now. */
  featureMapLayers: number[];
  /** Top classes of the digit on the drawing pad, best first, or null when nothing is drawn. */
  drawnPrediction: { label: number; probability: number }[] | null;
  /**
   * Where the current run came from when the page started or since: resumed from the autosave at
   * start-up, or opened from a .convscope file; null for a run built here (Reset, Start fresh and
   * a new network, dataset, seed or backend make it null again).
   */
  restoredFrom: 'autosave' | 'upload' | null;
  /**
   * Step of the last autosave that completed (one is made every ~10 s of training and when training
   * pauses or steps; equal to `step` once a pause is saved), and the last autosave failure message.
   */
  autosave: { savedStep: number | null; error: string | null };
  /** GPU devices the page has opened: 1 after start with WebGPU, +1 for each lost device recovered. */
  gpuDevices: number;
}

export interface ConvscopeHook {
  state(): AppTestState;
  /**
   * Test only: destroys the page's GPU device, as a lost device. A run on the GPU backend then
   * shows a notice and resumes from its last snapshot on a new device (training again if it was).
   * Returns false when there is no device (no WebGPU).
   */
  loseDevice(): boolean;
}

declare global {
  interface Window {
    convscope?: ConvscopeHook;
  }
}
