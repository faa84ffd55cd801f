"""Lesson 08's SGDR explorer, driven from Python (no browser), and its test bed."""
import statistics
import warnings

import numpy as np
import pytest

from course_lib import ensembles, functions as F, optim, schedules
from course_lib.widgets.sgdr import (MINIMA_NAMES, RestartProblem, SGDRExplorer, sgdr_explorer)


@pytest.fixture(scope="module")
def explorer():
    return sgdr_explorer()


DEFAULTS = dict(max_lr=0.015, t0=150, t_mult=1, min_lr=0.0, peak_decay=1.0, steps=900, seed=0)


def _expected(ex):
    v = ex.values()
    s = schedules.sgdr(v["max_lr"], v["t0"], v["t_mult"], v["min_lr"], v["peak_decay"])
    return s, s(np.arange(v["steps"]))


def test_initial_picture(explorer):
    explorer.set(**DEFAULTS)
    d = explorer.drawn()
    np.testing.assert_array_equal(d["t"], np.arange(900))
    np.testing.assert_array_equal(d["rates"], schedules.sgdr(0.015, 150)(np.arange(900)))
    np.testing.assert_array_equal(d["ends"], [149, 299, 449, 599, 749, 899])
    np.testing.assert_array_equal(d["end_rates"], d["rates"][d["ends"]])
    assert explorer.image.value[:4] == b"\x89PNG"
    assert "6 cycle ends in 900 steps" in d["status"]
    assert "ends exactly on a cycle end" in d["status"]


@pytest.mark.parametrize("values", [
    dict(t0=60, t_mult=2),
    dict(t0=100, t_mult=3, steps=1300),
    dict(min_lr=0.003),
    dict(peak_decay=0.5, t0=200),
    dict(max_lr=0.008, t0=70, t_mult=2, min_lr=0.001, peak_decay=0.7, steps=1000),
])
def test_moving_a_control_redraws_the_schedule_and_its_cycle_ends(explorer, values):
    explorer.set(**{**DEFAULTS, **values})
    sched, rates = _expected(explorer)
    d = explorer.drawn()
    np.testing.assert_array_equal(d["rates"], rates)
    np.testing.assert_array_equal(d["ends"], ensembles.cycle_ends(sched, len(rates)))
    assert np.all(d["ends"] < len(rates))
    # every marked step is the last of its cycle: the next rate is a restart (higher)
    nxt = sched(d["ends"] + 1)
    assert np.all(nxt > d["end_rates"])
    assert repr(sched) in d["status"]


def test_the_path_is_the_problems_run_and_the_end_points_are_its_cycle_ends(explorer):
    explorer.set(**{**DEFAULTS, "seed": 3, "t0": 100, "steps": 700})
    sched, _ = _expected(explorer)
    run = explorer.problem.run(sched, 700, seed=3)
    d = explorer.drawn()
    np.testing.assert_array_equal(d["path"], run.xs)
    np.testing.assert_array_equal(d["end_points"], run.xs[d["ends"] + 1])
    np.testing.assert_array_equal(d["landings"], explorer.problem.landings(sched, 700, seed=3))
    names = " ".join(MINIMA_NAMES[i] for i in d["landings"])
    assert f"Minima at the cycle ends: {names}" in d["status"]


def test_budget_that_stops_mid_cycle_is_reported(explorer):
    explorer.set(**{**DEFAULTS, "t0": 100, "t_mult": 2, "steps": 1000})
    d = explorer.drawn()
    np.testing.assert_array_equal(d["ends"], [99, 299, 699])
    assert "stops 300 steps into cycle 4 (of 800)" in d["status"]
    assert "never taken" in d["status"]


