"""course_lib.schedules: agreement with PyTorch / Keras, argument checks, invariants.

The reference values in ``schedule_reference.json`` were computed with
``torch.optim.lr_scheduler`` and ``keras.optimizers.schedules`` in a throwaway environment
(neither is a dependency of the course); the file names the versions and holds the script
that generated it (``generator_source``).
"""
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from course_lib import functions, optim, schedules as S

REFERENCE = json.loads((Path(__file__).parent / "schedule_reference.json").read_text())
CASES = REFERENCE["cases"]
VERSIONS = (f"torch {REFERENCE['torch_version']}, keras {REFERENCE['keras_version']} "
            f"(backend {REFERENCE['keras_backend']}, floatx {REFERENCE['keras_floatx']})")


def _case_id(case):
    ref = case["reference"].rsplit(".", 1)[-1]
    args = ",".join(f"{k}={v}" for k, v in case["course_args"].items())
    return f"{ref}[{args}]"


# --- agreement with PyTorch and Keras ------------------------------------------------------

def test_reference_file_names_the_library_versions():
    assert REFERENCE["torch_version"].startswith("2.")
    assert REFERENCE["keras_version"].startswith("3.")
    assert REFERENCE["keras_floatx"] == "float64"
    refs = {c["reference"].rsplit(".", 1)[-1] for c in CASES}
    assert refs == {"StepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
                    "CyclicLR", "OneCycleLR", "CosineDecayRestarts"}
    for ref in refs:
        mine = [c for c in CASES if c["reference"].endswith(ref)]
        assert len(mine) >= 4, f"{ref}: want several parameter sets"
        assert max(c["steps"] for c in mine) >= 300, f"{ref}: want a long run"


def test_reference_covers_modes_and_options():
    cyc = [c["course_args"] for c in CASES if c["schedule"] == "cyclical"]
    assert {a["mode"] for a in cyc} == set(S.CYCLICAL_MODES)
    assert any(a["step_size_down"] is not None for a in cyc)
    one = [c["course_args"] for c in CASES if c["schedule"] == "one_cycle"]
    assert {(a["anneal"], a["three_phase"]) for a in one} == {
        ("cos", False), ("cos", True), ("linear", False), ("linear", True)}
    # several restarts with growing cycles, in both references
    for ref in ("CosineAnnealingWarmRestarts", "CosineDecayRestarts"):
        runs = [c for c in CASES if c["reference"].endswith(ref) and c["course_args"]["t_mult"] > 1]
        assert any(S.sgdr(**c["course_args"]).cycles(np.array([c["steps"] - 1]))[0][0] >= 4
                   for c in runs), ref


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_agrees_with_reference_step_for_step(case):
    schedule = getattr(S, case["schedule"])(**case["course_args"])
    expected = np.array(case["lrs"])
    got = schedule(np.arange(case["steps"]))
    np.testing.assert_allclose(
        got, expected, rtol=1e-12, atol=0,
        err_msg=f"{schedule!r} vs {case['reference']}({case['reference_args']}), {VERSIONS}")
    # one step at a time gives the same numbers as the vectorised call
    for t in (0, case["steps"] // 3, case["steps"] - 1):
        assert schedule(t) == got[t]


# --- the existing API is unchanged -----------------------------------------------------------

def test_constant_and_time_decay_unchanged():
    assert S.constant(0.1)(7) == 0.1
    assert S.time_decay(0.2, 0.01)(100) == pytest.approx(0.1)
    np.testing.assert_allclose(S.time_decay(0.2, 0.0)(np.arange(5)), 0.2)
    assert isinstance(S.as_schedule(0.3), S.Schedule)
    own = S.as_schedule(lambda t: 1.0 / (t + 1))
    np.testing.assert_allclose(own(np.arange(3)), [1.0, 0.5, 1 / 3])


ALL = {
    "constant": S.constant(0.1),
    "time_decay": S.time_decay(0.1, 0.05),
    "step_decay": S.step_decay(0.1, 0.5, 10),
    "exponential": S.exponential(0.1, 0.97),
    "cosine": S.cosine(0.1, 40, 0.001),
    "linear": S.linear(0.1, 0.01, 30),
    "cyclical": S.cyclical(0.001, 0.1, 8),
    "cyclical_triangular2": S.cyclical(0.001, 0.1, 8, mode="triangular2"),
    "cyclical_exp_range": S.cyclical(0.001, 0.1, 8, mode="exp_range", gamma=0.99, step_size_down=4),
    "sgdr": S.sgdr(0.1, 5, 2, 0.001, 0.7),
    "one_cycle": S.one_cycle(0.1, 40),
    "one_cycle_3": S.one_cycle(0.1, 40, anneal="linear", three_phase=True),
    "warmup": S.warmup(S.cosine(0.1, 30), 10),
    "sequence": S.sequence([(0.05, 5), (S.exponential(0.1, 0.9), 10), (S.constant(0.01), None)]),
}


@pytest.mark.parametrize("name", ALL)
def test_int_gives_float_and_array_gives_array_of_the_same_shape(name):
    s = ALL[name]
    assert type(s(3)) is float and type(s(np.int32(3))) is float
    t = np.arange(12).reshape(3, 4)
    out = s(t)
    assert out.shape == (3, 4) and out.dtype == float
    assert out[1, 2] == s(6)
    assert s(np.array([], dtype=int)).shape == (0,)
    assert name in repr(s) or name.split("_")[0] in repr(s)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [-1, 1.5, 2.0, True, np.array([0, -3]), np.array([0.0, 1.0]), "3"])
