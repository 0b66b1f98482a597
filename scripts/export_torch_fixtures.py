#!/usr/bin/python3
"""Export PyTorch reference fixtures for the CPU reference ops (an independent oracle).

Run (from the repository root, with Debian's python3-torch, NOT the pyenv python3 on PATH):

    /usr/bin/python3 scripts/export_torch_fixtures.py

It writes test/fixtures/torch/<op>.json. It was run once and its output committed; rerun it only
when a case is added or changed (output is deterministic: fixed seeds, float64 throughout).
test/reference/torch-fixtures.test.ts checks src/reference/*.ts against these files.

What it is not: a gradient checker (that is finite differences in test/reference) and not a
source of timings. Field names follow /work/notes/reference-api.md (batch, inChannels, ...).

Conventions:
- Inputs, weights, labels and grads are put on a 1/1024 grid in [-8, 8], so each value is exact
  in float32 and in float64 and short in JSON: the Float32 and Float64 tests start from identical
  numbers, and only the computation differs.
- Everything torch computes is float64 and stored with 12 significant digits (relative 5e-13,
  far below the 1e-9 tolerance the Float64 test uses).
- Gradients are of loss = sum(output * upstream) with `upstream` random and stored, except
  softmax_cross_entropy and bce_logits, where dLogits is the gradient of the mean of the per-row
  losses. conv_transpose2d and bce_logits were added last, so the earlier files are unchanged.
- max_pool2d inputs are a shuffled, distinct set of grid values, so no window has ties (in
  float32 either) and argmax is unambiguous.
"""

import json
import os
import sys

import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'torch')
GRID = 1024.0


def grid_randn(*shape, scale=1.0):
    """Normal values rounded to multiples of 1/1024, clamped to [-8, 8] (exact in float32)."""
    x = torch.randn(*shape, dtype=torch.float64) * scale
    return (x * GRID).round().clamp(-8 * GRID, 8 * GRID) / GRID


