"""The table of ``tests/test_fuzz_api.py``: valid arguments for every public callable of
course_lib, and, per argument, which of the harness' perturbations are valid after all.

Each entry of ``CASES`` (keyed ``"module.name"``) may give
* ``args``: a function returning the valid keyword arguments (the callable's defaults fill
  the rest; every argument in the result is perturbed one at a time);
* ``ok``: ``{argument: kinds}``, the perturbation kinds that are valid for that argument
  (``"*"``: leave the argument alone, with the reason in a comment);
* ``make``: for methods, a function returning the bound method to call;
* ``more``: extra ``{argument: [(kind, value)]}`` perturbations (e.g. out of range).
Perturbation kinds: nan, inf, neg, zero, float, str, none, bool, int, ndim, len, empty,
missing (a dict without its first key). An entry ``"fn": ...`` replaces the callable.
"""
from __future__ import annotations

import functools

import numpy as np

from course_lib import (data, ensembles, functions, lr_finder, models, optim, optimizers,
                        schedules, shootout, training)

NUM = ("neg", "zero")
#: nan/inf values that a function passes on on purpose: models, losses and update rules
#: compute with them so that fit / minimize can see a run diverge and say so
PROPAGATE = ("nan", "inf")          # any finite number (negative and zero included)
NONNEG = ("zero",)


@functools.lru_cache(None)
def _fixtures():
    import matplotlib
    matplotlib.use("Agg")
    rng = np.random.default_rng(0)
    x1 = np.linspace(-1.0, 1.0, 24)
    y1 = 2.0 * x1 - 1.0 + 0.1 * rng.standard_normal(24)
    xc = rng.standard_normal((30, 4))
    yc = np.arange(30) % 3
    mlp = models.init_mlp((4, 5, 3), seed=0)
    lin = models.init_linear(1, 1, seed=0)

    def qloss(p, batch):
        return (p["w"] - 1.0) ** 2 * (1.0 + 0.0 * np.sum(batch[0]))

    batches = [(xc[:10], yc[:10])] * 30
    rt = lr_finder.lr_range_test(qloss, {"w": np.array(3.0)}, batches, min_lr=1e-3, max_lr=10.0,
                                 steps=30)
    so = shootout.shootout({"const": lambda total: schedules.constant(0.1)}, lambda s: models.init_mlp((4, 5, 3), seed=s),
                           "mlp", xc, yc, validation_data=(xc, yc), steps=6, seeds=(0, 1),
                           batch_size=10, eval_every=3)
    lrt = lr_finder.linear_range_test(qloss, {"w": np.array(3.0)}, batches[:5], batches[:1],
                                      val_metric=lambda p, b: float(1.0 / (1.0 + (p["w"] - 1.0) ** 2)),
                                      epochs=2, evals_per_epoch=3)
    return dict(x1=x1, y1=y1, xc=xc, yc=yc, mlp=mlp, lin=lin, qloss=qloss, batches=batches,
                rt=rt, so=so, lrt=lrt)


def prepare():
    """Build the shared fixtures (a range test, a small shoot-out) and import the
    explorers before the harness starts timing calls."""
    _fixtures()
    import course_lib.widgets  # noqa: F401


def F(name):
    return _fixtures()[name]


def _ax():
    import matplotlib.pyplot as plt
    return plt.figure().add_subplot()


def _logits():
    return models.mlp(F("mlp"), F("xc"))


def _snaps():
    return [F("mlp"), models.init_mlp((4, 5, 3), seed=1)]


def quad_grad(x):
    return 2.0 * np.asarray(x)


def quad_loss(x):
    return float(np.sum(np.asarray(x) ** 2))


def _ros(x):
    return functions.rosenbrock(x)


