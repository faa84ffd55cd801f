"""course_lib.conditioning: condition numbers, plain and heavy-ball contraction factors,
the momentum stability region measured by bisection, and the steps to a tolerance."""
import math

import numpy as np
import pytest

from course_lib import conditioning as C
from course_lib import functions, optim, optimizers

BOWL = functions.quadratic((1.0, 10.0), math.pi / 6)
H = BOWL.hessian
X0 = (3.0, 3.0)


def grad(x):
    return H @ x


def test_condition_number_of_rosenbrock_and_of_the_bowl():
    h1 = functions.rosenbrock_hessian(np.array([1.0, 1.0]), b=1.0)
    # eigenvalues 6 -+ sqrt(32): kappa = (6 + sqrt 32) / (6 - sqrt 32) = 17 + 12 sqrt 2
    assert C.condition_number(h1) == pytest.approx(17 + 12 * math.sqrt(2), rel=1e-12)
    assert C.condition_number(H) == pytest.approx(10.0, rel=1e-12)
    np.testing.assert_allclose(C.hessian_eigenvalues(H), [1.0, 10.0], rtol=1e-12)
    assert C.condition_number(np.eye(3)) == 1.0


@pytest.mark.parametrize("bad,words", [
    (np.array([[1.0, 2.0], [0.0, 1.0]]), "symmetric"),
    (np.array([1.0, 2.0]), "square"),
    (np.array([[1.0, 0.0], [0.0, -1.0]]), "positive definite"),
    (np.array([[np.nan, 0.0], [0.0, 1.0]]), "finite"),
    ("abc", "H must"),
])
def test_condition_number_refuses_bad_matrices_naming_H(bad, words):
    with pytest.raises(ValueError, match="H") as info:
        C.condition_number(bad)
    assert words in str(info.value)


def test_plain_factors_and_the_best_constant_rate():
    np.testing.assert_allclose(C.gd_factors(0.1, [1.0, 10.0]), [0.9, 0.0], atol=1e-15)
    assert C.gd_contraction(0.21, [1.0, 10.0]) == pytest.approx(1.1)
    best = C.best_constant_rate(1.0, 10.0)
    assert best == pytest.approx(2 / 11)
    # at the best rate both extreme factors have the same size, (kappa - 1) / (kappa + 1)
    assert C.gd_contraction(best, [1.0, 10.0]) == pytest.approx(C.best_gd_contraction(10.0))
    assert C.best_gd_contraction(10.0) == pytest.approx(9 / 11)
    # and no other rate does better
    for lr in np.linspace(0.01, 0.199, 50):
        assert C.gd_contraction(lr, [1.0, 10.0]) >= C.best_gd_contraction(10.0) - 1e-12


def test_heavy_ball_matrix_and_its_radius():
    M = C.heavy_ball_matrix(0.1, 10.0, 0.5)
    np.testing.assert_allclose(M, [[0.5, -0.5], [1.0, 0.0]])
    # complex eigenvalues have modulus sqrt(beta)
    assert C.heavy_ball_radius(0.1, 10.0, 0.5) == pytest.approx(math.sqrt(0.5))
    # beta = 0 is plain gradient descent
    assert C.heavy_ball_radius(0.15, 10.0, 0.0) == pytest.approx(0.5)
    assert C.heavy_ball_contraction(0.15, [1.0, 10.0], 0.0) == pytest.approx(C.gd_contraction(0.15, [1.0, 10.0]))


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.5, 0.9])
def test_the_radius_crosses_one_exactly_at_the_limit(beta):
    edge = C.heavy_ball_limit(10.0, beta)
    assert edge == pytest.approx(2 * (1 + beta) / 10)
    assert C.heavy_ball_radius(edge * (1 - 1e-6), 10.0, beta) < 1
    assert C.heavy_ball_radius(edge * (1 + 1e-6), 10.0, beta) > 1


