"""Lesson 05's momentum explorer, driven from Python (no browser)."""
import math

import numpy as np
import pytest

from course_lib import conditioning as C
from course_lib import functions, optimizers
from course_lib.widgets import MomentumExplorer, momentum_explorer
from course_lib.widgets.momentum import region_verdict

H = functions.quadratic((1.0, 10.0), math.pi / 6).hessian


def grad(x):
    return H @ x


@pytest.fixture(scope="module")
def ex():
    return momentum_explorer()


def test_draws_the_heavy_ball_and_the_plain_run(ex):
    ex.set(lr=0.1, beta=0.5, steps=100)
    d = ex.drawn()
    want = optimizers.minimize(grad, (3.0, 3.0), optimizers.Momentum(0.5), 0.1, 100)
    np.testing.assert_allclose(d["path"], want.xs, rtol=1e-12, atol=1e-300)
    plain = optimizers.minimize(grad, (3.0, 3.0), "sgd", 0.1, 100)
    np.testing.assert_allclose(d["gd_path"], plain.xs, rtol=1e-12, atol=1e-300)
    dist = np.linalg.norm(want.xs, axis=1)
    shown = d["distances"]
    ok = ~np.isnan(shown)
    np.testing.assert_allclose(shown[ok], dist[ok], rtol=1e-12)
    assert ex.image.value[:4] == b"\x89PNG"


def test_status_inside_the_region_with_theory_and_measurement(ex):
    ex.set(lr=0.1, beta=0.5, steps=100)
    status = ex.status.value
    assert "inside the stability region" in status and "✗" not in status
    assert "theory 0.707" in status            # sqrt(0.5): complex eigenvalues
    measured = C.measured_contraction(C.distances(ex.result.xs, (0, 0)))
    assert f"measured {measured:.3f}" in status
    assert abs(measured - math.sqrt(0.5)) < 0.01


def test_status_outside_the_region(ex):
    ex.set(lr=0.31, beta=0.5, steps=100)          # lr * 10 = 3.1 > 2 (1 + 0.5)
    status = ex.status.value
    assert "outside the stability region" in status and "✗" in status
    assert "3.100 > 2(1 + β) = 3.000" in status
    assert "leaves the left panel" in status       # said in words, not only drawn
    ex.set(lr=0.29)                                # 2.9 < 3: inside again
    assert "inside the stability region" in ex.status.value


def test_the_optimal_setting_shows_polyaks_factor(ex):
    lr, beta = C.optimal_heavy_ball(1.0, 10.0)
    ex.set(lr=round(lr, 4), beta=round(beta, 2), steps=60)
    status = ex.status.value
    assert "inside" in status
    theory = C.heavy_ball_contraction(ex.values()["lr"], [1.0, 10.0], ex.values()["beta"])
    assert abs(theory - C.optimal_heavy_ball_contraction(10.0)) < 0.02
    assert f"theory {theory:.3f}" in status


def test_off_frame_distances_are_said_in_words(ex):
    ex.set(lr=0.23, beta=0.27, steps=300)
    assert "below the right panel: not drawn" in ex.status.value
    assert np.isnan(ex.drawn()["distances"][-1])
    ex.set(lr=1.0, beta=0.0, steps=100)
    assert "above the right panel: not drawn" in ex.status.value


def test_region_verdict():
    assert region_verdict(0.29, 0.5, [1.0, 10.0])[0]
    assert not region_verdict(0.31, 0.5, [1.0, 10.0])[0]
    assert region_verdict(0.19, 0.0, [1.0, 10.0])[0] and not region_verdict(0.21, 0.0, [1.0, 10.0])[0]


@pytest.mark.parametrize("kwargs,name", [
    (dict(lr=5.0), "lr"), (dict(beta=1.0), "beta"), (dict(steps=5), "steps"),
    (dict(x0=(9.0, 0.0)), "x0"), (dict(eigenvalues=(1.0, -1.0)), "eigenvalues"),
])
def test_bad_constructor_values_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        MomentumExplorer(**kwargs)


def test_schedule_problem_fast_path_is_bit_identical_to_the_quadratic():
    """Lesson 05's ScheduleProblem computes the bowl's gradient and loss with its Hessian
    computed once (for speed); the points and losses must be those of Quadratic's own
    gradient and value, bit for bit."""
    from course_lib import optim, schedules
    from course_lib.widgets.schedule import ScheduleProblem
    p = ScheduleProblem()
    q = p.quadratic
    for lr, seed in [(0.1, 0), (schedules.step_decay(0.18, 0.5, 40), 3), (0.21, 1)]:
        rng = np.random.default_rng(seed)
        want = optim.gradient_descent(lambda x: q.grad(x) + rng.standard_normal(2), p.x0, lr, 150,
                                      loss_fn=q, verbose=False)
        got = p.run(lr, 150, seed=seed)
        np.testing.assert_array_equal(got.xs, want.xs)
        np.testing.assert_array_equal(got.losses, want.losses)
        clean = optim.gradient_descent(q.grad, p.x0, lr, 150, loss_fn=q, verbose=False)
        np.testing.assert_array_equal(p.run(lr, 150, noise=0.0).losses, clean.losses)
