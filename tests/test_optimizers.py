"""course_lib.optimizers: one step of each rule by hand, containers, minimize."""
import numpy as np
import pytest

from course_lib import functions, optimizers


def test_sgd_one_step():
    p, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    new, state = optimizers.SGD().step(p, g, optimizers.SGD().init(p), 0.1)
    np.testing.assert_allclose(new, [0.95, 2.1])
    np.testing.assert_allclose(p, [1.0, 2.0])  # not modified


def test_momentum_two_steps_by_hand():
    opt = optimizers.Momentum(beta=0.9)
    p, g = np.array([1.0]), np.array([2.0])
    v = opt.init(p)
    p1, v1 = opt.step(p, g, v, 0.1)          # v = 2, p = 1 - 0.2
    np.testing.assert_allclose([p1[0], v1[0]], [0.8, 2.0])
    p2, v2 = opt.step(p1, g, v1, 0.1)        # v = 0.9*2 + 2 = 3.8, p = 0.8 - 0.38
    np.testing.assert_allclose([p2[0], v2[0]], [0.42, 3.8])


def test_nesterov_step_by_hand():
    opt = optimizers.Momentum(beta=0.5, nesterov=True)
    p, g = np.array([1.0]), np.array([2.0])
    v = np.array([1.0])
    new, v_new = opt.step(p, g, v, 0.1)      # v = 0.5 + 2 = 2.5; p = 1 - 0.1 (2 + 1.25)
    np.testing.assert_allclose([new[0], v_new[0]], [0.675, 2.5])


def test_adam_first_step_moves_by_lr():
    opt = optimizers.Adam()
    p = {"a": np.array([1.0, -1.0]), "b": [np.array(3.0)]}
    g = {"a": np.array([1e-3, -50.0]), "b": [np.array(7.0)]}
    new, state = opt.step(p, g, opt.init(p), 0.01)
    # m_hat = g, s_hat = g^2, so the step is lr * g / (|g| + eps) = lr * sign(g)
    np.testing.assert_allclose(new["a"], [1.0 - 0.01, -1.0 + 0.01], rtol=1e-6)
    np.testing.assert_allclose(new["b"][0], 3.0 - 0.01, rtol=1e-6)
    assert state["t"] == 1


def test_adam_second_step_by_hand():
    opt = optimizers.Adam(beta1=0.9, beta2=0.999, eps=1e-8)
    p = np.array([0.0])
    s = opt.init(p)
    p, s = opt.step(p, np.array([1.0]), s, 0.1)
    p, s = opt.step(p, np.array([3.0]), s, 0.1)
    m = 0.9 * 0.1 + 0.1 * 3.0
    v = 0.999 * 0.001 + 0.001 * 9.0
    m_hat, v_hat = m / (1 - 0.81), v / (1 - 0.999 ** 2)
    np.testing.assert_allclose(p, [-0.1 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)])


def test_tree_helpers():
    t = {"a": [np.ones(2), (np.zeros(1), np.array(2.0))]}
    doubled = optimizers.tree_map(lambda x: 2 * x, t)
    assert isinstance(doubled["a"][1], tuple)
    assert len(optimizers.tree_leaves(t)) == 3
    assert optimizers.tree_all_finite(t)
    assert not optimizers.tree_all_finite({"a": np.array([np.nan])})


def test_get_optimizer_by_name_and_bad_input():
    assert isinstance(optimizers.get_optimizer("adam"), optimizers.Adam)
    assert optimizers.get_optimizer("nesterov").nesterov
    with pytest.raises(ValueError, match="optimizer"):
        optimizers.get_optimizer("rmsprop")
    with pytest.raises(ValueError, match="beta"):
        optimizers.Momentum(beta=1.0)
    with pytest.raises(ValueError, match="beta2"):
        optimizers.Adam(beta2=-0.1)
    with pytest.raises(ValueError, match="eps"):
        optimizers.Adam(eps=0)


@pytest.mark.parametrize("opt, lr", [("sgd", 0.1), ("momentum", 0.02), ("adam", 0.05)])
def test_minimize_reaches_rosenbrock_b1_minimum(opt, lr):
    grad = lambda x: functions.rosenbrock_grad(x, b=1.0)  # noqa: E731
    res = optimizers.minimize(grad, (2.0, 2.0), opt, lr, 2000,
                              loss_fn=lambda x: functions.rosenbrock(x, b=1.0))
    assert not res.diverged
    assert res.xs.shape == (2001, 2) and len(res.losses) == 2001
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=2e-2)


def test_minimize_sgd_matches_gradient_descent():
    from course_lib import optim
    grad = lambda x: functions.rosenbrock_grad(x, b=1.0)  # noqa: E731
    a = optimizers.minimize(grad, (2.0, 2.0), "sgd", 0.1, 50).xs
    b = optim.gradient_descent(grad, (2.0, 2.0), 0.1, 50, verbose=False).xs
    np.testing.assert_allclose(a, b)


def test_minimize_reports_divergence_without_warnings():
    with np.errstate(all="raise"):
        pass
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = optimizers.minimize(lambda x: 2 * x ** 3, [3.0], "sgd", 1.0, 50)
    assert res.diverged and "step" in res.message
    assert np.all(np.isfinite(res.xs))
