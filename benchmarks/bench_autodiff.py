#!/usr/bin/env python3
"""The course's reverse-mode engine (course_lib.autodiff) beside autograd: time of one
gradient of a two-layer network's loss (tanh hidden layer, softmax cross-entropy) with
respect to all four weight arrays, on the same inputs. Median of repeats; prints numbers,
asserts nothing (lesson 02, "On your own").

    .venv/bin/python benchmarks/bench_autodiff.py [--repeats 200]
"""
from __future__ import annotations

import argparse
import statistics
import time

import autograd
import autograd.numpy as anp
import numpy as np

from course_lib import autodiff

SIZES = [("small", 32, 8, 16, 4), ("medium", 256, 64, 128, 10)]  # batch, inputs, hidden, classes


def make_problem(batch, n_in, n_hidden, n_out, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, size=batch)]
    params = [rng.normal(size=(n_in, n_hidden)) / np.sqrt(n_in), np.zeros(n_hidden),
              rng.normal(size=(n_hidden, n_out)) / np.sqrt(n_hidden), np.zeros(n_out)]
    return X, Y, params


def engine_grad(X, Y):
    def loss(params):
        W1, b1, W2, b2 = params
        hidden = (X @ W1 + b1).tanh()
        logits = hidden @ W2 + b2
        log_probs = logits - logits.exp().sum(axis=1, keepdims=True).log()
        return -(Y * log_probs).sum() / len(X)

    def gradient(params):
        tensors = [autodiff.Tensor(p) for p in params]
        loss(tensors).backward()
        return [t.grad for t in tensors]

    return gradient


def autograd_grad(X, Y):
    def loss(params):
        W1, b1, W2, b2 = params
        hidden = anp.tanh(X @ W1 + b1)
        logits = hidden @ W2 + b2
        log_probs = logits - anp.log(anp.sum(anp.exp(logits), axis=1, keepdims=True))
        return -anp.sum(Y * log_probs) / len(X)

    return autograd.grad(loss)


def median_seconds(fn, arg, repeats):
    fn(arg)  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args(argv)
    print(f"gradient of a two-layer network's loss, median of {args.repeats} repeats")
    print(f"{'problem':28s} {'engine':>10s} {'autograd':>10s} {'engine/autograd':>16s} {'max |diff|':>11s}")
    for name, *shape in SIZES:
        X, Y, params = make_problem(*shape)
        ours, theirs = engine_grad(X, Y), autograd_grad(X, Y)
        diff = max(float(np.max(np.abs(a - b))) for a, b in zip(ours(params), theirs(params)))
        t_ours = median_seconds(ours, params, args.repeats)
        t_theirs = median_seconds(theirs, params, args.repeats)
        label = f"{name} {shape[0]}x{shape[1]}-{shape[2]}-{shape[3]}"
        print(f"{label:28s} {t_ours * 1e6:8.0f} µs {t_theirs * 1e6:8.0f} µs "
              f"{t_ours / t_theirs:16.2f} {diff:11.1e}")


if __name__ == "__main__":
    main()
