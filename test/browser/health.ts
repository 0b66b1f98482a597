// Entry of the health view demo page (health.html): mounts <cs-health-view> with synthetic data
// covering every flag. Not a test; the browser test and screenshots use it.

import type { HealthView } from '../../src/app/view-types.ts';
import '../../src/ui/health-view.ts';

const range = (min: number, max: number, rms: number) => ({ min, max, mean: (min + max) / 4, rms });

export const demoHealth: HealthView = {
  step: 1200,
  layers: [
    {
      layerIndex: 0,
      label: 'conv 5x5 x6',
      activation: range(0, 2.41, 0.62),
      deadFraction: 0,
      weight: range(-0.42, 0.45, 0.19),
      gradient: range(-0.011, 0.009, 0.0021),
      updateRatio: 0.0013,
    },
    {
      layerIndex: 1,
      label: 'maxpool 2',
      activation: range(0, 2.41, 0.9),
      deadFraction: 0,
      weight: null,
      gradient: null,
      updateRatio: null,
    },
    {
      layerIndex: 2,
      label: 'conv 5x5 x16',
      activation: range(0, 7.9, 1.3),
      deadFraction: 0.625,
      weight: range(-0.31, 0.3, 0.09),
      gradient: range(-0.05, 0.06, 0.008),
      updateRatio: 0.034,
    },
    {
      layerIndex: 3,
      label: 'fc 120',
      activation: range(0, 0.002, 0.0004),
      deadFraction: 0.1,
      weight: range(-0.06, 0.06, 0.03),
      gradient: range(-1e-7, 1e-7, 2e-8),
      updateRatio: 3e-6,
    },
    {
      layerIndex: 4,
      label: 'classify 10',
      activation: range(-4.1, 6.3, 2.2),
      deadFraction: 0,
      weight: range(-0.2, 0.22, 0.08),
      gradient: range(NaN, NaN, NaN),
      updateRatio: NaN,
    },
  ],
};

document.querySelector('cs-health-view')!.health = demoHealth;
document.body.dataset.ready = 'true';