CASES = {
    # adaptive
    "course_lib.adaptive.AdaGrad": {},
    "course_lib.adaptive.RMSProp": {"ok": {"alpha": ("zero",)}},
    "course_lib.adaptive.adam_step": {"args": lambda: dict(params=np.ones(2), grads=np.ones(2), m=np.zeros(2), v=np.zeros(2), t=1, lr=0.1), "ok": {"beta1": ("zero",), "beta2": ("zero",), "lr": ("zero",), "params": PROPAGATE, "grads": PROPAGATE, "m": PROPAGATE, "v": PROPAGATE}},
    "course_lib.adaptive.adam_ratio_bound": {"args": lambda: dict(t=3), "ok": {"beta1": ("zero",)}},
    # autodiff
    "course_lib.autodiff.Tensor": {"args": lambda: dict(data=np.ones(3)), "ok": {"data": ("len", "ndim", "empty", "nan", "inf"), "op": ("str",), "parents": "*"}},
    "course_lib.autodiff.as_tensor": {"args": lambda: dict(x=np.ones(3)), "ok": {"x": ("len", "ndim", "empty", "nan", "inf")}},
    "course_lib.autodiff.unbroadcast": {"args": lambda: dict(g=np.ones((3, 2)), shape=(2,)), "ok": {"g": ("nan", "inf", "len", "empty")}},  # g of shape (4, 2) or (0, 2) sums back to (2,) as well
    "course_lib.autodiff.grad": {"args": lambda: dict(f=lambda x: x * x), "ok": {"argnum": ("zero",)}},
    "course_lib.autodiff.value_and_grad": {"args": lambda: dict(f=lambda x: x * x), "ok": {"argnum": ("zero",)}},
    # backprop
    "course_lib.backprop.mlp_cross_entropy": {"args": lambda: dict(params=F("mlp"), x=F("xc"), y=F("yc")), "ok": {"x": PROPAGATE, "params": ("nan",)}},
    "course_lib.backprop.value_and_grad_for": {"args": lambda: dict(predict=models.mlp, lossf=models.cross_entropy, fallback=lambda p, x, y: (0.0, p)), "ok": {"fallback": "*"}},  # handed back unchanged (its caller checks it)
    # claims
    "course_lib.claims.claim": {"args": lambda: dict(statement="two is even", holds=True), "ok": {"statement": ("str",)}},
    "course_lib.claims.Claim": {"args": lambda: dict(statement="two is even", holds=True), "ok": {"statement": ("str",)}},
    # conditioning
    "course_lib.conditioning.hessian_eigenvalues": {"args": lambda: dict(H=np.diag([1.0, 10.0]))},
    "course_lib.conditioning.condition_number": {"args": lambda: dict(H=np.diag([1.0, 10.0]))},
    "course_lib.conditioning.gd_factors": {"args": lambda: dict(lr=0.1, eigenvalues=np.array([1.0, 10.0])), "ok": {"eigenvalues": ("len",), "lr": ("zero",)}},
    "course_lib.conditioning.gd_contraction": {"args": lambda: dict(lr=0.1, eigenvalues=np.array([1.0, 10.0])), "ok": {"eigenvalues": ("len",), "lr": ("zero",)}},
    "course_lib.conditioning.best_constant_rate": {"args": lambda: dict(lam_min=1.0, lam_max=10.0)},
    "course_lib.conditioning.best_gd_contraction": {"args": lambda: dict(kappa=10.0)},
    "course_lib.conditioning.heavy_ball_matrix": {"args": lambda: dict(lr=0.1, lam=1.0, beta=0.5), "ok": {"beta": ("zero",), "lr": ("zero",)}},
    "course_lib.conditioning.heavy_ball_radius": {"args": lambda: dict(lr=0.1, lam=1.0, beta=0.5), "ok": {"beta": ("zero",), "lr": ("zero",)}},
    "course_lib.conditioning.heavy_ball_contraction": {"args": lambda: dict(lr=0.1, eigenvalues=np.array([1.0, 10.0]), beta=0.5), "ok": {"beta": ("zero",), "lr": ("zero",), "eigenvalues": ("len",)}},
    "course_lib.conditioning.heavy_ball_limit": {"args": lambda: dict(lam=10.0, beta=0.5), "ok": {"beta": ("zero",)}},
    "course_lib.conditioning.optimal_heavy_ball": {"args": lambda: dict(lam_min=1.0, lam_max=10.0)},
    "course_lib.conditioning.optimal_heavy_ball_contraction": {"args": lambda: dict(kappa=10.0)},
    # data
    "course_lib.data.linear_data": {"args": lambda: dict(n=20), "ok": {"kernel": NUM, "bias": NUM, "noise": NONNEG, "seed": ("zero",), "x_range": ("neg",)}},
    "course_lib.data.load_digits": {},
    "course_lib.data.train_val_split": {"args": lambda: dict(x=F("xc"), y=F("yc"), val_fraction=0.2), "ok": {"x": ("nan", "inf", "ndim"), "y": ("nan", "inf"), "seed": ("zero",)}},
    "course_lib.data.Standardizer": {},
    "course_lib.data.Split": {"args": lambda: dict(x_train=F("xc"), y_train=F("yc"), x_val=F("xc"), y_val=F("yc")), "ok": {"y_train": ("ndim",), "y_val": ("ndim",), "x_val": ("len",), "y_val": ("ndim",)}},
    "course_lib.data.digits_split": {"ok": {"seed": ("zero",)}},
    "course_lib.data.minibatches": {"args": lambda: dict(x=F("xc"), y=F("yc"), batch_size=8), "ok": {"x": ("nan", "inf", "ndim"), "y": ("nan", "inf", "ndim", "none"), "seed": ("zero",)}},
    "course_lib.data.Batches": {"args": lambda: dict(x=F("xc"), y=F("yc"), batch_size=8), "ok": {"x": ("nan", "inf", "ndim"), "y": ("nan", "inf", "ndim", "none"), "seed": ("zero",)}},
    "course_lib.data.rng_from": {"args": lambda: dict(seed=3), "ok": {"seed": ("zero", "none"), "name": "*"}},
    # early stopping
    "course_lib.early_stopping.EarlyStopping": {"ok": {"min_delta": ("zero",)}},
    "course_lib.early_stopping.best_epoch": {"args": lambda: dict(val_loss=[1.0, 0.5, 0.7]), "ok": {"val_loss": ("len",) + PROPAGATE, "min_delta": ("zero",)}},  # a diverged epoch has an inf/nan loss
    # ensembles
    "course_lib.ensembles.CycleEndSnapshots": {"args": lambda: dict(schedule=schedules.cosine(0.1, 10))},
    "course_lib.ensembles.cycle_ends": {"args": lambda: dict(schedule=schedules.cosine(0.1, 10), steps=30), "ok": {"steps": ("zero",)}},
    "course_lib.ensembles.sgdr_length": {"args": lambda: dict(t0=10, t_mult=2, n_cycles=3), "ok": {"n_cycles": ("zero",)}},
    "course_lib.ensembles.predict_proba": {"args": lambda: dict(params=F("mlp"), x=F("xc")), "ok": {"x": ("len",)}},
    "course_lib.ensembles.snapshot_proba": {"args": lambda: dict(snapshots=_snaps(), x=F("xc")), "ok": {"x": ("len",)}},
    "course_lib.ensembles.average_proba": {"args": lambda: dict(probs=np.full((2, 5, 3), 1 / 3)), "ok": {"probs": ("len",)}},
    "course_lib.ensembles.ensemble_proba": {"args": lambda: dict(snapshots=_snaps(), x=F("xc")), "ok": {"x": ("len",)}},
    "course_lib.ensembles.ensemble_accuracy": {"args": lambda: dict(snapshots=_snaps(), x=F("xc"), y=F("yc"))},
    "course_lib.ensembles.member_accuracies": {"args": lambda: dict(snapshots=_snaps(), x=F("xc"), y=F("yc"))},
    "course_lib.ensembles.disagreement_rate": {"args": lambda: dict(pred_a=np.array([0, 1, 2]), pred_b=np.array([0, 1, 1])), "ok": {"pred_a": ("ndim",), "pred_b": ("ndim",)}},  # (n, classes) rows are scores, any numbers
    "course_lib.ensembles.pairwise_disagreement": {"args": lambda: dict(snapshots=_snaps(), x=F("xc")), "ok": {"x": ("len",)}},
    "course_lib.ensembles.mean_disagreement": {"args": lambda: dict(matrix=np.array([[0.0, 0.2], [0.2, 0.0]]))},
    # environment
    "course_lib.environment.Package": {"args": lambda: dict(name="numpy", version="2.0", minimum="1.0"), "ok": {"version": ("str",), "minimum": ("str",), "name": ("str",)}},
    "course_lib.environment.packages": {},
    "course_lib.environment.versions_table": {},
    "course_lib.environment.summary": {},
    # functions
    "course_lib.functions.rosenbrock": {"args": lambda: dict(x=np.array([2.0, 2.0])), "ok": {"x": ("ndim", "nan", "inf"), "a": NUM, "b": NUM}},
    "course_lib.functions.rosenbrock_grad": {"args": lambda: dict(x=np.array([2.0, 2.0])), "ok": {"x": ("ndim", "nan", "inf"), "a": NUM, "b": NUM}},
    "course_lib.functions.rosenbrock_hessian": {"args": lambda: dict(x=np.array([2.0, 2.0])), "ok": {"a": NUM, "b": NUM}},
    "course_lib.functions.himmelblau": {"args": lambda: dict(x=np.array([2.0, 2.0])), "ok": {"x": ("ndim", "nan", "inf")}},
    "course_lib.functions.himmelblau_grad": {"args": lambda: dict(x=np.array([2.0, 2.0])), "ok": {"x": ("ndim", "nan", "inf")}},
    "course_lib.functions.saddle": {"args": lambda: dict(x=np.array([2.0, 2.0])), "ok": {"x": ("ndim", "nan", "inf")}},
    "course_lib.functions.saddle_grad": {"args": lambda: dict(x=np.array([2.0, 2.0])), "ok": {"x": ("ndim", "nan", "inf")}},
    "course_lib.functions.Quadratic": {"args": lambda: dict(eigenvalues=(1.0, 10.0)), "ok": {"angle": NUM, "center": ("neg",)}},
    "course_lib.functions.quadratic": {"ok": {"angle": NUM}},
    # gradcheck
    "course_lib.gradcheck.GradCheckResult": {"args": lambda: dict(analytic=np.ones(2), numerical=np.ones(2), absolute_error=0.0, relative_error=0.0, eps=1e-6, tolerance=1e-6), "ok": {"absolute_error": ("zero", "nan"), "relative_error": ("zero", "nan"), "analytic": ("nan", "inf"), "numerical": ("nan", "inf")}},  # check_gradient reports a gradient that became inf/nan as a failed check (ok is False), it does not raise
    "course_lib.gradcheck.check_gradient": {"args": lambda: dict(f=_ros, grad_f=functions.rosenbrock_grad, x=np.array([2.0, 2.0]))},
    "course_lib.gradcheck.numerical_gradient": {"args": lambda: dict(f=_ros, x=np.array([2.0, 2.0]))},
    "course_lib.gradcheck.finite_difference": {"args": lambda: dict(f=np.sin, x=1.0, h=1e-4), "ok": {"x": NUM}},
    "course_lib.gradcheck.step_errors": {"args": lambda: dict(f=np.sin, exact=float(np.cos(1.0)), x=1.0, steps=np.array([1e-2, 1e-4])), "ok": {"x": NUM, "exact": NUM, "steps": ("len", "ndim")}},  # steps of any shape: one error per step, same shape
    # lr_finder
    "course_lib.lr_finder.lr_range_test": {"args": lambda: dict(loss_fn=F("qloss"), params={"w": np.array(3.0)}, batches=F("batches"), min_lr=1e-3, max_lr=10.0, steps=20), "ok": {"params": ("missing",), "smoothing": ("zero",), "diverge_factor": ("none",)}},
    "course_lib.lr_finder.RangeTest": {"args": lambda: dict(lrs=np.array([0.1, 0.2]), losses=np.array([1.0, 0.5]), smoothed=np.array([1.0, 0.6]), planned_lrs=np.array([0.1, 0.2, 0.4]), stopped_early=False, reason="done"), "ok": {"reason": ("str",), "planned_lrs": ("len",), "stop_lr": ("none", "int"), "extra": ("empty", "missing"), "smoothing": ("zero",), "diverge_factor": ("none",), "val_every": ("int",), "val_passes": ("zero",), "optimizer": ("str",)}},
    "course_lib.lr_finder.Suggestion": {"args": lambda: dict(lr=0.1, index=1, loss=0.5, method="steepest"), "ok": {"index": ("zero",), "loss": NUM}},
    "course_lib.lr_finder.Bounds": {"args": lambda: dict(base_lr=0.1, max_lr=0.4, start_lr=0.01), "ok": {"rule": ("str",)}},
    "course_lib.lr_finder.clr_bounds": {"args": lambda: dict(result=F("rt")), "ok": {"skip_start": ("int",), "skip_end": ("int",)}},
    "course_lib.lr_finder.sweep_rates": {},
    "course_lib.lr_finder.smooth": {"args": lambda: dict(losses=np.array([3.0, 2.0, 1.5])), "ok": {"losses": ("len", "nan", "inf", "empty"), "beta": ("zero",)}},
    "course_lib.lr_finder.steepest_index": {"args": lambda: dict(lrs=F("rt").lrs, smoothed=F("rt").smoothed), "ok": {"skip_start": ("int",), "skip_end": ("int",), "fraction": ("zero",)}},
    "course_lib.lr_finder.valley_index": {"args": lambda: dict(lrs=F("rt").lrs, smoothed=F("rt").smoothed), "ok": {"skip_start": ("int",), "skip_end": ("int",), "fraction": ("zero",)}},
    "course_lib.lr_finder.fastai_valley_index": {"args": lambda: dict(lrs=F("rt").lrs, smoothed=F("rt").smoothed), "ok": {"skip_start": ("int",), "skip_end": ("int",), "fraction": ("zero",)}},
    "course_lib.lr_finder.minimum_index": {"args": lambda: dict(lrs=F("rt").lrs, smoothed=F("rt").smoothed), "ok": {"skip_start": ("int",), "skip_end": ("int",), "fraction": ("zero",)}},
    "course_lib.lr_finder.divergence_index": {"args": lambda: dict(smoothed=F("rt").smoothed), "ok": {"smoothed": ("len", "nan", "inf", "empty"), "factor": ("none",)}},
    # lr_finder.spread
    "course_lib.lr_finder.Spread": {"args": lambda: dict(seeds=[0, 1], suggestions={"steepest": np.array([0.1, 0.2])}, results=[F("rt"), F("rt")])},
    "course_lib.lr_finder.suggestion_spread": {"args": lambda: dict(loss_fn=F("qloss"), params={"w": np.array(3.0)}, batches_for_seed=lambda s: F("batches"), seeds=[0, 1], steps=20, min_lr=1e-3), "ok": {"params": ("missing",), "skip_start": ("int",), "skip_end": ("int",), "seeds": ("len",)}},
    # lr_finder.validation
    "course_lib.lr_finder.ValidationRecorder": {"args": lambda: dict(loss_fn=F("qloss"), val_batches=F("batches")[:2], val_every=2, val_metric=None)},
    "course_lib.lr_finder.validation_recorder": {"args": lambda: dict(loss_fn=F("qloss"), val_batches=F("batches")[:2], val_every=2, val_metric=None)},
    "course_lib.lr_finder.evaluate_batches": {"args": lambda: dict(fn=F("qloss"), params={"w": np.array(3.0)}, batches=F("batches")[:2]), "ok": {"params": "*"}},  # passed to fn as it is
    "course_lib.lr_finder.accuracy_metric": {},
    "course_lib.lr_finder.linear_range_test": {"args": lambda: dict(loss_fn=F("qloss"), params={"w": np.array(3.0)}, batches=F("batches")[:5], val_batches=F("batches")[:1], epochs=2, evals_per_epoch=2)},
    "course_lib.lr_finder.accuracy_bounds": {"args": lambda: dict(result=F("lrt"))},
    "course_lib.lr_finder.AccuracyBounds": {"args": lambda: dict(base_lr=0.1, max_lr=0.4, start_metric=0.1, peak_metric=0.9), "ok": {"start_metric": NUM, "peak_metric": NUM}},  # a metric may be any finite number (e.g. a negative loss)
    "course_lib.lr_finder.range_test_cost": {"args": lambda: dict(result=F("rt"))},
    "course_lib.lr_finder.Cost": {"args": lambda: dict(train_passes=10, val_evaluations=2, val_forward_passes=4), "ok": {"val_evaluations": ("zero",), "val_forward_passes": ("zero",)}},
    # models
    "course_lib.models.init_linear": {"ok": {"seed": ("zero",)}},
    "course_lib.models.linear": {"args": lambda: dict(params=F("lin"), x=F("x1")), "ok": {"x": ("len", "nan", "inf", "empty")}},
    "course_lib.models.init_mlp": {"ok": {"seed": ("zero",)}},
    "course_lib.models.mlp": {"args": lambda: dict(params=F("mlp"), x=F("xc")), "ok": {"x": ("len", "nan", "inf"), "params": ("nan",)}},
    "course_lib.models.mlp_sizes": {"args": lambda: dict(params=F("mlp")), "ok": {"params": ("nan",)}},
    "course_lib.models.mae": {"args": lambda: dict(pred=F("x1"), y=F("y1")), "ok": {"pred": PROPAGATE, "y": PROPAGATE}},
    "course_lib.models.mse": {"args": lambda: dict(pred=F("x1"), y=F("y1")), "ok": {"pred": PROPAGATE, "y": PROPAGATE}},
    "course_lib.models.log_softmax": {"args": lambda: dict(logits=_logits()), "ok": {"logits": ("len", "ndim", "empty") + PROPAGATE}},
    "course_lib.models.softmax": {"args": lambda: dict(logits=_logits()), "ok": {"logits": ("len", "ndim", "empty") + PROPAGATE}},
    "course_lib.models.cross_entropy": {"args": lambda: dict(logits=_logits(), labels=F("yc")), "ok": {"logits": PROPAGATE}},
    "course_lib.models.accuracy": {"args": lambda: dict(logits=_logits(), labels=F("yc")), "ok": {"logits": PROPAGATE}},
    "course_lib.models.get_loss": {"args": lambda: dict(loss="mse")},
    "course_lib.models.count_params": {"args": lambda: dict(params=F("mlp")), "ok": {"params": ("missing", "nan")}},
    # momentum_runs
    "course_lib.momentum_runs.heavy_ball": {"args": lambda: dict(grad_fn=quad_grad, x0=np.array([1.0, 1.0]), lr=0.1, beta=0.5, steps=10), "ok": {"x0": ("len",), "beta": ("zero",), "lr": ("zero",), "steps": ("zero",)}},
    "course_lib.momentum_runs.distances": {"args": lambda: dict(xs=np.ones((4, 2)), minimum=np.zeros(2)), "ok": {"xs": ("len", "empty") + PROPAGATE}},  # distances of a diverged path are inf
    "course_lib.momentum_runs.steps_to_tolerance": {"args": lambda: dict(grad_fn=quad_grad, x0=np.array([1.0, 1.0]), lr=0.1, minimum=np.zeros(2)), "ok": {"x0": ("len",), "beta": ("zero",)}},
    "course_lib.momentum_runs.measured_contraction": {"args": lambda: dict(dist=np.geomspace(1.0, 1e-3, 12)), "ok": {"dist": ("len",)}},
    "course_lib.momentum_runs.diverges": {"args": lambda: dict(grad_fn=quad_grad, x0=np.array([1.0, 1.0]), lr=0.1, minimum=np.zeros(2), steps=20), "ok": {"x0": ("len",), "beta": ("zero",)}},
    "course_lib.momentum_runs.bisect_limit": {"args": lambda: dict(is_unstable=lambda lr: lr > 1.0, lo=0.1, hi=3.0, resolution=1e-3)},
    # optim
    "course_lib.optim.GDResult": {"args": lambda: dict(xs=np.zeros((3, 2)), lrs=np.full(2, 0.1)), "ok": {"message": ("str",), "diverged_at": ("int",), "blew_up_at": ("int",)}},
    "course_lib.optim.gradient_descent": {"args": lambda: dict(grad_fn=quad_grad, x0=np.array([1.0, 1.0]), lr=0.1, steps=10, loss_fn=quad_loss), "ok": {"x0": ("len",), "steps": ("zero",)}},
    # optimizers
    "course_lib.optimizers.trees.tree_map": {"args": lambda: dict(fn=np.copy, tree={"a": np.ones(2)}), "ok": {"tree": ("empty", "missing", "nan", "str", "none")}},  # any leaf: a generic container walker
    "course_lib.optimizers.trees.tree_leaves": {"args": lambda: dict(tree={"a": np.ones(2)}), "ok": {"tree": ("empty", "missing", "nan", "str", "none")}},
    "course_lib.optimizers.trees.tree_all_finite": {"args": lambda: dict(tree={"a": np.ones(2)}), "ok": {"tree": ("empty", "missing", "nan")}},
    "course_lib.optimizers.rules.Optimizer": {},
    "course_lib.optimizers.rules.SGD": {},
    "course_lib.optimizers.rules.Momentum": {"ok": {"beta": ("zero",)}},
    "course_lib.optimizers.rules.Adam": {"ok": {"beta1": ("zero",), "beta2": ("zero",)}},
    "course_lib.optimizers.rules.get_optimizer": {"args": lambda: dict(optimizer="adam")},
    "course_lib.optimizers.paths.Path": {"args": lambda: dict(xs=np.zeros((3, 2)), lrs=np.full(2, 0.1)), "ok": {"message": ("str",), "diverged_at": ("int",), "blew_up_at": ("int",)}},
    "course_lib.optimizers.paths.minimize": {"args": lambda: dict(grad_fn=quad_grad, x0=np.array([1.0, 1.0]), lr=0.1, steps=10, loss_fn=quad_loss), "ok": {"x0": ("len",), "steps": ("zero",)}},
    # plots
    "course_lib.plots.grid": {"args": lambda: dict(xlim=(-1.0, 1.0), ylim=(-1.0, 1.0), n=5)},
    "course_lib.plots.contour": {"args": lambda: dict(f=_ros, n=10, ax=_ax())},
    "course_lib.plots.path": {"args": lambda: dict(ax=_ax(), xs=np.zeros((4, 2)), label="run"), "ok": {"xs": ("len", "nan", "inf"), "label": ("str",), "markersize": ("float", "zero")}},
    "course_lib.plots.gradient_field": {"args": lambda: dict(grad_fn=functions.rosenbrock_grad, n=5, ax=_ax())},
    "course_lib.plots.loss_curve": {"args": lambda: dict(losses=np.array([3.0, 2.0, 1.0]), ax=_ax(), label="run"), "ok": {"losses": ("len", "nan", "inf", "empty"), "label": ("str",)}},
    "course_lib.plots.log_levels": {"args": lambda: dict(values=np.array([1.0, 10.0, 100.0])), "ok": {"values": ("len", "ndim", "inf", "nan")}},  # nan and inf entries are ignored
    # schedules
    "course_lib.schedules.base.Schedule": {},
    "course_lib.schedules.decays.as_schedule": {"args": lambda: dict(lr=0.1), "ok": {"lr": ("zero",)}},
    "course_lib.schedules.decays.constant": {"args": lambda: dict(lr=0.1), "ok": {"lr": ("zero",)}},
    "course_lib.schedules.decays.time_decay": {"args": lambda: dict(lr0=0.1, decay=0.01), "ok": {"decay": ("zero",)}},
    "course_lib.schedules.decays.step_decay": {"args": lambda: dict(lr0=0.1, factor=0.5, every=10)},
    "course_lib.schedules.decays.exponential": {"args": lambda: dict(lr0=0.1, gamma=0.9)},
    "course_lib.schedules.decays.cosine": {"args": lambda: dict(max_lr=0.1, period=10), "ok": {"min_lr": ("zero",)}},
    "course_lib.schedules.decays.linear": {"args": lambda: dict(start_lr=0.1, end_lr=0.01, steps=10), "ok": {"end_lr": ("zero",), "start_lr": ("zero",)}},
    "course_lib.schedules.compose.sequence": {"args": lambda: dict(parts=[(schedules.constant(0.1), 5), (schedules.constant(0.01), None)])},
    "course_lib.schedules.compose.warmup": {"args": lambda: dict(schedule=schedules.constant(0.1), steps=5), "ok": {"start_lr": ("zero",), "schedule": ("int",)}},  # a number is a constant schedule
    "course_lib.schedules.compose.plot_schedule": {"args": lambda: dict(s=schedules.constant(0.1), steps=10, ax=_ax(), label="c"), "ok": {"label": ("str",), "s": ("int",)}},
    "course_lib.schedules.cyclic.cyclical": {"args": lambda: dict(base_lr=0.01, max_lr=0.1, step_size=5), "ok": {"base_lr": ("zero",), "step_size_down": ("int",)}},
    "course_lib.schedules.cyclic.sgdr": {"args": lambda: dict(max_lr=0.1, t0=5), "ok": {"min_lr": ("zero",)}},
    "course_lib.schedules.cyclic.one_cycle": {"args": lambda: dict(max_lr=0.1, total_steps=20)},
    # shootout
    "course_lib.schedules.momentum.one_cycle_momentum": {"args": lambda: dict(total_steps=20), "ok": {"base_momentum": ("zero",)}},
    "course_lib.shootout.recipes.Recipe": {"args": lambda: dict(lr=lambda total: schedules.constant(0.1)), "ok": {"lr": ("int",), "momentum": ("int",), "optimizer": ("str",)}},  # numbers are refused by shootout() naming the recipe; "x" is a fine optimizer name until used
    "course_lib.shootout.runs.shootout": {"args": lambda: dict(recipes={"const": lambda total: schedules.constant(0.1)}, init=lambda s: models.init_mlp((4, 5, 3), seed=s), model="mlp", x=F("xc"), y=F("yc"), validation_data=(F("xc"), F("yc")), steps=6, seeds=(0,), batch_size=10, eval_every=3, target=0.5), "ok": {"x": ("nan", "inf"), "recipes": ("missing",), "seeds": ("len",)}},
    "course_lib.shootout.table.Shootout": {"args": lambda: {k: getattr(F("so"), k) for k in ("names", "seeds", "steps", "target", "eval_every", "batch_size", "rates", "momentums", "runs")}, "ok": {"seeds": ("len",), "target": ("none",), "momentums": ("nan",)}},  # nan momentum: the optimizer has none
    "course_lib.shootout.evaluator.Run": {"args": lambda: {k: getattr(F("so").runs["const"][0], k) for k in ("name", "seed", "eval_steps", "val_acc", "val_loss", "final_acc", "final_loss", "steps_to_target", "diverged_at", "history")}, "ok": {"name": ("str",), "final_acc": ("nan", "zero"), "final_loss": ("nan", "inf", "zero"), "val_acc": ("nan", "inf"), "val_loss": ("nan", "inf"), "seed": ("zero",), "steps_to_target": ("int",), "diverged_at": ("int",)}},
    "course_lib.shootout.evaluator.spread": {"args": lambda: dict(values=[0.9, 0.8, 0.85]), "ok": {"values": ("len", "nan", "inf", "empty", "ndim")}},  # non-finite values are left out, by design
    # surfaces
    "course_lib.surfaces.linear_surface": {"args": lambda: dict(x=F("x1"), y=F("y1"), kernels=np.linspace(-1, 3, 5), biases=np.linspace(-2, 2, 4)), "ok": {"kernels": ("len", "ndim"), "biases": ("len", "ndim")}},
    "course_lib.surfaces.linear_surface_grad": {"args": lambda: dict(x=F("x1"), y=F("y1"), K=np.ones((3, 3)), B=np.zeros((3, 3))), "ok": {"K": ("ndim", "len"), "B": ("ndim", "len")}},
    "course_lib.surfaces.linear_optimum": {"args": lambda: dict(x=F("x1"), y=F("y1"))},
    "course_lib.surfaces.random_direction": {"args": lambda: dict(params=F("mlp")), "ok": {"seed": ("zero",), "params": ("missing",), "normalization": ("none",)}},
    "course_lib.surfaces.direction_norms": {"args": lambda: dict(direction=F("mlp"), params=F("mlp")), "ok": {"axis": ("neg", "zero"), "direction": ("nan",), "params": ("nan",)}},
    "course_lib.surfaces.loss_line": {"args": lambda: dict(loss_fn=lambda p: models.cross_entropy(models.mlp(p, F("xc")), F("yc")), params=F("mlp"), direction=F("mlp"), alphas=np.linspace(-1, 1, 3)), "ok": {"alphas": ("len",), "chunk": ("int",)}},
    "course_lib.surfaces.loss_plane": {"args": lambda: dict(loss_fn=lambda p: models.cross_entropy(models.mlp(p, F("xc")), F("yc")), params=F("mlp"), d1=F("mlp"), d2=F("mlp"), alphas=np.linspace(-1, 1, 3), betas=np.linspace(-1, 1, 2)), "ok": {"alphas": ("len",), "betas": ("len",), "chunk": ("int",)}},
    "course_lib.surfaces.random_unit_directions": {"args": lambda: dict(n=5, dim=3), "ok": {"seed": ("zero",)}},
    "course_lib.surfaces.downhill_fraction": {"args": lambda: dict(loss_fn=quad_loss, w=np.ones(3), step=0.1, n_dirs=50), "ok": {"w": ("len",), "seed": ("zero",)}},
    "course_lib.surfaces.downhill_probability": {"args": lambda: dict(dim=10, step=0.1)},
    # training
    "course_lib.training.History": {"ok": {"lrs": ("empty",), "losses": ("empty",), "epochs": ("empty",), "train_loss": ("empty",), "train_acc": ("empty",), "val_loss": ("empty",), "val_acc": ("empty",), "momentums": ("empty",), "steps_per_epoch": ("zero",), "message": ("str",), "params": "*", "diverged_at": ("int",), "blew_up_at": ("int",)}},
    "course_lib.training.fit": {"args": lambda: dict(params=F("lin"), model="linear", x=F("x1"), y=F("y1"), lr=0.1, epochs=2, batch_size=8), "ok": {"seed": ("zero",), "epochs": ("zero",), "verbose": ("zero",), "params": ("missing",), "callbacks": ("empty",), "diverge_factor": ("int",)}},
    "course_lib.training.evaluate": {"args": lambda: dict(params=F("lin"), model="linear", x=F("x1"), y=F("y1")), "ok": {"batch_size": ("int",)}},
    "course_lib.training.predict_fn": {"args": lambda: dict(model="mlp")},
    "course_lib.training.loss_fn": {"args": lambda: dict(model="mlp", loss="cross_entropy")},
    "course_lib.training.Callback": {},
    "course_lib.training.Snapshots": {"args": lambda: dict(every_epochs=1, at_steps=[3, 5]), "ok": {"at_steps": ("empty",)}},
    "course_lib.training.Trace": {},
    "course_lib.training.linear_grad_fn": {},
    # widgets
    "course_lib.widgets.explorer_factories": {},
    "course_lib.widgets.base.html_to_text": {"args": lambda: dict(markup="<b>ok</b>"), "ok": {"markup": ("str",)}},  # any text is markup
    "course_lib.widgets.cyclical.PlateauProblem": {},
    "course_lib.widgets.cyclical.PlateauRun": {"args": lambda: dict(xs=np.zeros((3, 2)), losses=np.ones(3), rates=np.full(2, 0.1)), "ok": {"xs": PROPAGATE, "losses": PROPAGATE, "rates": PROPAGATE}},  # a diverged run holds inf/nan
    "course_lib.widgets.cyclical.CyclicalExplorer": {"args": lambda: dict(steps=100), "ok": {"problem": "*", "digits_curves": "*"}},
    "course_lib.widgets.cyclical.cyclical_explorer": {"args": lambda: dict(steps=100, step_size=10)},
    "course_lib.widgets.fdiff.FDiffExplorer": {"ok": {"log_step": ("neg", "zero")}},
    "course_lib.widgets.fdiff.fdiff_explorer": {"args": lambda: dict(log_step=-3.0), "ok": {"log_step": ("neg", "zero")}},
    "course_lib.widgets.fdiff.Example": {"args": lambda: dict(f=np.sin, df=np.cos, x0=1.0, label="sin"), "ok": {"x0": NUM, "label": ("str",)}},
    "course_lib.widgets.gd.GDExplorer": {"args": lambda: dict(steps=20), "ok": {"x0": ("neg",), "decay_rate": ("zero",), "b": ("zero",)}},  # b = 0: the valley without its walls
    "course_lib.widgets.gd.gd_explorer": {"args": lambda: dict(steps=20, lr=0.05)},
    "course_lib.widgets.lr_finder.LRFinderExplorer": {"args": lambda: dict(result=F("rt")), "ok": {"smoothing": ("zero",), "diverge_factor": ("none",)}},
    "course_lib.widgets.lr_finder.lr_finder_explorer": {"args": lambda: dict(result=F("rt"), smoothing=0.9), "ok": {"smoothing": ("zero",)}},
    "course_lib.widgets.lr_finder.default_sweep": {"args": lambda: dict(steps=30), "ok": {"seed": ("zero",)}},
    "course_lib.widgets.lr_finder.descent_fraction": {"args": lambda: dict(view=F("rt"))},
    "course_lib.widgets.lr_finder.crop_warnings": {"args": lambda: dict(view=F("rt"), suggestion=F("rt").suggest())},
    "course_lib.widgets.momentum.MomentumExplorer": {"args": lambda: dict(steps=20), "ok": {"beta": ("zero",), "angle": NUM, "x0": ("neg",)}},
    "course_lib.widgets.momentum.momentum_explorer": {"args": lambda: dict(steps=20, beta=0.3), "ok": {"beta": ("zero",)}},
    "course_lib.widgets.momentum.region_verdict": {"args": lambda: dict(lr=0.1, beta=0.5, eigenvalues=(1.0, 10.0)), "ok": {"beta": ("zero",), "lr": ("zero",), "eigenvalues": ("len",)}},
    "course_lib.widgets.parabola.verdict": {"args": lambda: dict(lr=0.1), "ok": {"lr": ("zero",)}},
    "course_lib.widgets.parabola.ParabolaExplorer": {"ok": {"x0": NUM}},
    "course_lib.widgets.parabola.off_frame": {"args": lambda: dict(dist=np.array([1.0, 2.0])), "ok": {"dist": ("len", "neg", "nan", "inf", "empty")}},
    "course_lib.widgets.parabola.parabola_explorer": {"args": lambda: dict(lr=0.2)},
    "course_lib.widgets.schedule_model.ScheduleProblem": {"ok": {"angle": NUM, "x0": ("neg",), "noise": ("zero",)}},
    "course_lib.widgets.schedule.ScheduleExplorer": {"args": lambda: dict(steps=40), "ok": {"problem": "*", "noise": ("zero",)}},
    "course_lib.widgets.schedule.schedule_explorer": {"args": lambda: dict(steps=40, lr=0.1)},
    "course_lib.widgets.schedule_model.make_schedule": {"args": lambda: dict(schedule="cosine", lr=0.1, steps=40), "ok": {"decay": ("zero",), "min_frac": ("zero",), "mode": ("str",)}},
    "course_lib.widgets.schedule_model.loss_verdict": {"args": lambda: dict(losses=np.array([3.0, 2.0, 1.0]), clean_losses=np.array([3.0, 1.5, 0.5])), "ok": {"losses": PROPAGATE, "clean_losses": PROPAGATE}},  # a diverging run: said in words
    "course_lib.widgets.sgdr.RestartProblem": {"ok": {"x0": ("neg", "zero"), "noise": ("zero",)}},
    "course_lib.widgets.sgdr.RestartRun": {"args": lambda: dict(xs=np.zeros((3, 2)), losses=np.ones(3), rates=np.full(2, 0.1)), "ok": {"message": ("str",), "diverged_at": ("int",), "xs": PROPAGATE, "losses": PROPAGATE, "rates": PROPAGATE}},
    "course_lib.widgets.sgdr.SGDRExplorer": {"args": lambda: dict(steps=100, t0=20), "ok": {"problem": "*", "min_lr": ("zero",), "seed": ("zero",)}},
    "course_lib.widgets.sgdr.sgdr_explorer": {"args": lambda: dict(steps=100, t0=20)},
    "course_lib.widgets.shootout.loss_limits": {"args": lambda: dict(values=np.array([1.0, 0.5, 0.3])), "ok": {"values": ("len", "nan", "inf", "ndim", "empty")}},  # non-finite values are left out; none: a default axis
    "course_lib.widgets.shootout.number": {"args": lambda: dict(x=0.5), "ok": {"x": ("nan", "inf", "neg", "zero")}},  # any number is printed
    "course_lib.widgets.shootout.curve_stats": {"args": lambda: dict(curves=np.array([[0.1, 0.5], [0.2, 0.6]])), "ok": {"curves": ("nan", "inf", "len")}},  # non-finite points are left out
    "course_lib.widgets.shootout.final_ranges": {"args": lambda: dict(result=F("so"), names=["const"])},
    "course_lib.widgets.shootout.ranges_overlap": {"args": lambda: dict(ranges=[(0.1, 0.3, 0.5), (0.3, 0.5, 0.7)]), "ok": {"ranges": ("len", "nan", "inf")}},  # a diverged schedule's range is nan: never overlaps
    "course_lib.widgets.shootout.ShootoutExplorer": {"args": lambda: dict(result=F("so"))},
    "course_lib.widgets.shootout.shootout_explorer": {"args": lambda: dict(result=F("so"))},
    "course_lib.widgets.surface.SurfaceExplorer": {"args": lambda: dict(steps=10, n_grid=21), "ok": {"kernel": NUM, "bias": NUM}},
    "course_lib.widgets.surface.surface_explorer": {"args": lambda: dict(steps=10, n_grid=21)},
    "course_lib.widgets.training.TrainingExplorer": {"args": lambda: dict(epochs=1), "ok": {"start": ("neg",), "seed": ("zero",)}},
    "course_lib.widgets.training.training_explorer": {"args": lambda: dict(epochs=1, lr=0.02)},
    # environment, frameworks (lesson 10): Keras on JAX, PyTorch's LambdaLR in plain Python
    "course_lib.environment.keras_backend": {},
    "course_lib.frameworks.to_keras": {"args": lambda: dict(schedule=schedules.cosine(0.1, 10))},
    "course_lib.frameworks.CourseSchedule": {"args": lambda: dict(spec=_keras_spec())},
    "course_lib.frameworks.to_torch_lambda": {"args": lambda: dict(schedule=schedules.cosine(0.1, 10), base_lr=0.1)},
    "course_lib.frameworks.TorchLambda": {"args": lambda: dict(schedule=schedules.cosine(0.1, 10), base_lr=0.1)},
    "course_lib.frameworks.mapping_table": {},
    "course_lib.frameworks_keras.keras_range_test": {"args": lambda: dict(model=_keras_model(), x=F("xc").astype("float32"), y=F("yc").astype("int32"), min_lr=1e-3, max_lr=1.0, steps=4, batch_size=10), "ok": {"seed": ("zero",), "diverge_factor": ("none",), "smoothing": ("zero",), "y": ("ndim",)}},  # smoothing 0: raw losses; y may be one-hot rows
    "course_lib.frameworks_keras.KerasCycleSnapshots": {"args": lambda: dict(schedule=schedules.sgdr(0.1, 5))},
    "course_lib.frameworks_keras.keras_snapshot_proba": {"args": lambda: dict(model=_keras_model(), snapshots=_keras_snapshots(), x=F("xc").astype("float32")), "ok": {"x": ("len",)}},  # any number of samples
    "course_lib.torch_style.RecordingOptimizer": {"args": lambda: dict(lr=0.1)},
    "course_lib.torch_style.LambdaLR": {"args": lambda: dict(optimizer=__import__("course_lib.torch_style").torch_style.RecordingOptimizer(0.1), lr_lambda=lambda n: 1.0)},
    "course_lib.torch_style.rates_used": {"args": lambda: dict(loop=_torch_loop, lr_lambda=lambda n: 1.0 / (1 + n), base_lr=0.1, epochs=2, batches_per_epoch=3)},
}