def test_step_indices_must_be_non_negative_integers(name, bad):
    with pytest.raises(ValueError, match="t must be"):
        ALL[name](bad)


@pytest.mark.parametrize("name", ALL)
def test_a_million_steps_quietly(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rates = ALL[name](np.arange(1_000_000))
    assert np.all(np.isfinite(rates)) and np.all(rates >= 0)


# --- every schedule drives gradient descent ------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_each_schedule_works_as_the_lr_of_gradient_descent(name):
    s = ALL[name]
    q = functions.quadratic((1.0, 10.0))
    res = optim.gradient_descent(q.grad, (1.0, 1.0), s, 40, loss_fn=q, verbose=False)
    assert not res.diverged and res.steps_done == 40
    np.testing.assert_array_equal(res.lrs, s(np.arange(40)))
    # the path is x_{t+1} = x_t - s(t) grad(x_t)
    x = np.array([1.0, 1.0])
    for t in range(40):
        x = x - s(t) * q.grad(x)
    np.testing.assert_allclose(res.x, x, rtol=1e-12, atol=1e-300)
    assert res.losses[-1] < res.losses[0]


# --- argument checks ---------------------------------------------------------------------

BAD_ARGS = [
    (S.step_decay, dict(lr0=0.0, factor=0.5, every=10), "lr0"),
    (S.step_decay, dict(lr0=-0.1, factor=0.5, every=10), "lr0"),
    (S.step_decay, dict(lr0=0.1, factor=0.0, every=10), "factor"),
    (S.step_decay, dict(lr0=0.1, factor=1.5, every=10), "factor"),
    (S.step_decay, dict(lr0=0.1, factor=0.5, every=0), "every"),
    (S.step_decay, dict(lr0=0.1, factor=0.5, every=2.5), "every"),
    (S.step_decay, dict(lr0="0.1", factor=0.5, every=10), "lr0"),
    (S.exponential, dict(lr0=float("nan"), gamma=0.9), "lr0"),
    (S.exponential, dict(lr0=0.1, gamma=-0.9), "gamma"),
    (S.exponential, dict(lr0=0.1, gamma=1.01), "gamma"),
    (S.cosine, dict(max_lr=0.0, period=10), "max_lr"),
    (S.cosine, dict(max_lr=0.1, period=0), "period"),
    (S.cosine, dict(max_lr=0.1, period=10.0), "period"),
    (S.cosine, dict(max_lr=0.1, period=10, min_lr=-0.01), "min_lr"),
    (S.cosine, dict(max_lr=0.1, period=10, min_lr=0.2), "min_lr"),
    (S.linear, dict(start_lr=-1.0, end_lr=0.1, steps=5), "start_lr"),
    (S.linear, dict(start_lr=0.0, end_lr=0.1, steps=0), "steps"),
    (S.cyclical, dict(base_lr=0.0, max_lr=0.1, step_size=5), "base_lr"),
    (S.cyclical, dict(base_lr=0.01, max_lr=-0.1, step_size=5), "max_lr"),
    (S.cyclical, dict(base_lr=0.1, max_lr=0.01, step_size=5), "max_lr"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=0), "step_size"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=2.5), "step_size"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=5, step_size_down=0), "step_size_down"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=5, step_size_down=1.5), "step_size_down"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=5, mode="sine"), "mode"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=5, mode=None), "mode"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=5, mode="exp_range", gamma=0.0), "gamma"),
    (S.cyclical, dict(base_lr=0.01, max_lr=0.1, step_size=5, mode="exp_range", gamma=1.2), "gamma"),
    (S.sgdr, dict(max_lr=0.0, t0=10), "max_lr"),
    (S.sgdr, dict(max_lr=0.1, t0=0), "t0"),
    (S.sgdr, dict(max_lr=0.1, t0=10.0), "t0"),
    (S.sgdr, dict(max_lr=0.1, t0=10, t_mult=0), "t_mult"),
    (S.sgdr, dict(max_lr=0.1, t0=10, t_mult=1.5), "t_mult"),
    (S.sgdr, dict(max_lr=0.1, t0=10, min_lr=0.5), "min_lr"),
    (S.sgdr, dict(max_lr=0.1, t0=10, min_lr=-1e-3), "min_lr"),
    (S.sgdr, dict(max_lr=0.1, t0=10, peak_decay=0.0), "peak_decay"),
    (S.sgdr, dict(max_lr=0.1, t0=10, peak_decay=1.1), "peak_decay"),
    (S.one_cycle, dict(max_lr=-0.1, total_steps=100), "max_lr"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=1), "total_steps"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100.0), "total_steps"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0.0), "pct_start"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=1.0), "pct_start"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=1.3), "pct_start"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start="0.3"), "pct_start"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0.01), "pct_start"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0.6, three_phase=True), "pct_start"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, div_factor=0.0), "div_factor"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, div_factor=0.5), "div_factor"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, final_div_factor=-1.0), "final_div_factor"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, anneal="cosine"), "anneal"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, three_phase="yes"), "three_phase"),
    (S.sequence, dict(parts=[]), "parts"),
    (S.sequence, dict(parts="cosine"), "parts"),
    (S.sequence, dict(parts=[(S.constant(0.1), 10), (S.constant(0.01), 5)]), "parts"),
    (S.sequence, dict(parts=[(S.constant(0.1), 0), (S.constant(0.01), None)]), "parts"),
    (S.sequence, dict(parts=[S.constant(0.1)]), "parts"),
    (S.warmup, dict(schedule=S.constant(0.1), steps=0), "steps"),
    (S.warmup, dict(schedule=S.constant(0.1), steps=5, start_lr=-0.1), "start_lr"),
    (S.plot_schedule, dict(s=S.constant(0.1), steps=0), "steps"),
]


