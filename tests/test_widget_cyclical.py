"""Lesson 07's cyclical explorer, driven from Python (no browser), its test bed, and the
lesson's checkers."""
import statistics

import numpy as np
import pytest

from course_lib import optim, schedules
from course_lib.checks import lesson07
from course_lib.widgets.cyclical import CyclicalExplorer, PlateauProblem, cyclical_explorer

CURVES = {"fixed 0.35": (np.arange(1, 5), np.array([0.9, 0.92, 0.93, 0.94])),
          "triangular": (np.arange(1, 5), np.array([0.8, 0.95, 0.9, 0.96])),
          "triangular2": (np.arange(1, 5), np.array([0.8, 0.95, 0.94, 0.97]))}
DEFAULTS = dict(mode="triangular", base_lr=0.01, max_lr=1.5, step_size=50, gamma=0.995, steps=600)


@pytest.fixture(scope="module")
def explorer():
    return cyclical_explorer(digits_curves=CURVES)


def _expected(ex):
    v = ex.values()
    return schedules.cyclical(v["base_lr"], v["max_lr"], v["step_size"], mode=v["mode"],
                              gamma=v["gamma"])


def test_initial_picture(explorer):
    explorer.set(**DEFAULTS)
    d = explorer.drawn()
    np.testing.assert_array_equal(d["t"], np.arange(600))
    np.testing.assert_array_equal(d["rates"], schedules.cyclical(0.01, 1.5, 50)(np.arange(600)))
    assert len(d["losses"]) == 601
    assert explorer.image.value[:4] == b"\x89PNG"
    assert "6 full cycle(s) of 100 steps" in d["status"] and "✓" in d["status"]
    np.testing.assert_array_equal(d["digits"][1], CURVES["triangular"][1])


@pytest.mark.parametrize("values", [
    dict(mode="triangular2", step_size=40),
    dict(mode="exp_range", gamma=0.99),
    dict(base_lr=0.05, max_lr=0.5, step_size=120),
    dict(mode="triangular", steps=350, step_size=100),
])
def test_moving_a_control_redraws_the_rates_and_the_run(explorer, values):
    explorer.set(**{**DEFAULTS, **values})
    sched = _expected(explorer)
    steps = explorer.values()["steps"]
    d = explorer.drawn()
    np.testing.assert_array_equal(d["rates"], sched(np.arange(steps)))
    run = explorer.problem.run(sched, steps)
    np.testing.assert_array_equal(d["losses"], np.maximum(run.losses, 1e-16))
    assert repr(sched) in d["status"]
    shown = explorer.controls["gamma"].layout.display
    assert (shown is None) == (explorer.values()["mode"] == "exp_range")


def test_status_says_where_the_budget_stops(explorer):
    explorer.set(**{**DEFAULTS, "steps": 350, "step_size": 100})
    assert "1 full cycle(s) of 200 steps in 350" in explorer.status.value
    assert "stops 150 steps into cycle 2 (of 200)" in explorer.status.value


def test_digits_curve_follows_the_mode(explorer):
    explorer.set(**{**DEFAULTS, "mode": "triangular2"})
    np.testing.assert_array_equal(explorer.drawn()["digits"][1], CURVES["triangular2"][1])
    explorer.set(mode="exp_range")                       # not precomputed: nothing in bold
    assert explorer.drawn()["digits"] is None


def test_bad_bounds_are_reported_in_words(explorer):
    explorer.set(**{**DEFAULTS, "base_lr": 1.0, "max_lr": 0.1})
    d = explorer.drawn()
    assert "✗" in d["status"] and "max_lr" in d["status"] and len(d["t"]) == 0
    explorer.set(**DEFAULTS)
    assert "✗" not in explorer.status.value


def test_figure_is_built_once_and_artists_move_in_place(explorer):
    figure = explorer.figure
    lines = [explorer.rate_line, explorer.loss_line, explorer.digits_line]
    n_lines = [len(ax.lines) for ax in figure.axes]
    before = explorer.updates
    explorer.controls["step_size"].value = 70
    explorer.controls["mode"].value = "triangular2"
    assert explorer.updates == before + 2
    assert explorer.figure is figure and len(figure.axes) == 3
    assert [len(ax.lines) for ax in figure.axes] == n_lines
    assert [explorer.rate_line, explorer.loss_line, explorer.digits_line] == lines
    assert all(line in explorer.dynamic_artists for line in lines)
    times = []
    for s in range(20, 120, 10):
        explorer.controls["step_size"].value = s
        times.append(explorer.last_update_seconds)
    assert 0 < statistics.median(times)   # timed; speed is measured in benchmarks/, not asserted
    explorer.set(**DEFAULTS)


