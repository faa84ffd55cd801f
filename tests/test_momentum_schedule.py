"""1cycle's cyclical momentum: the schedule (course_lib.shootout.one_cycle_momentum), the
optimizer's per-step momentum and ``training.fit(..., momentum=...)``."""
import math

import numpy as np
import pytest

from course_lib import data, models, optimizers, schedules, training
from course_lib.shootout import one_cycle_momentum


# --- the schedule against PyTorch's OneCycleLR rule, written out step by step ----------------

def torch_momentum(t, total, base=0.85, top=0.95, pct_start=0.3, anneal="cos", three_phase=False):
    """The momentum PyTorch's OneCycleLR(cycle_momentum=True) sets for step ``t`` (its
    ``get_lr`` loop, transcribed; ``t < total``)."""
    if three_phase:
        phases = [(float(pct_start * total) - 1, top, base),
                  (float(2 * pct_start * total) - 2, base, top),
                  (total - 1, top, top)]
    else:
        phases = [(float(pct_start * total) - 1, top, base), (total - 1, base, top)]

    def cos(start, end, pct):
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    def lin(start, end, pct):
        return (end - start) * pct + start

    start_step = 0.0
    for i, (end_step, m0, m1) in enumerate(phases):
        if t <= end_step or i == len(phases) - 1:
            pct = (t - start_step) / (end_step - start_step)
            return (cos if anneal == "cos" else lin)(m0, m1, pct)
        start_step = end_step


@pytest.mark.parametrize("total, kw", [
    (100, {}), (450, {}), (37, {"pct_start": 0.25}), (200, {"anneal": "linear"}),
    (120, {"three_phase": True}), (90, {"base_momentum": 0.8, "max_momentum": 0.9, "pct_start": 0.4}),
])
def test_matches_pytorch_rule(total, kw):
    s = one_cycle_momentum(total, **kw)
    ref_kw = {"base": kw.get("base_momentum", 0.85), "top": kw.get("max_momentum", 0.95),
              "pct_start": kw.get("pct_start", 0.3), "anneal": kw.get("anneal", "cos"),
              "three_phase": kw.get("three_phase", False)}
    want = [torch_momentum(t, total, **ref_kw) for t in range(total)]
    np.testing.assert_allclose(s(np.arange(total)), want, rtol=0, atol=1e-12)
    assert s(0) == pytest.approx(want[0]) and isinstance(s(3), float)


def test_shape_and_defaults():
    s = one_cycle_momentum(100)
    assert s(0) == pytest.approx(0.95)
    assert s(29) == pytest.approx(0.85)          # the end of the warm-up: pct_start * T - 1
    assert s(99) == pytest.approx(0.95)
    assert s(100) == s(10_000) == pytest.approx(0.95)   # held afterwards
    m = s(np.arange(100))
    assert np.all(np.diff(m[:30]) <= 0) and np.all(np.diff(m[29:]) >= 0)
    assert m.min() == pytest.approx(0.85) and m.max() == pytest.approx(0.95)


@pytest.mark.parametrize("total, kw", [(100, {}), (333, {"pct_start": 0.2}), (80, {"anneal": "linear"}),
                                       (150, {"three_phase": True})])
def test_mirror_image_of_the_rate(total, kw):
    """Momentum is high where the rate is low and low where it is high, phase by phase:
    in the first two phases it is an affine image of the rate with a negative slope."""
    rate = schedules.one_cycle(1.0, total, **kw)(np.arange(total))
    mom = one_cycle_momentum(total, **kw)(np.arange(total))
    peak = int(np.argmax(rate))
    assert int(np.argmin(mom)) == peak
    up = slice(0, peak + 1)
    lo, hi = 1.0 / 25.0, 1.0                # the initial rate (max_lr / div_factor) and max_lr
    np.testing.assert_allclose(mom[up], 0.95 - 0.10 * (rate[up] - lo) / (hi - lo), atol=1e-12)


def test_bad_arguments():
    with pytest.raises(ValueError, match="^total_steps"):
        one_cycle_momentum(1)
    with pytest.raises(ValueError, match="^total_steps"):
        one_cycle_momentum(10.5)
    with pytest.raises(ValueError, match="^pct_start"):
        one_cycle_momentum(100, pct_start=1.2)
    with pytest.raises(ValueError, match="^max_momentum"):
        one_cycle_momentum(100, max_momentum=1.0)
    with pytest.raises(ValueError, match="^base_momentum"):
        one_cycle_momentum(100, base_momentum=-0.1)
    with pytest.raises(ValueError, match="^base_momentum must not exceed max_momentum"):
        one_cycle_momentum(100, base_momentum=0.95, max_momentum=0.85)
    with pytest.raises(ValueError, match="^anneal"):
        one_cycle_momentum(100, anneal="cosine")
    with pytest.raises(ValueError, match="^three_phase"):
        one_cycle_momentum(100, three_phase="yes")
    assert "one_cycle_momentum(total_steps=100" in repr(one_cycle_momentum(100))


