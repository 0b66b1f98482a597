// Adapter labels and result-file slugs.

import { describe, expect, it } from 'vitest';
import { adapterLabel, adapterSlug, isSwiftShader } from '../../bench/labels.ts';

const swiftshader = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: '',
  isFallbackAdapter: true,
};
const nvidia = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: '',
  description: '',
  isFallbackAdapter: false,
};

describe('labels', () => {
  it('names the adapter, its fallback flag and the runtime', () => {
    expect(adapterLabel(swiftshader, 'Chromium 156')).toBe(
      'google swiftshader (fallback adapter), Chromium 156',
    );
    expect(adapterLabel({ ...nvidia, description: 'NVIDIA H200' }, 'Node')).toBe('NVIDIA H200, Node');
  });

  it('slugs SwiftShader and real GPUs for file names', () => {
    expect(isSwiftShader(swiftshader)).toBe(true);
    expect(adapterSlug(swiftshader)).toBe('swiftshader');
    expect(isSwiftShader(nvidia)).toBe(false);
    expect(adapterSlug(nvidia)).toBe('nvidia-hopper');
    expect(adapterSlug({ ...nvidia, vendor: '', architecture: '', description: 'Some GPU (R)' })).toBe(
      'some-gpu-r',
    );
  });
});