def test_without_digits_curves_there_are_two_panels():
    ex = cyclical_explorer(mode="exp_range")
    assert len(ex.figure.axes) == 2 and ex.drawn()["digits"] is None
    with pytest.raises(ValueError, match="mode"):
        CyclicalExplorer(mode="cosine")
    with pytest.raises(ValueError, match="digits_curves"):
        CyclicalExplorer(digits_curves={"sgdr": ([1], [0.5])})
    with pytest.raises(ValueError, match="unknown control"):
        ex.set(stepsize=3)


# --- the test bed ----------------------------------------------------------------------

def test_plateau_run_equals_gradient_descent():
    p = PlateauProblem()
    s = schedules.cyclical(0.05, 1.5, 50)
    fast = p.run(s, 400)
    ref = optim.gradient_descent(p.grad, p.x0, s, 400, loss_fn=p.f, verbose=False)
    np.testing.assert_allclose(fast.xs, ref.xs, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fast.losses, ref.losses, rtol=1e-10, atol=1e-16)
    np.testing.assert_array_equal(fast.rates, ref.lrs)


def test_plateau_gradient_matches_finite_differences():
    p = PlateauProblem()
    for x in [(3.5, 0.5), (0.3, -0.02), (-1.0, 0.1)]:
        x = np.array(x)
        h = 1e-6
        fd = [(p.f(x + h * e) - p.f(x - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(p.grad(x), fd, rtol=1e-5, atol=1e-9)
    assert np.isfinite(p.f(np.array([0.0, 500.0])))           # no overflow far out
    assert p.sharp_limit == pytest.approx(0.2)


def test_no_fixed_rate_does_both_but_a_cyclical_one_does():
    p = PlateauProblem()
    small, large = p.run(0.18, 200), p.run(1.5, 600)
    cyc = p.run(schedules.cyclical(0.05, 1.5, 50), 200)
    assert small.escape_step() is None                         # still on the plateau
    assert large.escape_step() < 60 and large.losses[-1] > 0.1   # crosses, never settles
    assert cyc.escape_step() < 80 and cyc.losses[100] < 1e-5 and cyc.losses[200] < 1e-5


@pytest.mark.parametrize("kwargs, arg", [(dict(c=0.0), "c"), (dict(k=-1.0), "k"),
                                         (dict(x0=(1.0, 2.0, 3.0)), "x0")])
def test_plateau_bad_arguments(kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        PlateauProblem(**kwargs)
    with pytest.raises(ValueError, match="steps"):
        PlateauProblem().run(0.1, -1)


# --- lesson 07's checkers ----------------------------------------------------------------

def _triangular(t, base_lr, max_lr, step_size):
    cycle = np.floor(1 + np.asarray(t) / (2 * step_size))
    x = np.abs(np.asarray(t) / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - x)


def test_check_triangular(capsys):
    assert lesson07.triangular(_triangular)
    assert not lesson07.triangular(lambda t, b, m, s: b + (m - b) * (np.asarray(t) % s) / s)
    assert lesson07.triangular(lambda t, b, m, s: None).status == "not attempted"
    assert lesson07.triangular(None).status == "not attempted"
    out = capsys.readouterr().out
    assert "✅" in out and "❌" in out and "not attempted yet" in out


def test_check_step_size(capsys):
    assert lesson07.step_size(90)                       # 2 epochs, 3 cycles in 540 steps
    assert lesson07.step_size(135) and lesson07.step_size(270)
    assert not lesson07.step_size(45)                   # 1 epoch: too short
    assert not lesson07.step_size(100)                  # 540 is not a whole number of cycles
    assert not lesson07.step_size(2.5)
    assert lesson07.step_size(None).status == "not attempted"


def test_check_halving_gamma(capsys):
    right = 0.5 ** (1 / (2 * lesson07.GAMMA_STEP_SIZE))
    assert lesson07.halving_gamma(right)
    assert not lesson07.halving_gamma(0.5)
    assert not lesson07.halving_gamma(0.5 ** (1 / lesson07.GAMMA_STEP_SIZE))
    assert lesson07.halving_gamma(None).status == "not attempted"


def test_cyclical_constructor_checks():
    with pytest.raises(ValueError, match="^max_lr must be between 0.001 and 10, got 50"):
        cyclical_explorer(max_lr=50)
    with pytest.raises(ValueError, match="^step_size must be a whole number"):
        cyclical_explorer(step_size="50")


def test_a_loss_below_the_panel_floor_is_said_not_printed_as_zero():
    from course_lib.widgets.cyclical import LOSS_FLOOR, cyclical_explorer
    ex = cyclical_explorer(mode="triangular2", base_lr=0.05, max_lr=1.5, step_size=100, steps=600)
    assert ex.run.losses[-1] < LOSS_FLOOR
    assert "final loss below 1e-16, under the bottom of the loss panel" in ex.status.value
    assert "0.00e+00" not in ex.status.value
