#!/usr/bin/env python3
"""Cost of the learning-rate range test (lesson 06) and latency of its explorer.

Prints (asserts nothing, timings are noisy):

* a 100-step range test on the digit network (64-32-10 MLP, batches of 32, SGD, early stop
  switched off so all 100 steps run) against 100 plain training steps of the same network
  with the same autograd gradient and SGD update: medians over repeats, and their ratio
  (the range test's overhead: a deep copy, the moving average, the stop check);
* the in-process update time of ``lr_finder_explorer`` (control change -> new PNG ready)
  over changes of the smoothing, the range and the method: median and max, target
  well under 30 ms.

Run from the repository root: ``.venv/bin/python benchmarks/bench_lr_finder.py``.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
from autograd import value_and_grad  # noqa: E402

from _timing import median_ms  # noqa: E402
from course_lib import data, lr_finder, models, training  # noqa: E402
from course_lib.optimizers import SGD  # noqa: E402

REPEATS = 15




def range_test_vs_training() -> None:
    split = data.digits_split()
    net = models.init_mlp((64, 32, 10), seed=0)
    objective = training.loss_fn("mlp", "cross_entropy")
    batches = list(data.minibatches(split.x_train, split.y_train, 32, seed=0))
    vg = value_and_grad(objective)
    opt = SGD()
    rates = lr_finder.sweep_rates(1e-7, 10.0, 100)

    def plain_steps():
        p, state = net, opt.init(net)
        for i in range(100):
            value, grads = vg(p, batches[i % len(batches)])
            float(value)
            p, state = opt.step(p, grads, state, rates[i])

    def range_test():
        res = lr_finder.lr_range_test(objective, net, batches, steps=100, diverge_factor=None)
        assert len(res) == 100

    plain_steps(), range_test()        # warm up
    t_plain, _ = median_ms(plain_steps, REPEATS)
    t_test, _ = median_ms(range_test, REPEATS)
    print(f"100 plain training steps (autograd + SGD):  median {t_plain:7.2f} ms "
          f"({1e3 * t_plain / 100:.0f} us per step)")
    print(f"100-step range test:                       median {t_test:7.2f} ms")
    print(f"ratio range test / plain steps:            {t_test / t_plain:.3f}")


def explorer_latency() -> None:
    from course_lib.widgets.lr_finder import lr_finder_explorer

    start = time.perf_counter()
    ex = lr_finder_explorer()
    print(f"explorer built (one 350-step sweep + first picture): "
          f"{time.perf_counter() - start:.2f} s")
    moves = ([dict(smoothing=b) for b in np.round(np.linspace(0.5, 0.99, 12), 2)]
             + [dict(lr_range=r) for r in [(-5.0, 1.0), (-4.0, 0.5), (-3.0, 0.0), (-6.0, 1.0)]]
             + [dict(method=m) for m in ("valley", "minimum", "steepest")]
             + [dict(bias_correction=False), dict(bias_correction=True)])
    times = {}
    for rnd in ("first visit", "revisit"):
        times[rnd] = []
        for move in moves:
            ex.set(**move)
            times[rnd].append(ex.last_update_seconds * 1e3)
    for rnd, t in times.items():
        print(f"explorer update ({rnd:>11}, {len(t)} moves): median {statistics.median(t):6.2f} ms, "
              f"max {max(t):6.2f} ms")
    # the pure part of an update: re-smooth and re-suggest, no drawing
    res = ex.result
    t_view, _ = median_ms(lambda: res.view(smoothing=0.95, diverge_factor=4.0).suggest("valley"),
                          50)
    print(f"view + suggestion alone (350 points):      median {t_view:6.3f} ms")


if __name__ == "__main__":
    range_test_vs_training()
    explorer_latency()
