"""Lesson 02's finite-difference explorer, driven from Python (no browser)."""
import numpy as np
import pytest

from course_lib.widgets.fdiff import EXAMPLES, FLOOR, STEPS, fdiff_explorer, relative_errors


@pytest.fixture(scope="module")
def explorer():
    return fdiff_explorer()


def test_initial_state(explorer):
    d = explorer.drawn()
    assert d["method"] == "central" and d["function"] == "sin at 1"
    assert d["step"] == pytest.approx(1e-4)
    assert d["exact"] == pytest.approx(np.cos(1.0))
    assert d["relative_error"] < 1e-7
    assert "central difference with h = 1.0e-04" in d["status"]
    assert explorer.image.value[:4] == b"\x89PNG"


def test_slider_moves_marker_and_secant(explorer):
    explorer.set(log_step=-1.0, method="forward", function="sin at 1")
    d = explorer.drawn()
    assert d["marker"][0] == pytest.approx(0.1)
    assert d["marker"][1] == pytest.approx(d["relative_error"])
    np.testing.assert_allclose(d["points"][:, 0], [1.0, 1.1])
    np.testing.assert_allclose(d["points"][:, 1], np.sin([1.0, 1.1]))
    assert d["numerical"] == pytest.approx((np.sin(1.1) - np.sin(1.0)) / 0.1)
    # the curve drawn is the forward one
    np.testing.assert_allclose(d["curve_errors"], relative_errors(EXAMPLES["sin at 1"], STEPS,
                                                                   "forward"))
    explorer.set(method="central")
    np.testing.assert_allclose(explorer.drawn()["points"][:, 0], [0.9, 1.1])


def test_u_shape_truncation_and_roundoff():
    """Large steps: truncation; tiny steps: round-off; the best step is in between."""
    for name, ex in EXAMPLES.items():
        for method, (lo, hi) in {"forward": (1e-10, 1e-6), "central": (1e-7, 1e-3)}.items():
            err = relative_errors(ex, STEPS, method)
            best = STEPS[np.argmin(err)]
            assert lo <= best <= hi, (name, method, best)
            assert err[0] > 1e3 * err.min() and err[-1] > 1e3 * err.min()
            assert np.all(err >= FLOOR)


def test_central_beats_forward_at_its_best_step():
    for ex in EXAMPLES.values():
        assert relative_errors(ex, STEPS, "central").min() < relative_errors(ex, STEPS, "forward").min()


def test_every_function_draws(explorer):
    for name in EXAMPLES:
        explorer.set(function=name, log_step=-6.0)
        d = explorer.drawn()
        assert np.isfinite(d["numerical"]) and d["relative_error"] < 1e-6
    assert EXAMPLES["Rosenbrock x1 at (-1, 2)"].df(-1.0) == pytest.approx(396.0)


def test_updates_are_in_place_and_quick(explorer):
    artists = (explorer.err_line, explorer.marker, explorer.secant)
    before = explorer.updates
    for s in np.linspace(-15, 0, 6):
        explorer.controls["log_step"].value = float(s)  # as the slider would
    assert explorer.updates == before + 6
    assert (explorer.err_line, explorer.marker, explorer.secant) == artists
    assert explorer.last_update_seconds > 0  # timed; the benchmark measures the speed


def test_bad_arguments():
    with pytest.raises(ValueError, match="^method"):
        fdiff_explorer(method="backward")
    with pytest.raises(ValueError, match="^function"):
        fdiff_explorer(function="cos")
    with pytest.raises(ValueError, match="unknown control"):
        fdiff_explorer().set(step=1e-3)


def test_fdiff_constructor_checks():
    with pytest.raises(ValueError, match="^log_step must be between -16 and 0, got -20"):
        fdiff_explorer(log_step=-20)


@pytest.mark.parametrize("bad, words", [(dict(f=1), "f must be a function"),
                                        (dict(df=None), "df must be a function"),
                                        (dict(x0=float("nan")), "x0 must be a finite number"),
                                        (dict(x0=True), "x0 must be a number"),
                                        (dict(label=None), "label must be a string")])
def test_example_checks_its_fields(bad, words):
    from course_lib.widgets.fdiff import Example
    args = dict(f=np.sin, df=np.cos, x0=1.0, label="sin")
    with pytest.raises(ValueError, match=words):
        Example(**{**args, **bad})
    assert Example(**args).x0 == 1.0 and isinstance(Example(**args), tuple)
