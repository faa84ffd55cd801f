"""course_lib.adaptive (AdaGrad, RMSProp, adam_step, adam_ratio_bound) against the update
equations lesson 04 writes out, against course_lib.optimizers, and against hand computations."""
import numpy as np
import pytest

from course_lib import adaptive, optimizers, training
from course_lib.adaptive import AdaGrad, RMSProp, adam_ratio_bound, adam_step

RNG = np.random.default_rng(0)
GRADS = [RNG.standard_normal(4) for _ in range(6)]
P0 = RNG.standard_normal(4)


def run(opt, lr=0.1, grads=GRADS, p0=P0):
    p, state, path = p0.copy(), opt.init(p0), [p0.copy()]
    for g in grads:
        p, state = opt.step(p, g, state, lr)
        path.append(p)
    return np.array(path), state


def test_sgd_and_heavy_ball_and_nesterov_follow_their_equations():
    lr, b = 0.1, 0.9
    path, _ = run(optimizers.SGD(), lr)
    assert np.allclose(path[-1], P0 - lr * np.sum(GRADS, axis=0))
    for nesterov in (False, True):
        path, v_end = run(optimizers.Momentum(b, nesterov=nesterov), lr)
        p, v = P0.copy(), np.zeros(4)
        for g in GRADS:
            v = b * v + g
            p = p - lr * (g + b * v if nesterov else v)
        assert np.allclose(path[-1], p) and np.allclose(v_end, v)


def test_adagrad_sums_squares_and_first_step_is_lr():
    path, s = run(AdaGrad(), 0.1)
    assert np.allclose(s, np.sum(np.square(GRADS), axis=0))
    assert np.allclose(np.abs(path[1] - path[0]), 0.1)          # |g| / sqrt(g^2) = 1
    p = P0.copy()
    acc = np.zeros(4)
    for g in GRADS:
        acc = acc + g * g
        p = p - 0.1 * g / (np.sqrt(acc) + 1e-10)
    assert np.allclose(path[-1], p, rtol=1e-13)
    # the same gradient every step: steps shrink like 1 / sqrt(t)
    const, _ = run(AdaGrad(), 0.1, [np.ones(4)] * 16)
    steps = np.abs(np.diff(const, axis=0))[:, 0]
    assert np.allclose(steps, 0.1 / np.sqrt(np.arange(1, 17)))


def test_rmsprop_running_mean_and_uncorrected_first_step():
    path, s = run(RMSProp(alpha=0.99), 0.01)
    assert np.allclose(np.abs(path[1] - path[0]), 0.01 / np.sqrt(0.01), rtol=1e-6)  # 10 lr
    p, acc = P0.copy(), np.zeros(4)
    for g in GRADS:
        acc = 0.99 * acc + 0.01 * g * g
        p = p - 0.01 * g / (np.sqrt(acc) + 1e-8)
    assert np.allclose(path[-1], p, rtol=1e-13) and np.allclose(s, acc)


def test_adaptive_rules_leave_inputs_alone_and_take_trees():
    params = {"w": np.ones(3), "b": np.array(0.5)}
    grads = {"w": np.array([1.0, -2.0, 0.0]), "b": np.array(3.0)}
    for opt in (AdaGrad(), RMSProp()):
        keep = {k: v.copy() for k, v in params.items()}
        new, state = opt.step(params, grads, opt.init(params), 0.1)
        assert all(np.array_equal(params[k], keep[k]) for k in params)
        assert new["w"][2] == 1.0                                  # zero gradient: no move
        assert set(new) == {"w", "b"} and set(state) == {"w", "b"}


def test_adaptive_rules_train_with_fit():
    x = np.linspace(-1, 1, 40)
    y = 2 * x - 1
    for opt in (AdaGrad(), RMSProp()):
        h = training.fit({"kernel": np.array(0.0), "bias": np.array(0.0)}, "linear", x, y,
                         optimizer=opt, lr=0.3, epochs=80, batch_size=40, verbose=0)
        assert not h.diverged and h.train_loss[-1] < 0.05 * h.losses[0]