def test_bad_settings_and_divergence_are_reported_in_words(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.set(**{**DEFAULTS, "max_lr": 0.005, "min_lr": 0.008})
        d = explorer.drawn()
        assert "✗" in d["status"] and "min_lr" in d["status"]
        assert len(d["t"]) == 0 and len(d["path"]) == 0
        explorer.set(**{**DEFAULTS, "max_lr": 0.03})
        d = explorer.drawn()
    assert "✗" in d["status"] and "diverged at step" in d["status"]
    assert np.all(np.isfinite(d["path"])) and len(d["path"]) < 901
    explorer.set(**DEFAULTS)
    assert "✗" not in explorer.status.value


def test_figure_is_built_once_and_artists_move_in_place(explorer):
    figure = explorer.figure
    lines = [explorer.rate_line, explorer.end_marks, explorer.path_line, explorer.path_ends]
    n_axes, n_lines = len(figure.axes), [len(ax.lines) for ax in figure.axes]
    before = explorer.updates
    explorer.controls["t0"].value = 120                 # a slider move redraws by itself
    explorer.controls["t_mult"].value = 2
    assert explorer.updates == before + 2
    assert explorer.figure is figure and len(figure.axes) == n_axes
    assert [len(ax.lines) for ax in figure.axes] == n_lines
    assert [explorer.rate_line, explorer.end_marks, explorer.path_line,
            explorer.path_ends] == lines
    assert all(line in explorer.dynamic_artists for line in lines)
    assert explorer.dynamic_axes == [explorer.ax_rate]    # the contours never redraw
    explorer.set(**DEFAULTS)


def test_update_is_timed(explorer):
    # speed is measured in benchmarks/ (bench_widgets.py), never asserted: machines are noisy
    explorer.set(**DEFAULTS)
    times = []
    for t0 in range(100, 300, 20):
        explorer.controls["t0"].value = t0
        times.append(explorer.last_update_seconds)
    assert all(t > 0 for t in times) and statistics.median(times) > 0
    explorer.set(**DEFAULTS)


def test_unknown_control():
    with pytest.raises(ValueError, match="unknown control"):
        sgdr_explorer().set(T_0=10)
    assert isinstance(sgdr_explorer(t0=50), SGDRExplorer)


# --- the test bed ----------------------------------------------------------------------

def test_run_equals_gradient_descent_with_the_same_noise():
    p = RestartProblem()
    s = schedules.sgdr(0.015, 150)
    fast = p.run(s, 600, seed=3)
    ref = optim.gradient_descent(p.noisy_grad(3), p.x0, s, 600, loss_fn=F.himmelblau,
                                 verbose=False)
    np.testing.assert_allclose(fast.xs, ref.xs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fast.losses, ref.losses, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(fast.rates, ref.lrs)
    # no noise: plain gradient descent
    clean = RestartProblem(noise=0.0).run(0.01, 200)
    ref = optim.gradient_descent(F.himmelblau_grad, (0.0, 0.0), 0.01, 200, verbose=False)
    np.testing.assert_allclose(clean.xs, ref.xs, rtol=1e-12, atol=1e-12)
    assert clean.message == "finished 200 steps" and not clean.diverged


def test_runs_are_seeded():
    p = RestartProblem()
    a, b, c = p.run(0.01, 100, seed=1), p.run(0.01, 100, seed=1), p.run(0.01, 100, seed=2)
    np.testing.assert_array_equal(a.xs, b.xs)
    assert not np.array_equal(a.xs, c.xs)
    np.testing.assert_array_equal(p.draws(5, seed=4),
                                  50.0 * np.random.default_rng(4).standard_normal((5, 2)))


def test_nearest_and_landings():
    p = RestartProblem()
    np.testing.assert_array_equal(p.nearest(F.HIMMELBLAU_MINIMA + 0.1), [0, 1, 2, 3])
    s = schedules.sgdr(0.015, 150)
    run = p.run(s, 900, seed=0)
    land = p.landings(s, 900, seed=0)
    assert len(land) == 6
    np.testing.assert_array_equal(land, p.nearest(run.xs[[150, 300, 450, 600, 750, 900]]))
    # without noise and with a small rate the point stays in the basin it starts in
    quiet = RestartProblem(x0=(3.2, 2.2), noise=0.0)
    np.testing.assert_array_equal(quiet.landings(s, 450), [0, 0, 0])


def test_divergence_stops_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = RestartProblem().run(0.05, 300, seed=0)
    assert run.diverged and "diverged at step" in run.message
    assert len(run.xs) == run.diverged_at + 1 and np.all(np.isfinite(run.xs))


@pytest.mark.parametrize("kwargs, arg", [(dict(x0=(1.0,)), "x0"), (dict(noise=-1.0), "noise")])
def test_problem_bad_arguments(kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        RestartProblem(**kwargs)


def test_problem_bad_run_arguments():
    p = RestartProblem()
    with pytest.raises(ValueError, match="seed"):
        p.run(0.01, 10, seed=-1)
    with pytest.raises(ValueError, match="steps"):
        p.run(0.01, -1)
    with pytest.raises(ValueError, match="lr"):
        p.run(lambda t: -1.0, 5)


def test_after_a_divergence_only_the_snapshots_taken_are_marked(explorer):
    explorer.set(**{**DEFAULTS, "max_lr": 0.03})
    d = explorer.drawn()
    assert explorer.run.diverged_at == 18
    assert len(d["ends"]) == 0 and len(d["end_points"]) == 0
    assert "ends exactly on a cycle end" not in d["status"] and "✓" not in d["status"]
    assert "before the first cycle end (step 149): no snapshot" in d["status"]
    assert "path leaves the right panel" in d["status"]
    explorer.set(**DEFAULTS)


def test_sgdr_constructor_checks():
    with pytest.raises(ValueError, match="^max_lr must be between 0.001 and 0.03, got 0.5"):
        sgdr_explorer(max_lr=0.5)
    with pytest.raises(ValueError, match="^t0 must be a whole number"):
        sgdr_explorer(t0=10.5)
