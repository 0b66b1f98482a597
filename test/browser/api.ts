// The contract between the Chromium test page (main.ts) and the Node side (test/helpers/browser.ts):
// what `window.convscopeTests` offers. Types only, so both sides can import it.

import type { AdapterSummary } from '../../src/runtime/gpu.ts';
import type { CheckReport } from '../gpu-checks/check.ts';

export interface AdapterReport {
  summary: AdapterSummary;
  description: string;
  /** Milliseconds from the first request to a ready device (adapter + device). */
  createMs: number;
}

export interface ConvscopeTestApi {
  adapter(): Promise<AdapterReport>;
  runCheck(name: string): Promise<CheckReport>;
  checkNames(): string[];
}

declare global {
  interface Window {
    convscopeTests?: ConvscopeTestApi;
  }
}
