"""course_lib.surfaces: grids by broadcasting equal pointwise loops; Li et al. directions."""
import numpy as np
import pytest

from course_lib import data, models, surfaces


@pytest.fixture(scope="module")
def line():
    return data.linear_data(n=40, seed=1)


@pytest.mark.parametrize("loss", ["mse", "mae"])
def test_linear_surface_equals_loop(line, loss):
    x, y = line
    ks, bs = np.linspace(-1, 4, 6), np.linspace(-3, 1, 5)
    K, B, Z = surfaces.linear_surface(x, y, ks, bs, loss)
    assert Z.shape == (5, 6)
    f = models.get_loss(loss)
    for i, b in enumerate(bs):
        for j, k in enumerate(ks):
            assert Z[i, j] == pytest.approx(float(f(k * x + b, y)))
            assert K[i, j] == k and B[i, j] == b


@pytest.mark.parametrize("loss", ["mse", "mae"])
def test_linear_surface_grad_matches_autograd(line, loss):
    from autograd import grad
    x, y = line
    f = models.get_loss(loss)
    for k, b in [(0.3, 0.2), (2.0, -1.5), (-1.0, 1.0)]:
        g = grad(lambda p: f(models.linear(p, x), y))({"kernel": np.array(k), "bias": np.array(b)})
        gk, gb = surfaces.linear_surface_grad(x, y, k, b, loss)
        assert gk == pytest.approx(float(g["kernel"])) and gb == pytest.approx(float(g["bias"]))


def test_linear_optimum_is_least_squares(line):
    x, y = line
    k, b = surfaces.linear_optimum(x, y)
    np.testing.assert_allclose([k, b], np.polyfit(x, y, 1))
    gk, gb = surfaces.linear_surface_grad(x, y, k, b, "mse")
    assert abs(gk) < 1e-10 and abs(gb) < 1e-10


def _net():
    rng = np.random.default_rng(0)
    p = models.init_mlp((5, 7, 3), seed=0)
    x, y = rng.standard_normal((30, 5)), rng.integers(0, 3, 30)
    return p, (lambda q: models.cross_entropy(models.mlp(q, x), y))


def test_filter_normalised_direction():
    p, _ = _net()
    d = surfaces.random_direction(p, seed=3)
    for k, ratios in surfaces.direction_norms(d, p).items():
        np.testing.assert_allclose(ratios, 1.0)
    assert np.all(d["b1"] == 0) and np.all(d["b2"] == 0)
    d2 = surfaces.random_direction(p, seed=3)
    assert np.array_equal(d["W1"], d2["W1"])
    p = {**p, "b1": np.full(7, 0.1)}
    layer = surfaces.random_direction(p, seed=3, normalization="layer", ignore_bias=False)
    assert np.linalg.norm(layer["W2"]) == pytest.approx(np.linalg.norm(p["W2"]))
    assert np.linalg.norm(layer["b1"]) == pytest.approx(np.linalg.norm(p["b1"]))
    with pytest.raises(ValueError, match="normalization"):
        surfaces.random_direction(p, normalization="batch")


def test_loss_plane_vectorized_equals_loop():
    p, f = _net()
    d1, d2 = surfaces.random_direction(p, seed=1), surfaces.random_direction(p, seed=2)
    a, b = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 4)
    A, Bt, Z = surfaces.loss_plane(f, p, d1, d2, a, b, chunk=7)
    _, _, Zl = surfaces.loss_plane(f, p, d1, d2, a, b, vectorized=False)
    assert Z.shape == (4, 5)
    np.testing.assert_allclose(Z, Zl, rtol=1e-12)
    i, j = 2, 3
    moved = {k: p[k] + A[i, j] * d1[k] + Bt[i, j] * d2[k] for k in p}
    assert Z[i, j] == pytest.approx(float(f(moved)))


def test_loss_line_center_is_the_loss():
    p, f = _net()
    d = surfaces.random_direction(p, seed=1)
    alphas = np.linspace(-1, 1, 11)
    line = surfaces.loss_line(f, p, d, alphas)
    assert line[5] == pytest.approx(float(f(p)))
    np.testing.assert_allclose(line, surfaces.loss_line(f, p, d, alphas, vectorized=False))


def test_loss_line_rejects_non_broadcasting_loss():
    p, f = _net()
    d = surfaces.random_direction(p, seed=1)
    with pytest.raises(ValueError, match="vectorized"):
        surfaces.loss_line(lambda q: float(np.sum(q["b2"])), p, d, np.linspace(-1, 1, 3))


def test_downhill_fraction_and_probability():
    bowl = lambda w: np.sum(w ** 2, axis=-1)  # noqa: E731
    for dim in (2, 50, 500):
        w = np.zeros(dim)
        w[0] = 1.0
        frac = surfaces.downhill_fraction(bowl, w, 0.1, n_dirs=20000, seed=0)
        assert frac == pytest.approx(surfaces.downhill_probability(dim, 0.1), abs=0.015)
    assert surfaces.downhill_probability(2, 0.1) == pytest.approx(1 - np.arccos(-0.05) / np.pi, abs=1e-4)
    assert surfaces.downhill_probability(10, 3.0) == 0.0
    with pytest.raises(ValueError, match="dim"):
        surfaces.downhill_probability(1, 0.1)
    with pytest.raises(ValueError, match="step"):
        surfaces.downhill_fraction(bowl, np.ones(3), -1.0)


def test_bad_grid():
    with pytest.raises(ValueError, match="kernels"):
        surfaces.linear_surface(np.ones(3), np.ones(3), [], [1.0])
    with pytest.raises(ValueError, match="loss"):
        surfaces.linear_surface_grad(np.ones(3), np.ones(3), 1.0, 1.0, "huber")