def test_optimal_heavy_ball_and_its_factor():
    lr, beta = C.optimal_heavy_ball(1.0, 100.0)
    assert lr == pytest.approx(4 / 121) and beta == pytest.approx((9 / 11) ** 2)
    rho = C.optimal_heavy_ball_contraction(100.0)
    assert rho == pytest.approx(9 / 11)
    assert C.heavy_ball_contraction(lr, [1.0, 100.0], beta) == pytest.approx(rho, rel=1e-6)
    # nearby settings are no better
    for dl, db in [(1.05, 1.0), (0.95, 1.0), (1.0, 1.05), (1.0, 0.95)]:
        assert C.heavy_ball_contraction(lr * dl, [1.0, 100.0], beta * db) > rho - 1e-9


@pytest.mark.parametrize("call,name", [
    (lambda: C.heavy_ball_limit(10.0, 1.0), "beta"),
    (lambda: C.heavy_ball_limit(10.0, -0.1), "beta"),
    (lambda: C.heavy_ball_limit(0.0, 0.5), "lam"),
    (lambda: C.heavy_ball_matrix(-0.1, 1.0, 0.5), "lr"),
    (lambda: C.heavy_ball_matrix(0.1, 1.0, "big"), "beta"),
    (lambda: C.optimal_heavy_ball(10.0, 1.0), "lam_min"),
    (lambda: C.optimal_heavy_ball(0.0, 1.0), "lam_min"),
    (lambda: C.best_constant_rate(1.0, np.inf), "lam_max"),
    (lambda: C.best_gd_contraction(0.5), "kappa"),
    (lambda: C.optimal_heavy_ball_contraction(0.5), "kappa"),
    (lambda: C.gd_factors(0.1, [1.0, -2.0]), "eigenvalues"),
    (lambda: C.gd_factors(0.1, []), "eigenvalues"),
    (lambda: C.heavy_ball(grad, X0, 0.1, 0.5, -1), "steps"),
    (lambda: C.heavy_ball("grad", X0, 0.1, 0.5, 10), "grad_fn"),
    (lambda: C.heavy_ball(grad, (1.0, np.nan), 0.1, 0.5, 10), "x0"),
    (lambda: C.steps_to_tolerance(grad, X0, 0.1, minimum=(0, 0), tol=1.5), "tol"),
    (lambda: C.steps_to_tolerance(grad, X0, 0.1, minimum=(0, 0, 0)), "minimum"),
    (lambda: C.measured_contraction([1.0, 0.5]), "dist"),
    (lambda: C.bisect_limit(lambda lr: lr > 0.5, 0.6, 1.0), "lo"),
    (lambda: C.bisect_limit(lambda lr: lr > 0.5, 0.1, 0.4), "hi"),
    (lambda: C.bisect_limit(lambda lr: lr > 0.5, 0.1, 1.0, resolution=0), "resolution"),
])
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


def test_heavy_ball_is_the_course_momentum_optimizer():
    ours = C.heavy_ball(grad, X0, 0.2, 0.6, 150)
    theirs = optimizers.minimize(grad, X0, optimizers.Momentum(0.6), 0.2, 150)
    np.testing.assert_allclose(ours.xs, theirs.xs, rtol=1e-12, atol=1e-300)
    plain = C.heavy_ball(grad, X0, 0.15, 0.0, 80)
    ref = optim.gradient_descent(grad, X0, 0.15, 80, verbose=False)
    np.testing.assert_allclose(plain.xs, ref.xs, rtol=1e-12, atol=1e-300)
    # the Polyak form x - lr g + beta (x - x_prev) gives the same points
    x_prev, x = np.array(X0), np.array(X0) - 0.2 * grad(np.array(X0))
    for t in range(1, 30):
        x_prev, x = x, x - 0.2 * grad(x) + 0.6 * (x - x_prev)
        np.testing.assert_allclose(ours.xs[t + 1], x, rtol=1e-10)