def distinct_grid(*shape):
    """A random permutation of distinct grid values: no ties anywhere in the tensor."""
    n = 1
    for s in shape:
        n *= s
    perm = torch.randperm(n).to(torch.float64)
    return ((perm - n // 2) * 5 / GRID).reshape(*shape)


def flat(t):
    """Float tensor -> list of floats with 12 significant digits (shortest repr after rounding)."""
    return [float('%.12g' % v) for v in t.detach().reshape(-1).tolist()]


def exact(t):
    """Grid tensor -> list of floats, unrounded (the values are exact binary fractions)."""
    values = t.detach().reshape(-1).tolist()
    assert all(v * GRID == round(v * GRID) for v in values), 'input not on the 1/1024 grid'
    return values


def grads_of(output, upstream, named):
    """Gradients of sum(output * upstream) w.r.t. each named leaf tensor."""
    (output * upstream).sum().backward()
    return {name: flat(t.grad) for name, t in named.items()}


def conv2d_case(name, batch, in_c, in_h, in_w, out_c, k_h, k_w, stride, padding):
    x = grid_randn(batch, in_c, in_h, in_w).requires_grad_()
    fan_in = in_c * k_h * k_w
    w = grid_randn(out_c, in_c, k_h, k_w, scale=fan_in**-0.5).requires_grad_()
    b = grid_randn(out_c, scale=0.5).requires_grad_()
    y = F.conv2d(x, w, b, stride=stride, padding=padding)
    up = grid_randn(*y.shape)
    grads = grads_of(y, up, {'input': x, 'weight': w, 'bias': b})
    params = dict(batch=batch, inChannels=in_c, inHeight=in_h, inWidth=in_w, outChannels=out_c,
                  kernelH=k_h, kernelW=k_w, stride=stride, padding=padding)
    return dict(name=name, params=params, outputShape=list(y.shape),
                inputs=dict(input=exact(x), weight=exact(w), bias=exact(b)), upstream=exact(up),
                outputs=dict(output=flat(y)), grads=grads)


def max_pool2d_case(name, batch, channels, in_h, in_w, kernel, stride):
    x = distinct_grid(batch, channels, in_h, in_w).requires_grad_()
    y, plane_index = F.max_pool2d(x, kernel, stride, return_indices=True)
    # torch's index is within one (n, c) plane; the contract's argmax indexes the whole tensor.
    plane_base = (torch.arange(batch * channels) * in_h * in_w).reshape(batch, channels, 1, 1)
    argmax = (plane_index + plane_base).reshape(-1).tolist()
    up = grid_randn(*y.shape)
    grads = grads_of(y, up, {'input': x})
    params = dict(batch=batch, channels=channels, inHeight=in_h, inWidth=in_w, kernel=kernel, stride=stride)
    return dict(name=name, params=params, outputShape=list(y.shape), inputs=dict(input=exact(x)),
                upstream=exact(up), outputs=dict(output=flat(y), argmax=argmax), grads=grads)


def avg_pool2d_case(name, batch, channels, in_h, in_w, kernel, stride):
    x = grid_randn(batch, channels, in_h, in_w).requires_grad_()
    y = F.avg_pool2d(x, kernel, stride)
    up = grid_randn(*y.shape)
    grads = grads_of(y, up, {'input': x})
    params = dict(batch=batch, channels=channels, inHeight=in_h, inWidth=in_w, kernel=kernel, stride=stride)
    return dict(name=name, params=params, outputShape=list(y.shape), inputs=dict(input=exact(x)),
                upstream=exact(up), outputs=dict(output=flat(y)), grads=grads)


def dense_case(name, batch, in_f, out_f):
    x = grid_randn(batch, in_f).requires_grad_()
    w = grid_randn(out_f, in_f, scale=in_f**-0.5).requires_grad_()
    b = grid_randn(out_f, scale=0.5).requires_grad_()
    y = F.linear(x, w, b)
    up = grid_randn(*y.shape)
    grads = grads_of(y, up, {'input': x, 'weight': w, 'bias': b})
    params = dict(batch=batch, inFeatures=in_f, outFeatures=out_f)
    return dict(name=name, params=params, outputShape=list(y.shape),
                inputs=dict(input=exact(x), weight=exact(w), bias=exact(b)), upstream=exact(up),
                outputs=dict(output=flat(y)), grads=grads)


def activation_case(name, activation, shape):
    x = grid_randn(*shape, scale=2.0).requires_grad_()
    fn = {'none': lambda t: t, 'relu': torch.relu, 'sigmoid': torch.sigmoid, 'tanh': torch.tanh}[activation]
    y = fn(x)
    up = grid_randn(*y.shape)
    grads = grads_of(y, up, {'input': x})
    return dict(name=name, params=dict(activation=activation), outputShape=list(y.shape),
                inputs=dict(input=exact(x)), upstream=exact(up), outputs=dict(output=flat(y)), grads=grads)


def softmax_cross_entropy_case(name, logits, labels):
    logits = logits.clone().requires_grad_()
    labels_t = torch.tensor(labels, dtype=torch.int64)
    batch, classes = logits.shape
    loss_per_row = F.cross_entropy(logits, labels_t, reduction='none')
    probs = torch.softmax(logits, dim=1)
    # Ties cannot occur in these logits, so torch's argmax agrees with "first max wins".
    correct = (logits.argmax(dim=1) == labels_t).to(torch.int64).tolist()
    mean_loss = F.cross_entropy(logits, labels_t, reduction='mean')
    mean_loss.backward()
    return dict(name=name, params=dict(batch=batch, classes=classes), outputShape=[batch, classes],
                inputs=dict(logits=exact(logits), labels=labels),
                outputs=dict(lossPerRow=flat(loss_per_row), probs=flat(probs), correct=correct,
                             meanLoss=float('%.12g' % mean_loss.item())),
                grads=dict(logits=flat(logits.grad)))


def optimizer_case(name, kind, hyper, size, steps=3):
    """Runs torch.optim on one parameter tensor with fixed, stored grads; records every state."""
    param = grid_randn(size).requires_grad_()
    initial = exact(param)
    if kind == 'sgd':
        opt = torch.optim.SGD([param], lr=hyper['learningRate'], momentum=hyper['momentum'],
                              weight_decay=hyper['weightDecay'], dampening=0, nesterov=False)
    else:
        opt = torch.optim.Adam([param], lr=hyper['learningRate'], betas=(hyper['beta1'], hyper['beta2']),
                               eps=hyper['epsilon'], weight_decay=hyper['weightDecay'], amsgrad=False)
    trajectory = []
    for _ in range(steps):
        grad = grid_randn(size)
        param.grad = grad.clone()
        opt.step()
        state = opt.state[param]
        record = dict(grads=exact(grad), params=flat(param))
        if kind == 'sgd':
            record['velocity'] = flat(state['momentum_buffer'])
        else:
            record['m'] = flat(state['exp_avg'])
            record['v'] = flat(state['exp_avg_sq'])
        trajectory.append(record)
    return dict(name=name, params=hyper, initialParams=initial, steps=trajectory)


def conv_transpose2d_case(name, batch, in_c, in_h, in_w, out_c, k_h, k_w, stride, padding):
    """Weight is torch's [in, out, kH, kW]; fan-in of one output pixel ~ in*(k/stride)^2."""
    x = grid_randn(batch, in_c, in_h, in_w).requires_grad_()
    fan_in = in_c * k_h * k_w / stride**2
    w = grid_randn(in_c, out_c, k_h, k_w, scale=fan_in**-0.5).requires_grad_()
    b = grid_randn(out_c, scale=0.5).requires_grad_()
    y = F.conv_transpose2d(x, w, b, stride=stride, padding=padding)
    up = grid_randn(*y.shape)
    grads = grads_of(y, up, {'input': x, 'weight': w, 'bias': b})
    params = dict(batch=batch, inChannels=in_c, inHeight=in_h, inWidth=in_w, outChannels=out_c,
                  kernelH=k_h, kernelW=k_w, stride=stride, padding=padding)
    return dict(name=name, params=params, outputShape=list(y.shape),
                inputs=dict(input=exact(x), weight=exact(w), bias=exact(b)), upstream=exact(up),
                outputs=dict(output=flat(y)), grads=grads)


def bce_logits_case(name, rows, cols, logit_scale):
    """Per-row sum of BCE-with-logits; dLogits is the gradient of the MEAN over rows."""
    logits = grid_randn(rows, cols, scale=logit_scale).requires_grad_()
    targets = (torch.rand(rows, cols, dtype=torch.float64) * GRID).round() / GRID
    per_row = F.binary_cross_entropy_with_logits(logits, targets, reduction='none').sum(dim=1)
    per_row.mean().backward()
    return dict(name=name, params=dict(rows=rows, cols=cols), outputShape=[rows, cols],
                inputs=dict(logits=exact(logits), targets=exact(targets)),
                outputs=dict(lossPerRow=flat(per_row)), grads=dict(logits=flat(logits.grad)))


def conv_transpose2d_cases():
    return [
        conv_transpose2d_case('conv_transpose2d_4x4_stride2_pad1_b3_c5', 3, 5, 4, 5, 3, 4, 4, 2, 1),
        conv_transpose2d_case('conv_transpose2d_3x3_b1_c1', 1, 1, 5, 4, 3, 3, 3, 1, 0),
        conv_transpose2d_case('conv_transpose2d_1x1_stride2_b2_c3', 2, 3, 3, 4, 5, 1, 1, 2, 0),
        conv_transpose2d_case('conv_transpose2d_7x7_pad2_b1_c3', 1, 3, 3, 2, 2, 7, 7, 1, 2),
        conv_transpose2d_case('conv_transpose2d_3x5_stride3_pad2_b2_c4', 2, 4, 3, 3, 3, 3, 5, 3, 2),
    ]


def bce_logits_cases():
    return [bce_logits_case('bce_logits_r3_c17', 3, 17, 2.0), bce_logits_case('bce_logits_large_r2_c9', 2, 9, 40.0)]


def conv2d_cases():
    return [
        conv2d_case('conv2d_3x3_odd_b3_c3', 3, 3, 9, 11, 5, 3, 3, 1, 0),
        conv2d_case('conv2d_1x1_b1_c5', 1, 5, 7, 6, 3, 1, 1, 1, 0),
        conv2d_case('conv2d_7x7_pad1_b1_c3', 1, 3, 11, 10, 4, 7, 7, 1, 1),
        conv2d_case('conv2d_3x3_stride2_pad1_b3_c5', 3, 5, 9, 8, 3, 3, 3, 2, 1),
        conv2d_case('conv2d_5x5_pad2_b2_c1', 2, 1, 10, 9, 6, 5, 5, 1, 2),
        conv2d_case('conv2d_3x5_stride2_pad2_b1_c3', 1, 3, 8, 9, 5, 3, 5, 2, 2),
        conv2d_case('conv2d_2x2_stride3_b2_c5', 2, 5, 8, 10, 3, 2, 2, 3, 0),
    ]


def max_pool2d_cases():
    return [
        max_pool2d_case('max_pool2d_k2s2_odd_b3_c5', 3, 5, 7, 9, 2, 2),
        max_pool2d_case('max_pool2d_k3s2_overlap_b2_c3', 2, 3, 9, 11, 3, 2),
        max_pool2d_case('max_pool2d_k2s3_gaps_b1_c4', 1, 4, 10, 8, 2, 3),
    ]


def avg_pool2d_cases():
    return [
        avg_pool2d_case('avg_pool2d_k2s2_odd_b3_c5', 3, 5, 7, 9, 2, 2),
        avg_pool2d_case('avg_pool2d_k3s2_overlap_b2_c3', 2, 3, 9, 11, 3, 2),
    ]


def dense_cases():
    return [
        dense_case('dense_b1_in7_out3', 1, 7, 3),
        dense_case('dense_b5_in13_out10', 5, 13, 10),
        dense_case('dense_b3_in50_out11', 3, 50, 11),
    ]


def activation_cases():
    return [activation_case('activation_' + a, a, (3, 17)) for a in ('none', 'relu', 'sigmoid', 'tanh')]


def softmax_cross_entropy_cases():
    random_logits = grid_randn(4, 10, scale=2.0)
    # Large logits: a naive exp() overflows to Inf; a stable implementation must not. Row 1 has a
    # loss of about 2000 (label on the -1000 logit); row 2 mixes +-1000 with ordinary values.
    large = torch.tensor([[1000.0, 999.5, 0.0, -3.25, 998.0, 12.0, -1000.0],
                          [1000.0, -1000.0, 0.5, 0.25, -0.5, 1.0, 2.0],
                          [-1000.0, 3.0, 1000.0, 999.75, -999.0, 0.0, 7.5],
                          [1000.0, 1000.25, 1000.5, 1000.125, 999.875, 1000.375, 999.0],
                          [-1000.0, -999.5, -1001.0, -998.25, -1000.5, -999.0, -1002.0]], dtype=torch.float64)
    return [
        softmax_cross_entropy_case('softmax_cross_entropy_b4_k10', random_logits, [3, 0, 9, 5]),
        softmax_cross_entropy_case('softmax_cross_entropy_b1_k3', torch.tensor([[0.5, -1.25, 2.0]]), [2]),
        softmax_cross_entropy_case('softmax_cross_entropy_large_b5_k7', large, [1, 1, 2, 2, 3]),
    ]


def optimizer_cases():
    return {
        'sgd': [
            optimizer_case('sgd_momentum0.9_wd0.01', 'sgd',
                           dict(learningRate=0.05, momentum=0.9, weightDecay=0.01), 37),
            optimizer_case('sgd_momentum0.5_wd0.2', 'sgd',
                           dict(learningRate=0.3, momentum=0.5, weightDecay=0.2), 23),
        ],
        'adam': [
            optimizer_case('adam_default_betas_wd0.1', 'adam',
                           dict(learningRate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, weightDecay=0.1), 37),
            optimizer_case('adam_betas0.8_0.99_eps1e-6_wd0.02', 'adam',
                           dict(learningRate=0.05, beta1=0.8, beta2=0.99, epsilon=1e-6, weightDecay=0.02), 23),
        ],
    }


def main():
    torch.manual_seed(20240601)
    torch.set_default_dtype(torch.float64)
    files = {
        'conv2d': conv2d_cases(),
        'max_pool2d': max_pool2d_cases(),
        'avg_pool2d': avg_pool2d_cases(),
        'dense': dense_cases(),
        'activation': activation_cases(),
        'softmax_cross_entropy': softmax_cross_entropy_cases(),
        **optimizer_cases(),
        # Added later; last, so the cases above keep their random streams and committed files.
        'conv_transpose2d': conv_transpose2d_cases(),
        'bce_logits': bce_logits_cases(),
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for op, cases in files.items():
        doc = dict(generator='scripts/export_torch_fixtures.py', torch=torch.__version__, op=op, cases=cases)
        text = json.dumps(doc, separators=(',', ':')) + '\n'
        with open(os.path.join(OUT_DIR, op + '.json'), 'w') as f:
            f.write(text)
        total += len(text)
        print(f'{op}.json: {len(cases)} cases, {len(text)} bytes')
    print(f'total {total} bytes', file=sys.stderr)


if __name__ == '__main__':
    main()