@pytest.mark.parametrize("factory, kwargs, arg", BAD_ARGS,
                         ids=[f"{f.__name__}-{a}-{i}" for i, (f, _, a) in enumerate(BAD_ARGS)])
def test_bad_arguments_raise_value_error_naming_the_argument(factory, kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        factory(**kwargs)


def test_equal_bounds_and_edge_values_are_accepted():
    np.testing.assert_allclose(S.cyclical(0.05, 0.05, 3)(np.arange(10)), 0.05)
    np.testing.assert_allclose(S.sgdr(0.1, 4, min_lr=0.1)(np.arange(10)), 0.1)
    assert S.cosine(0.1, 1)(np.arange(3)).tolist() == [0.1, 0.0, 0.0]
    assert S.one_cycle(0.1, 100, pct_start=0.5, three_phase=True)(99) == pytest.approx(0.1 / 25 / 1e4)
    assert S.step_decay(0.1, 1.0, 3)(100) == 0.1


# --- behaviour at the points the lessons talk about ------------------------------------------

def test_named_values():
    assert S.step_decay(0.1, 0.5, 10)(np.array([9, 10, 19, 20])).tolist() == [0.1, 0.05, 0.05, 0.025]
    assert S.exponential(1.0, 0.5)(3) == 0.125
    c = S.cosine(0.1, 100, 0.01)
    assert c(0) == 0.1 and c(50) == pytest.approx(0.055) and c(100) == 0.01 and c(10**6) == 0.01
    tri = S.cyclical(0.001, 0.006, 20)
    assert tri(0) == 0.001 and tri(20) == 0.006 and tri(40) == 0.001 and tri(10) == pytest.approx(0.0035)
    asym = S.cyclical(0.25, 1.0, 3, step_size_down=1)
    np.testing.assert_allclose(asym(np.arange(9)), [0.25, 0.5, 0.75, 1.0, 0.25, 0.5, 0.75, 1.0, 0.25])
    tri2 = S.cyclical(0.0 + 1e-9, 1.0, 5, mode="triangular2")
    assert tri2(15) == pytest.approx((1.0 - 1e-9) / 2 + 1e-9)
    one = S.one_cycle(1.0, 100, pct_start=0.3)
    assert one(0) == pytest.approx(0.04) and one(29) == 1.0 and one(99) == pytest.approx(4e-6)
    assert one(100) == one(10**7) == pytest.approx(4e-6)


def test_sequence_and_warmup_count_each_part_from_its_own_start():
    inner = S.cosine(0.1, 50)
    w = S.warmup(inner, 10, start_lr=0.01)
    assert w(0) == 0.01 and w(5) == pytest.approx(0.055)
    t = np.arange(10, 80)
    np.testing.assert_array_equal(w(t), inner(t - 10))
    seq = S.sequence([(S.constant(0.3), 4), (S.exponential(0.1, 0.5), 3), (S.sgdr(0.2, 2), None)])
    np.testing.assert_allclose(seq(np.arange(11)),
                               [0.3] * 4 + [0.1, 0.05, 0.025] + [0.2, 0.1, 0.2, 0.1])
    own = S.sequence([(lambda t: 0.5 / (t + 1), 2), (0.01, None)])
    np.testing.assert_allclose(own(np.arange(4)), [0.5, 0.25, 0.01, 0.01])


def test_plot_schedule_draws_the_rates():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = S.sgdr(0.1, 10, 2)
    ax, line = S.plot_schedule(s, 70, label="sgdr")
    x, y = line.get_data()
    np.testing.assert_array_equal(x, np.arange(70))
    np.testing.assert_array_equal(y, s(np.arange(70)))
    assert line.get_label() == "sgdr" and ax.get_ylabel() == "learning rate"
    _, ax2 = plt.subplots()
    assert S.plot_schedule(S.cosine(0.1, 5), 10, ax=ax2)[0] is ax2
    plt.close("all")


def test_sgdr_restarts_land_exactly_on_boundaries_far_out():
    # cycles of 1, 3, 9, ... steps start at (3**k - 1) / 2; a float logarithm is off by one
    # at some of these boundaries, exact integers never are
    s = S.sgdr(1.0, 1, 3, peak_decay=0.5)
    starts = np.array([(3 ** k - 1) // 2 for k in range(1, 39)])
    k, t_cur, t_i = s.cycles(starts)
    np.testing.assert_array_equal(k, np.arange(1, 39))
    np.testing.assert_array_equal(t_cur, 0)
    k, t_cur, t_i = s.cycles(starts - 1)
    np.testing.assert_array_equal(k, np.arange(0, 38))
    np.testing.assert_array_equal(t_cur, np.array([3 ** j for j in range(38)], dtype=np.int64) - 1)
    np.testing.assert_allclose(s(starts), 0.5 ** np.arange(1, 39), rtol=1e-15)


# --- invariants (property-based) -----------------------------------------------------------

rates = st.floats(1e-6, 10.0)
steps = st.integers(0, 10**6)
fast = settings(max_examples=60, deadline=None, database=None)


@fast
@given(lr0=rates, factor=st.floats(0.01, 1.0), every=st.integers(1, 500), t=steps)
def test_step_decay_bounds_and_plateaus(lr0, factor, every, t):
    s = S.step_decay(lr0, factor, every)
    assert 0 <= s(t) <= lr0
    start = t - t % every
    assert s(t) == s(start)                      # flat within a plateau
    assert s(start + every) == pytest.approx(s(start) * factor, rel=1e-12, abs=1e-300)


@fast
@given(lr0=rates, gamma=st.floats(0.5, 1.0), t=st.integers(0, 10**4))
def test_exponential_multiplies_by_gamma_each_step(lr0, gamma, t):
    s = S.exponential(lr0, gamma)
    assert 0 <= s(t + 1) <= s(t) <= lr0
    assert s(t + 1) == pytest.approx(s(t) * gamma, rel=1e-12, abs=1e-300)


@fast
@given(max_lr=rates, period=st.integers(1, 2000), frac=st.floats(0.0, 1.0), t=steps)
def test_cosine_bounds_monotone_and_flat_after_period(max_lr, period, frac, t):
    min_lr = frac * max_lr
    s = S.cosine(max_lr, period, min_lr)
    v = s(np.arange(period + 3))
    assert v[0] == pytest.approx(max_lr, rel=1e-15) and v[period] == pytest.approx(min_lr, rel=1e-12)
    assert np.all(np.diff(v) <= 1e-15 * max_lr)
    assert np.all((v >= min_lr * (1 - 1e-12)) & (v <= max_lr * (1 + 1e-15)))
    assert s(period + t) == v[period]


@fast
@given(base=rates, ratio=st.floats(1.0, 100.0), up=st.integers(1, 200),
       down=st.one_of(st.none(), st.integers(1, 200)), mode=st.sampled_from(S.CYCLICAL_MODES),
       gamma=st.floats(0.9, 1.0), t=st.integers(0, 10**5))
def test_cyclical_bounds_period_and_cycle_scaling(base, ratio, up, down, mode, gamma, t):
    top = base * ratio
    s = S.cyclical(base, top, up, mode=mode, gamma=gamma, step_size_down=down)
    total = up + (up if down is None else down)
    v, w = s(t), s(t + total)
    assert base * (1 - 1e-12) <= v <= top * (1 + 1e-12)
    k = t % total
    assert s(t - k) == pytest.approx(base, rel=1e-12)       # each cycle starts at base_lr
    height = v - base
    if mode == "triangular":
        assert w == pytest.approx(v, rel=1e-12)           # repeats with period up + down
        assert s(t - k + up) == pytest.approx(top, rel=1e-12)
    elif mode == "triangular2":
        assert w - base == pytest.approx(height / 2, rel=1e-9, abs=1e-15 * top)
    else:
        assert w - base == pytest.approx(height * gamma ** total, rel=1e-9, abs=1e-15 * top)


@fast
@given(max_lr=rates, t0=st.integers(1, 50), t_mult=st.integers(1, 4), frac=st.floats(0.0, 0.5),
       decay=st.floats(0.1, 1.0), k=st.integers(0, 8))
def test_sgdr_restarts_exactly_at_cycle_boundaries(max_lr, t0, t_mult, frac, decay, k):
    min_lr = frac * max_lr
    s = S.sgdr(max_lr, t0, t_mult, min_lr, decay)
    start = sum(t0 * t_mult ** j for j in range(k))
    length = t0 * t_mult ** k
    cycle = s(np.arange(start, start + length + 1))
    peak = min_lr + (max_lr - min_lr) * decay ** k
    assert cycle[0] == pytest.approx(peak, rel=1e-12)               # restart at the boundary
    assert np.all(np.diff(cycle[:-1]) <= 1e-15 * max_lr)           # anneals inside the cycle
    assert np.all(cycle >= min_lr * (1 - 1e-12)) and np.all(cycle <= max_lr * (1 + 1e-12))
    k_of, t_cur, _ = s.cycles(np.array([start, start + length - 1, start + length]))
    assert k_of.tolist() == [k, k, k + 1] and t_cur.tolist() == [0, length - 1, 0]
    assert cycle[-1] == pytest.approx(min_lr + (max_lr - min_lr) * decay ** (k + 1), rel=1e-12)
    if t_mult == 1 and decay == 1.0:                                # plain restarts repeat
        np.testing.assert_allclose(s(np.arange(t0) + start), s(np.arange(t0)), rtol=1e-12)


@fast
@given(max_lr=rates, total=st.integers(10, 5000), pct=st.floats(0.05, 0.95),
       div=st.floats(1.0, 100.0), fdiv=st.floats(1.0, 1e5), anneal=st.sampled_from(["cos", "linear"]),
       three=st.booleans())
def test_one_cycle_bounds_peak_and_end(max_lr, total, pct, div, fdiv, anneal, three):
    try:
        s = S.one_cycle(max_lr, total, pct, div, fdiv, anneal, three)
    except ValueError as exc:   # phases shorter than a step are refused, and said so
        assert "pct_start" in str(exc)
        assume(False)
    v = s(np.arange(total + 5))
    initial, final = max_lr / div, max_lr / div / fdiv
    assert v[0] == pytest.approx(initial, rel=1e-12)
    # the last annealing step lands on final up to rounding relative to max_lr (as in PyTorch)
    assert np.all(v <= max_lr * (1 + 1e-12)) and np.all(v >= final - 4e-16 * max_lr)
    if float(pct * total).is_integer():                             # a step lands on the peak
        assert v.max() == pytest.approx(max_lr, rel=1e-12)
    assert v[total - 1] == pytest.approx(final, rel=1e-12, abs=4e-16 * max_lr)
    assert np.all(v[total:] == final)
    peak = int(np.argmax(v))
    assert np.all(np.diff(v[:peak + 1]) >= -1e-15 * max_lr)       # rises to the peak
    if not three:
        assert np.all(np.diff(v[peak:]) <= 1e-15 * max_lr)        # then only falls