def test_heavy_ball_stops_quietly_at_inf(recwarn):
    run = C.heavy_ball(grad, X0, 1.0, 0.5, 1000)
    assert run.diverged and np.all(np.isfinite(run.xs))
    assert len(run.xs) == run.diverged_at + 1 and "diverged at step" in run.message
    assert not recwarn.list
    assert C.distances(np.array([[1e300, 1e300]]), (0, 0))[0] == pytest.approx(math.sqrt(2) * 1e300)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_the_measured_bisection_limit_is_two_times_one_plus_beta_over_lambda(beta):
    lo, hi = C.bisect_limit(lambda lr: C.diverges(grad, X0, lr, minimum=(0, 0), beta=beta,
                                                  steps=1000), 0.01, 1.0, resolution=1e-5)
    theory = 2 * (1 + beta) / 10.0
    assert hi - lo <= 1e-5
    assert lo - 1e-9 <= theory <= hi + 1e-9


def test_diverges_sees_the_oscillating_heavy_ball_as_converging():
    # strongly oscillating but converging (complex eigenvalues, radius sqrt(0.95) ~ 0.975)
    assert not C.diverges(grad, X0, 0.05, minimum=(0, 0), beta=0.95)
    # its limit is 2 (1 + 0.95) / 10 = 0.39
    assert not C.diverges(grad, X0, 0.389, minimum=(0, 0), beta=0.95)
    assert C.diverges(grad, X0, 0.391, minimum=(0, 0), beta=0.95)


def test_measured_contraction_matches_theory():
    for lr, beta in [(0.1, 0.0), (0.1, 0.5), (0.18, 0.0), (0.25, 0.3)]:
        run = C.heavy_ball(grad, X0, lr, beta, 400)
        got = C.measured_contraction(C.distances(run.xs, (0, 0)))
        assert got == pytest.approx(C.heavy_ball_contraction(lr, [1.0, 10.0], beta), rel=0.02)
    # a run that lands exactly on the minimum leaves nothing to measure
    with pytest.raises(ValueError, match="^dist"):
        C.measured_contraction(np.r_[1.0, np.zeros(20)])


def test_steps_to_tolerance_and_the_square_root_speed_up():
    for kappa in (10.0, 100.0):
        q = functions.quadratic((1.0, kappa), math.pi / 6)
        h = q.hessian
        g = lambda x, h=h: h @ x  # noqa: E731
        n_gd = C.steps_to_tolerance(g, X0, C.best_constant_rate(1.0, kappa), minimum=(0, 0),
                                    tol=1e-6, max_steps=5000)
        lr, beta = C.optimal_heavy_ball(1.0, kappa)
        n_hb = C.steps_to_tolerance(g, X0, lr, beta=beta, minimum=(0, 0), tol=1e-6, max_steps=5000)
        predicted_gd = math.log(1e-6) / math.log(C.best_gd_contraction(kappa))
        predicted_hb = math.log(1e-6) / math.log(C.optimal_heavy_ball_contraction(kappa))
        assert abs(n_gd - predicted_gd) <= 2
        assert predicted_hb <= n_hb <= 1.4 * predicted_hb
        assert 0.7 * math.sqrt(kappa) < n_gd / n_hb < 1.1 * math.sqrt(kappa)


def test_steps_to_tolerance_reports_none_when_not_reached():
    assert C.steps_to_tolerance(grad, X0, 0.001, minimum=(0, 0), max_steps=50) is None
    assert C.steps_to_tolerance(grad, X0, 0.5, minimum=(0, 0), max_steps=500) is None
    assert C.steps_to_tolerance(grad, (0.0, 0.0), 0.1, minimum=(0, 0), max_steps=10) == 0


# ---- the "On your own" questions of lessons 01 and 05 have answers ---------------------------
# (each question is answered here with the lesson's own tools, so a change that makes one
# unanswerable fails; the answers are not printed in the lessons)

def _rosen(b):
    return (lambda x: functions.rosenbrock(x, b=b)), (lambda x: functions.rosenbrock_grad(x, b=b))


