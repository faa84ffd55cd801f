"""course_lib.models: the linear model, the MLP, the losses and accuracy."""
import numpy as np
import pytest
from autograd import grad

from course_lib import models


def _central_diff(f, params, eps=1e-6):
    out = {}
    for k, v in params.items():
        g = np.zeros_like(v, dtype=float)
        for idx in np.ndindex(v.shape):
            plus = {kk: vv.copy() for kk, vv in params.items()}
            minus = {kk: vv.copy() for kk, vv in params.items()}
            plus[k][idx] += eps
            minus[k][idx] -= eps
            g[idx] = (f(plus) - f(minus)) / (2 * eps)
        out[k] = g
    return out


def test_mae_mse_match_formulas():
    rng = np.random.default_rng(0)
    p, y = rng.standard_normal(17), rng.standard_normal(17)
    assert models.mae(p, y) == pytest.approx(np.sum(np.abs(p - y)) / 17)
    assert models.mse(p, y) == pytest.approx(np.sum((p - y) ** 2) / 17)


def test_cross_entropy_matches_formula():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, 6)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    want = -np.mean(np.log(probs[np.arange(6), labels]))
    assert models.cross_entropy(logits, labels) == pytest.approx(want)
    assert models.cross_entropy(logits, np.eye(4)[labels]) == pytest.approx(want)
    np.testing.assert_allclose(models.softmax(logits), probs)


def test_cross_entropy_is_stable_for_large_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        loss = models.cross_entropy(logits, np.array([0, 1]))
        g = grad(lambda z: models.cross_entropy(z, np.array([0, 1])))(logits)
    assert loss == pytest.approx(np.log(2) / 2)
    assert np.all(np.isfinite(g))
    assert models.cross_entropy(np.array([[-1000.0, 1000.0]]), np.array([0])) == pytest.approx(2000.0)


def test_cross_entropy_bad_labels():
    with pytest.raises(ValueError, match="labels"):
        models.cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="labels"):
        models.cross_entropy(np.zeros((2, 3)), np.zeros((2, 4)))


def test_accuracy():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0], [1.0, 2.0]])
    assert models.accuracy(logits, np.array([0, 1, 1, 1])) == 0.75
    assert models.accuracy(logits, np.eye(2)[[0, 1, 1, 1]]) == 0.75


def test_linear_scalar_and_grid():
    p = {"kernel": np.array(2.0), "bias": np.array(-1.0)}
    x = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(models.linear(p, x), [-1.0, 1.0, 3.0])
    grid = {"kernel": np.array([1.0, 2.0]), "bias": np.array([0.0, 1.0])}
    np.testing.assert_allclose(models.linear(grid, x), [[0, 1, 2], [1, 3, 5]])
    p = models.init_linear(3, 2, seed=0)
    xx = np.ones((4, 3))
    np.testing.assert_allclose(models.linear(p, xx), xx @ p["kernel"] + p["bias"])


def test_init_is_seeded():
    a, b = models.init_mlp((5, 4, 3), seed=1), models.init_mlp((5, 4, 3), seed=1)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert list(a) == ["W1", "b1", "W2", "b2"]
    assert a["W1"].shape == (5, 4) and a["b2"].shape == (3,)
    assert models.mlp_sizes(a) == [5, 4, 3]
    assert models.count_params(a) == 5 * 4 + 4 + 4 * 3 + 3
    c = models.init_mlp((5, 4, 3), seed=2)
    assert not np.array_equal(a["W1"], c["W1"])
    assert models.init_linear(seed=0)["kernel"].shape == ()


def test_linear_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal(20), rng.standard_normal(20)
    p = {"kernel": np.array(0.3), "bias": np.array(-0.2)}
    for lossf in (models.mse, models.mae):
        f = lambda q: float(lossf(models.linear(q, x), y))  # noqa: E731
        g = grad(lambda q: lossf(models.linear(q, x), y))(p)
        fd = _central_diff(f, p)
        for k in p:
            np.testing.assert_allclose(g[k], fd[k], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_gradient_matches_finite_differences(activation):
    rng = np.random.default_rng(3)
    params = models.init_mlp((4, 6, 3), seed=0)
    params["b1"] = rng.standard_normal(6) * 0.1
    x, y = rng.standard_normal((9, 4)), rng.integers(0, 3, 9)
    obj = lambda q: models.cross_entropy(models.mlp(q, x, activation), y)  # noqa: E731
    g = grad(obj)(params)
    fd = _central_diff(lambda q: float(obj(q)), params)
    for k in params:
        np.testing.assert_allclose(g[k], fd[k], rtol=1e-5, atol=1e-7)


def test_mlp_broadcasts_over_stacked_params():
    rng = np.random.default_rng(4)
    ps = [models.init_mlp((4, 5, 3), seed=s) for s in range(3)]
    stacked = {k: np.stack([p[k] for p in ps]) for k in ps[0]}
    x, y = rng.standard_normal((7, 4)), rng.integers(0, 3, 7)
    losses = models.cross_entropy(models.mlp(stacked, x), y)
    np.testing.assert_allclose(losses, [models.cross_entropy(models.mlp(p, x), y) for p in ps])


def test_bad_input():
    with pytest.raises(ValueError, match="sizes"):
        models.init_mlp((5,))
    with pytest.raises(ValueError, match="activation"):
        models.mlp(models.init_mlp((2, 2)), np.zeros((1, 2)), activation="swish")
    with pytest.raises(ValueError, match="loss"):
        models.get_loss("hinge")
    with pytest.raises(ValueError, match="params"):
        models.mlp({"kernel": 1}, np.zeros((1, 2)))


def test_label_rows_must_be_one_hot_or_probabilities():
    logits = np.zeros((2, 3))
    assert models.accuracy(logits, np.array([[1.0, 0, 0], [0, 0.5, 0.5]])) == 0.5
    with pytest.raises(ValueError, match="labels given as rows must be one-hot or probabilities"):
        models.accuracy(logits, np.array([[2, 2, 2], [0, 1, 1]]))
    with pytest.raises(ValueError, match="labels given as rows"):
        models.cross_entropy(logits, np.array([[0.5, 0.6, -0.1], [1.0, 0, 0]]))


def test_a_scalar_kernel_takes_one_input_per_sample():
    with pytest.raises(ValueError, match=r"x must have shape \(n,\) for a scalar kernel"):
        models.linear({"kernel": np.array(2.0), "bias": np.array(1.0)}, np.ones((4, 3)))