def test_adam_step_equals_the_adam_optimizer():
    opt = optimizers.Adam()
    p, state = P0.copy(), opt.init(P0)
    q, m, v = P0.copy(), np.zeros(4), np.zeros(4)
    for t, g in enumerate(GRADS, start=1):
        p, state = opt.step(p, g, state, 0.01)
        q, m, v = adam_step(q, g, m, v, t, 0.01)
        assert np.allclose(p, q, rtol=1e-14, atol=0)
        assert np.allclose(m, state["m"]) and np.allclose(v, state["s"])


def test_adam_step_by_hand_and_inputs_unchanged():
    p, g, m, v = np.array([1.0]), np.array([2.0]), np.array([0.0]), np.array([0.0])
    new_p, new_m, new_v = adam_step(p, g, m, v, 1, 0.1)
    assert np.isclose(new_m[0], 0.2) and np.isclose(new_v[0], 0.004)
    assert np.isclose(new_p[0], 1.0 - 0.1 * 2.0 / (2.0 + 1e-8))      # first step: lr |g| / (|g| + eps)
    assert m[0] == 0 and v[0] == 0 and p[0] == 1.0


@pytest.mark.parametrize("bad, word", [({"t": 0}, "t"), ({"t": 1.5}, "t"), ({"t": True}, "t"),
                                       ({"beta1": 1.0}, "beta1"), ({"beta2": -0.1}, "beta2"),
                                       ({"eps": 0.0}, "eps")])
def test_adam_step_bad_arguments(bad, word):
    kw = {"t": 1, **bad}
    t = kw.pop("t")
    with pytest.raises(ValueError, match=word):
        adam_step(np.ones(2), np.ones(2), np.zeros(2), np.zeros(2), t, 0.1, **kw)


def test_adam_ratio_bound_is_one_at_first_and_reaches_its_limit():
    assert adam_ratio_bound(1) == pytest.approx(1.0)
    b1, b2 = 0.9, 0.999
    limit = (1 - b1) / np.sqrt((1 - b2) * (1 - b1 ** 2 / b2))
    assert adam_ratio_bound(20000) == pytest.approx(limit, rel=1e-6)
    assert adam_ratio_bound(2) < adam_ratio_bound(10) < adam_ratio_bound(100)
    assert adam_ratio_bound(50, 0.9, 0.9) == pytest.approx(1.0)     # beta1 = beta2: Jensen
    with pytest.raises(ValueError, match="t"):
        adam_ratio_bound(0)
    with pytest.raises(ValueError, match="beta2"):
        adam_ratio_bound(3, 0.9, 0.0)


def test_adam_ratio_bound_is_reached_and_never_exceeded():
    t, b1, b2 = 40, 0.9, 0.999
    k = np.arange(t)[::-1]                           # age of the gradient of step i
    w = (1 - b1) * b1 ** k
    u = (1 - b2) * b2 ** k
    worst = w / u                                    # Cauchy-Schwarz equality case
    m, v = np.zeros(1), np.zeros(1)
    p = np.zeros(1)
    for i in range(t):
        q, m, v = adam_step(p, np.array([worst[i]]), m, v, i + 1, 1.0, eps=1e-300)
        step = abs(q - p)[0]
        p = q
    assert step == pytest.approx(adam_ratio_bound(t), rel=1e-9)
    rng = np.random.default_rng(1)
    for _ in range(20):                               # random gradients stay below
        g = rng.standard_normal(t) * np.exp(rng.standard_normal(t))
        m, v, p = np.zeros(1), np.zeros(1), np.zeros(1)
        for i in range(t):
            q, m, v = adam_step(p, g[i:i + 1], m, v, i + 1, 1.0)
            assert abs(q - p)[0] <= adam_ratio_bound(i + 1) * (1 + 1e-12)
            p = q


def test_bad_hyperparameters_named():
    with pytest.raises(ValueError, match="alpha"):
        RMSProp(alpha=1.0)
    with pytest.raises(ValueError, match="eps"):
        AdaGrad(eps=-1.0)
    assert adaptive.__all__