def test_lesson01_question1_the_left_arm_falls_into_the_same_2_cycle():
    from course_lib.widgets import gd_explorer
    ex = gd_explorer(lr=0.2, x0=(-1.5, 2.5))        # the start is reachable with the sliders
    run = ex.result
    xs = run.xs
    assert not run.diverged
    assert np.abs(xs[-1] - xs[-3]).max() < 1e-4 < np.linalg.norm(xs[-1] - xs[-2])
    _, g = _rosen(1.0)
    ref = optim.gradient_descent(g, (2.0, 2.0), 0.2, 100, verbose=False)
    assert min(np.linalg.norm(xs[-1] - ref.xs[-1]), np.linalg.norm(xs[-1] - ref.xs[-2])) < 1e-3


def test_lesson01_question2_b100_below_the_local_limit_is_not_enough():
    f, g = _rosen(100.0)
    lam = np.linalg.eigvalsh(functions.rosenbrock_hessian(np.array([1.0, 1.0]), b=100.0))
    local = 2 / lam.max()
    assert 0.0019 < local < 0.0021

    def converges(lr):
        run = optim.gradient_descent(g, (2.0, 2.0), lr, 20000, verbose=False)
        return (not run.diverged) and np.linalg.norm(run.x - 1) < 0.01

    assert converges(0.0015) and not converges(0.0019)   # 0.0019 < local limit, yet it fails
    run = optim.gradient_descent(g, (2.0, 2.0), 0.001, 20000, verbose=False)
    far = np.flatnonzero(np.linalg.norm(run.xs - 1, axis=1) > 0.01)
    assert 5000 < far[-1] + 1 < 20000                     # 0.001 gets there, slowly


def test_lesson01_question3_stronger_decay_is_worse_after_100_steps():
    from course_lib import schedules
    f, g = _rosen(1.0)
    end = {d: optim.gradient_descent(g, (2.0, 2.0), schedules.time_decay(0.2, d), 100,
                                     loss_fn=f, verbose=False).losses[-1] for d in (0.01, 0.1)}
    assert end[0.1] > 100 * end[0.01]


def test_lesson05_question1_the_best_momentum_for_a_small_fixed_rate():
    from course_lib.widgets import momentum_explorer
    ex = momentum_explorer(lr=0.02, beta=0.0, steps=300)
    factors = {}
    for beta in np.round(np.arange(0.0, 0.91, 0.01), 2):
        ex.set(beta=float(beta))
        factors[float(beta)] = C.measured_contraction(C.distances(ex.result.xs, (0, 0)))
    best = min(factors, key=factors.get)
    theory_beta = (1 - math.sqrt(0.02)) ** 2
    assert abs(best - theory_beta) <= 0.03
    assert abs(factors[best] - (1 - math.sqrt(0.02))) < 0.01
    assert factors[0.0] > factors[best] + 0.1


def test_lesson05_question2_time_decay_from_five_times_the_limit():
    from course_lib.widgets.schedule import schedule_explorer
    ex = schedule_explorer(schedule="time_decay", lr=1.0, decay=0.5, noise=0.0, steps=200)
    assert ex.controls["lr"].value == ex.controls["lr"].base ** ex.controls["lr"].max
    assert "8 steps above the stability limit" in ex.status.value
    assert ex.verdict == "falling"
    assert ex.result.losses[-1] < 1e-6 * ex.result.losses[0]


def test_lesson05_question3_cosine_holds_its_minimum_in_the_second_half():
    from course_lib.widgets.schedule import schedule_explorer
    ex = schedule_explorer(schedule="cosine", lr=0.18, period=100, steps=200)
    rates = ex.drawn()["rates"]
    assert np.all(rates[100:] == rates[100]) and rates[100] < 0.01 * rates[0]
    losses = ex.result.losses[100:]
    assert losses.max() < 1.5 * losses.min()   # the second half barely moves