# --- the optimizer takes a momentum per step ----------------------------------------------------

def test_momentum_step_with_beta_override():
    opt = optimizers.Momentum(beta=0.9)
    p = np.array([1.0, -2.0])
    g1, g2 = np.array([0.5, 1.0]), np.array([-1.0, 2.0])
    state = opt.init(p)
    p1, v1 = opt.step(p, g1, state, 0.1, beta=0.5)
    np.testing.assert_allclose(v1, g1)                      # v starts at 0
    p2, v2 = opt.step(p1, g2, v1, 0.1, beta=0.5)
    np.testing.assert_allclose(v2, 0.5 * g1 + g2)           # the override, not 0.9
    np.testing.assert_allclose(p2, p - 0.1 * g1 - 0.1 * (0.5 * g1 + g2))
    assert opt.beta == 0.9                                   # the optimizer is unchanged
    # no override: the optimizer's own beta, exactly as before
    _, v_default = opt.step(p1, g2, v1, 0.1)
    np.testing.assert_allclose(v_default, 0.9 * g1 + g2)
    nest = optimizers.Momentum(beta=0.9, nesterov=True)
    q, v = nest.step(p1, g2, v1, 0.1, beta=0.5)
    np.testing.assert_allclose(q, p1 - 0.1 * (g2 + 0.5 * (0.5 * g1 + g2)))


# --- fit(..., momentum=...) ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def digits():
    split = data.digits_split(seed=0)
    return split.x_train[:320], split.y_train[:320], split.val


def _fit(digits, **kw):
    x, y, val = digits
    args = dict(loss="cross_entropy", optimizer="momentum", lr=0.05, epochs=2, batch_size=32,
                validation_data=val, seed=3, verbose=0)
    args.update(kw)
    return training.fit(models.init_mlp((64, 16, 10), seed=1), "mlp", x, y, **args)


def test_fit_without_momentum_is_unchanged(digits):
    h = _fit(digits)
    assert h.momentums == []
    h2 = _fit(digits, optimizer=optimizers.Momentum(beta=0.9))
    np.testing.assert_array_equal(h.losses, h2.losses)


def test_fit_constant_momentum_equals_that_beta(digits):
    h = _fit(digits, momentum=0.6)
    ref = _fit(digits, optimizer=optimizers.Momentum(beta=0.6))
    np.testing.assert_allclose(h.losses, ref.losses, rtol=0, atol=0)
    np.testing.assert_allclose(h.val_acc, ref.val_acc)
    assert h.momentums == [0.6] * h.steps
    h0 = _fit(digits, momentum=0.0)            # zero momentum is plain SGD
    sgd = _fit(digits, optimizer="sgd")
    np.testing.assert_allclose(h0.losses, sgd.losses, rtol=0, atol=1e-12)


def test_fit_momentum_schedule_is_used_step_by_step(digits):
    total = 20
    sched = one_cycle_momentum(total)
    h = _fit(digits, lr=schedules.one_cycle(0.1, total), momentum=sched, epochs=2)
    np.testing.assert_allclose(h.momentums, sched(np.arange(h.steps)))
    # the same run by hand: Momentum.step with that beta at every update
    x, y, _ = digits
    params = models.init_mlp((64, 16, 10), seed=1)
    opt = optimizers.Momentum()
    state = opt.init(params)
    from autograd import value_and_grad
    vg = value_and_grad(lambda p, xb, yb: models.cross_entropy(models.mlp(p, xb), yb))
    rates = schedules.one_cycle(0.1, total)
    rng = data.rng_from(3)
    step = 0
    for _ in range(2):
        for xb, yb in data.minibatches(x, y, 32, seed=rng):
            _, g = vg(params, xb, yb)
            params, state = opt.step(params, g, state, rates(step), beta=sched(step))
            step += 1
    for k in params:
        np.testing.assert_allclose(h.params[k], params[k], rtol=1e-12, atol=1e-12)


def test_fit_momentum_callable_and_nesterov(digits):
    h = _fit(digits, optimizer="nesterov", momentum=lambda t: 0.5 if t < 5 else 0.8, epochs=1)
    assert h.momentums[:5] == [0.5] * 5 and h.momentums[5:] == [0.8] * (h.steps - 5)


@pytest.mark.parametrize("kw, match", [
    ({"optimizer": "sgd", "momentum": 0.9}, "^momentum: a momentum schedule needs"),
    ({"optimizer": "adam", "momentum": one_cycle_momentum(20)}, "^momentum"),
    ({"momentum": 1.0}, "^momentum: got 1.0 at step 0"),
    ({"momentum": -0.1}, "^momentum"),
    ({"momentum": "high"}, "^momentum must be a number"),
    ({"momentum": True}, "^momentum must be a number"),
    ({"momentum": lambda t: 0.9 if t < 3 else 1.5}, "^momentum: got 1.5 at step 3"),
])
def test_fit_bad_momentum(digits, kw, match):
    with pytest.raises(ValueError, match=match):
        _fit(digits, **kw)
