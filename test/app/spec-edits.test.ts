// The layer editor's edits on a draft: layers are added where their kind belongs, removed, moved
// and changed, the input is kept, the preset name dropped, and the original draft never changes.
import { describe, expect, it } from 'vitest';
import { decodeSpec, encodeSpec } from '../../src/app/spec-codec.ts';
import { addLayer, moveLayer, removeLayer, setLayerField } from '../../src/app/spec-edits.ts';
import { preset } from '../../src/model/presets.ts';

describe('spec edits', () => {
  it('adds each kind where it belongs', () => {
    const spec = decodeSpec('c5x6r.m2.f20r.k11');
    expect(encodeSpec(addLayer(spec, 'conv'))).toBe('c5x6r.m2.c3x8p1r.f20r.k11');
    expect(encodeSpec(addLayer(spec, 'pool'))).toBe('c5x6r.m2.m2.f20r.k11');
    expect(encodeSpec(addLayer(spec, 'fc'))).toBe('c5x6r.m2.f20r.f64r.k11');
    expect(encodeSpec(addLayer(removeLayer(spec, 3), 'classify'))).toBe('c5x6r.m2.f20r.k10');
    expect(encodeSpec(addLayer(spec, 'classify'))).toBe('c5x6r.m2.f20r.k11.k11');
  });

  it('removes, moves and changes layers without touching the original', () => {
    const spec = preset('lenet5');
    const before = structuredClone(spec);
    expect(encodeSpec(removeLayer(spec, 5))).toBe('c5x6p2r.m2.c5x16r.m2.f120r.k10');
    expect(encodeSpec(moveLayer(spec, 1, -1))).toBe('m2.c5x6p2r.c5x16r.m2.f120r.f84r.k10');
    expect(encodeSpec(moveLayer(spec, 6, 1))).toBe('lenet5');
    expect(moveLayer(spec, 6, 1).name).toBeUndefined();
    const changed = setLayerField(setLayerField(spec, 0, 'filters', 9), 0, 'activation', 'tanh');
    expect(encodeSpec(changed)).toBe('c5x9p2t.m2.c5x16r.m2.f120r.f84r.k10');
    expect(changed.input).toEqual(spec.input);
    expect(spec).toEqual(before);
  });
});
