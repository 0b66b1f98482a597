#!/usr/bin/python3
"""Check that convscope's .safetensors export loads into the equivalent PyTorch nn.Sequential.

Run (from the repository root, with Debian's python3-torch, NOT the pyenv python3 on PATH):

    /usr/bin/python3 scripts/check_safetensors.py

It runs `npx tsx scripts/export_safetensors_sample.ts <tmp>` (lenet5, seed and an odd network with
avg pooling, 'none' activations and a non-square kernel), then for each network: parses the file
by hand (the safetensors package is not installed: struct + json + torch.frombuffer), builds the
nn.Sequential from the spec in the file's metadata following docs/checkpoints.md (independently of
src/model/safetensors.ts), loads the tensors with load_state_dict(strict=True), runs one forward on
the stored input and prints the largest difference from the logits of our CPU backend.
Exits 1 if any difference exceeds 1e-4. Not part of vitest: CI has no torch.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
TOLERANCE = 1e-4
ACTIVATIONS = {'relu': nn.ReLU, 'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh, 'none': None}


def read_safetensors(path):
    """(tensors by name, metadata) from the published layout: u64 LE length, JSON header, raw data."""
    with open(path, 'rb') as f:
        data = f.read()
    (length,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop('__metadata__', {})
    body = bytearray(data[8 + length:])
    tensors = {}
    for name, entry in header.items():
        assert entry['dtype'] == 'F32', entry
        begin, end = entry['data_offsets']
        tensors[name] = torch.frombuffer(body[begin:end], dtype=torch.float32).reshape(entry['shape']).clone()
    return tensors, metadata


def sequential(spec):
    """nn.Sequential for a convscope spec (docs/checkpoints.md): shapes are tracked to size Linear."""
    c, h, w = spec['input']['channels'], spec['input']['height'], spec['input']['width']
    modules, flat = [], None
    for layer in spec['layers']:
        kind = layer['kind']
        if kind == 'conv':
            k = layer['kernel'] if isinstance(layer['kernel'], list) else [layer['kernel']] * 2
            s, p = layer.get('stride', 1), layer.get('padding', 0)
            modules.append(nn.Conv2d(c, layer['filters'], kernel_size=tuple(k), stride=s, padding=p))
            c, h, w = layer['filters'], (h + 2 * p - k[0]) // s + 1, (w + 2 * p - k[1]) // s + 1
        elif kind == 'pool':
            size, s = layer['size'], layer.get('stride', layer['size'])
            pool = nn.MaxPool2d if layer['mode'] == 'max' else nn.AvgPool2d
            modules.append(pool(kernel_size=size, stride=s))
            h, w = (h - size) // s + 1, (w - size) // s + 1
        else:
            if flat is None:
                modules.append(nn.Flatten())
                flat = c * h * w
            units = layer['units'] if kind == 'fc' else layer['classes']
            modules.append(nn.Linear(flat, units))
            flat = units
        activation = ACTIVATIONS.get(layer.get('activation', 'none'))
        if activation is not None:
            modules.append(activation())
    return nn.Sequential(*modules)


def main():
    out = tempfile.mkdtemp(prefix='convscope-safetensors-')
    subprocess.run(['npx', 'tsx', 'scripts/export_safetensors_sample.ts', out], cwd=ROOT, check=True)
    worst = 0.0
    for name in ['lenet5', 'seed', 'odd']:
        tensors, metadata = read_safetensors(os.path.join(out, f'{name}.safetensors'))
        model = sequential(json.loads(metadata['convscope.spec']))
        model.load_state_dict(tensors, strict=True)
        sample, _ = read_safetensors(os.path.join(out, f'{name}.sample.safetensors'))
        with torch.no_grad():
            logits = model(sample['input'])
        diff = (logits - sample['logits']).abs().max().item()
        worst = max(worst, diff)
        print(f'{name}: {len(tensors)} tensors loaded strictly, logits {tuple(logits.shape)}, '
              f'max |torch - convscope CPU| = {diff:.3g}')
    print(f'worst difference {worst:.3g} (tolerance {TOLERANCE})')
    sys.exit(0 if worst <= TOLERANCE else 1)


if __name__ == '__main__':
    main()