def _keras_spec():
    from course_lib import frameworks
    return frameworks.to_keras(schedules.cosine(0.1, 10)).spec


@functools.lru_cache(None)
def _keras_model():
    from course_lib import frameworks
    keras = frameworks.keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _keras_snapshots():
    return [[w.copy() for w in _keras_model().get_weights()]] * 2


def _torch_loop(optimizer, scheduler, epochs, batches_per_epoch):
    for _ in range(epochs * batches_per_epoch):
        optimizer.step()
        scheduler.step()

#: methods (not module-level names): built by ``make``
EXTRA = {
    "optimizers.SGD.step": {"make": lambda: optimizers.SGD().step, "args": lambda: dict(params=np.ones(2), grads=np.ones(2), state=None, lr=0.1), "ok": {"state": "*", "lr": ("zero",), "params": PROPAGATE, "grads": PROPAGATE}},
    "optimizers.Momentum.step": {"make": lambda: optimizers.Momentum().step, "args": lambda: dict(params=np.ones(2), grads=np.ones(2), state=np.zeros(2), lr=0.1), "ok": {"lr": ("zero",), "beta": ("zero",), "params": PROPAGATE, "grads": PROPAGATE, "state": PROPAGATE}},
    "optimizers.Adam.step": {"make": lambda: optimizers.Adam().step, "args": lambda: dict(params=np.ones(2), grads=np.ones(2), state=optimizers.Adam().init(np.ones(2)), lr=0.1), "ok": {"lr": ("zero",), "state": ("missing", "nan"), "params": PROPAGATE, "grads": PROPAGATE}},
    "lr_finder.RangeTest.suggestion": {"make": lambda: F("rt").suggestion, "args": lambda: dict(method="steepest"), "ok": {"skip_start": ("int",), "skip_end": ("int",), "fraction": ("zero",)}},
    "data.Standardizer.fit": {"make": lambda: data.Standardizer().fit, "args": lambda: dict(x=F("xc")), "ok": {"x": ("ndim", "len")}},
    "functions.Quadratic.__call__": {"make": lambda: functions.quadratic(), "args": lambda: dict(x=np.array([1.0, 2.0])), "ok": {"x": ("ndim", "nan", "inf")}},
    "training.History.summary": {"make": lambda: training.fit(F("lin"), "linear", F("x1"), F("y1"), lr=0.1, epochs=1, verbose=0).__repr__, "args": dict},
}

#: not fuzzed, with the reason
SKIP = {
    "course_lib.widgets.base.Explorer": "abstract base of the explorers (each subclass is fuzzed)",
}
SKIP_PACKAGES = ("course_lib.checks",)   # checkers never raise by design: a bad answer is a ❌ result
