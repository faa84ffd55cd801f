#!/usr/bin/env python3
"""Speed of the training loop (lesson 04 onwards) and of lessons 03 / 04's explorers.

Prints (asserts nothing, timings are noisy):

* one training epoch of the digit network (64-32-10 MLP, 1438 images, batch 32, SGD /
  momentum / Adam): median over 7 epochs, in ms, and the time per step, with fit's
  gradient from ``course_lib.backprop`` (its default for this network) and from autograd
  (a ``grad_fn`` that traces the same loss), side by side;
* ``evaluate`` on the validation set, and a 25 x 25 loss-plane slice of the network;
* the in-process update time of the surface explorer (lesson 03) and of the training
  explorer (lesson 04; a first visit to a setting and a cached revisit), median and max
  over about 20 control changes per control (control change -> new PNG ready), target
  under 50 ms.

Run from the repository root: ``.venv/bin/python benchmarks/bench_training.py``.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from autograd import value_and_grad  # noqa: E402

from _timing import median_ms  # noqa: E402
from course_lib import data, models, surfaces, training  # noqa: E402




def training_epoch() -> None:
    split = data.digits_split()
    net = models.init_mlp((64, 32, 10), seed=0)
    steps = int(np.ceil(len(split.x_train) / 32))
    print(f"digit network 64-32-10, {len(split.x_train)} training images, batch 32 "
          f"({steps} steps per epoch)")
    objective = training.loss_fn("mlp", "cross_entropy")
    traced = value_and_grad(lambda p, xb, yb: objective(p, (xb, yb)))
    print(f"{'optimizer':<10} {'gradient':<10} {'median ms/epoch':>16} {'max ms':>8} {'us/step':>8}"
          f" {'autograd / backprop':>20}")
    for opt, lr in [("sgd", 0.1), ("momentum", 0.05), ("adam", 3e-3)]:
        per_step = {}
        for label, grad_fn in (("backprop", None), ("autograd", traced)):
            def one_epoch():
                training.fit(net, "mlp", split.x_train, split.y_train, loss="cross_entropy",
                             optimizer=opt, lr=lr, epochs=1, batch_size=32, eval_train=False,
                             verbose=0, grad_fn=grad_fn)
            med, worst = median_ms(one_epoch, 7)
            per_step[label] = med / steps * 1e3
            ratio = f"{per_step['autograd'] / per_step['backprop']:20.1f}" if label == "autograd" else ""
            print(f"{opt:<10} {label:<10} {med:16.1f} {worst:8.1f} {per_step[label]:8.0f} {ratio}")
    med, _ = median_ms(lambda: training.evaluate(net, "mlp", split.x_val, split.y_val,
                                                  "cross_entropy"), 20)
    print(f"evaluate on {len(split.x_val)} validation images: {med:.2f} ms")
    loss = lambda p: models.cross_entropy(models.mlp(p, split.x_val), split.y_val)  # noqa: E731
    d1, d2 = surfaces.random_direction(net, seed=1), surfaces.random_direction(net, seed=2)
    grid = np.linspace(-1, 1, 25)
    for vec in (True, False):
        med, _ = median_ms(lambda: surfaces.loss_plane(loss, net, d1, d2, grid, grid,
                                                        vectorized=vec), 3)
        print(f"25 x 25 loss plane ({'vectorized' if vec else 'loop'}): {med:.0f} ms")


def _moves(ex, moves) -> None:
    print(f"{'control':<22} {'changes':>7} {'median ms':>10} {'max ms':>8}")
    for label, base, name, values in moves:
        ex.set(**base)
        times = []
        for v in values:
            ex.set(**{name: v})
            times.append(ex.last_update_seconds * 1e3)
        print(f"{label:<22} {len(times):7d} {statistics.median(times):10.1f} {max(times):8.1f}")


def surface_explorer() -> None:
    from course_lib.widgets.surface import surface_explorer as make

    start = time.perf_counter()
    ex = make()
    print(f"\nsurface explorer (lesson 03): built in {(time.perf_counter() - start) * 1e3:.0f} ms")
    _moves(ex, [
        ("lr", {"steps": 30}, "lr", [float(v) for v in np.geomspace(0.002, 1.5, 20)]),
        ("steps", {"lr": 0.1}, "steps", list(range(10, 210, 10))),
        ("kernel", {}, "kernel", [round(v, 1) for v in np.linspace(-2, 6, 20)]),
        ("loss (toggle)", {}, "loss", ["mae", "mse"] * 10),
    ])


def training_explorer() -> None:
    from course_lib.widgets.training import training_explorer as make

    start = time.perf_counter()
    ex = make()
    print(f"\ntraining explorer (lesson 04): built in {(time.perf_counter() - start) * 1e3:.0f} ms")
    rates = [float(v) for v in np.geomspace(0.001, 0.5, 20)]
    _moves(ex, [
        ("lr, batch 16, first", {"batch_size": 16, "epochs": 3}, "lr", rates),
        ("lr, batch 16, cached", {"batch_size": 16, "epochs": 3}, "lr", rates),
        ("lr, batch 1, first", {"batch_size": 1, "epochs": 5}, "lr", rates[:10]),
        ("batch size", {"lr": 0.05, "epochs": 3}, "batch_size", [1, 2, 4, 8, 16, 32, 64, 128, 200] * 2),
        ("optimizer", {"batch_size": 8}, "optimizer", ["sgd", "momentum", "adam"] * 4),
    ])


if __name__ == "__main__":
    training_epoch()
    surface_explorer()
    training_explorer()
