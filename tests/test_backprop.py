"""course_lib.backprop: the hand-written backward pass equals autograd's, and fit / the
range test use it for the course's MLP under cross-entropy (and autograd otherwise)."""
import numpy as np
import pytest
from autograd import value_and_grad

from course_lib import backprop, data, lr_finder, models, training


def autograd_pair(params, x, y, activation="relu"):
    return value_and_grad(lambda p: models.cross_entropy(models.mlp(p, x, activation), y))(params)


@pytest.mark.parametrize("sizes", [(64, 32, 10), (5, 3), (7, 6, 5, 4), (3, 8, 8, 8, 2)])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_and_every_gradient_equal_autograd(sizes, activation, seed):
    rng = np.random.default_rng(seed)
    params = models.init_mlp(sizes, seed=seed)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}  # biases too
    x = rng.standard_normal((int(rng.integers(1, 40)), sizes[0]))
    y = rng.integers(0, sizes[-1], len(x))
    loss, grads = backprop.mlp_cross_entropy(params, x, y, activation)
    ref_loss, ref_grads = autograd_pair(params, x, y, activation)
    assert loss == pytest.approx(float(ref_loss), rel=1e-13)
    assert list(grads) == list(params)
    for k in params:
        assert grads[k].shape == params[k].shape
        np.testing.assert_allclose(grads[k], ref_grads[k], rtol=1e-11, atol=1e-15)


def test_soft_labels_and_huge_logits_and_relu_ties():
    params = {"W1": np.array([[1.0, -1.0], [0.0, 0.0]]), "b1": np.zeros(2),
              "W2": np.array([[300.0, -300.0, 1.0], [2.0, 0.5, -400.0]]), "b2": np.zeros(3)}
    x = np.array([[0.0, 1.0], [2.0, 3.0], [-1.0, 0.5]])      # the first row: both units tie at 0
    y = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    loss, grads = backprop.mlp_cross_entropy(params, x, y)
    ref_loss, ref_grads = autograd_pair(params, x, y)
    assert np.isfinite(loss) and loss == pytest.approx(float(ref_loss), rel=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], ref_grads[k], rtol=1e-11, atol=1e-12)


def test_bad_activation_is_named():
    with pytest.raises(ValueError, match="activation"):
        backprop.mlp_cross_entropy(models.init_mlp((3, 2)), np.zeros((1, 3)), [0], "sigmoid")


def test_only_the_mlp_under_cross_entropy_gets_the_hand_written_pass():
    fallback = object()
    assert backprop.value_and_grad_for(models.mlp, models.mse, fallback) is fallback
    assert backprop.value_and_grad_for(models.linear, models.cross_entropy, fallback) is fallback
    assert backprop.value_and_grad_for(lambda p, x: x, models.cross_entropy, fallback) is fallback
    assert backprop.value_and_grad_for(models.mlp, models.cross_entropy, fallback) is not fallback


def test_a_stack_of_networks_goes_to_the_fallback():
    calls = []
    grad_fn = backprop.value_and_grad_for(models.mlp, models.cross_entropy,
                                          lambda p, x, y: calls.append(1) or (0.0, p))
    stacked = {k: np.stack([v, v]) for k, v in models.init_mlp((3, 2)).items()}
    grad_fn(stacked, np.zeros((1, 3)), [0])
    assert calls == [1]


@pytest.fixture(scope="module")
def digits():
    s = data.digits_split(seed=0)
    return s.x_train[:256], s.y_train[:256]


def test_fit_with_the_hand_written_pass_follows_autograd(digits):
    x, y = digits
    kw = dict(loss="cross_entropy", optimizer="momentum", lr=0.1, epochs=3, batch_size=32,
              seed=0, verbose=0)
    net = models.init_mlp((64, 16, 10), seed=0)
    fast = training.fit(net, "mlp", x, y, **kw)
    objective = training.loss_fn("mlp", "cross_entropy")
    slow = training.fit(net, "mlp", x, y, grad_fn=value_and_grad(
        lambda p, xb, yb: objective(p, (xb, yb))), **kw)
    assert fast.steps == slow.steps == 24
    np.testing.assert_allclose(fast.losses, slow.losses, rtol=1e-9)
    for k in net:
        np.testing.assert_allclose(fast.params[k], slow.params[k], rtol=1e-8, atol=1e-12)


def test_the_range_test_uses_it_and_follows_autograd(digits):
    x, y = digits
    objective = training.loss_fn("mlp", "cross_entropy")
    assert callable(objective.value_and_grad)
    net = models.init_mlp((64, 16, 10), seed=0)
    fast = lr_finder.lr_range_test(objective, net, data.Batches(x, y, 32, seed=0), 1e-3, 10.0, 60)
    slow = lr_finder.lr_range_test(objective, net, data.Batches(x, y, 32, seed=0), 1e-3, 10.0, 60,
                                   grad_fn=value_and_grad(objective))
    # up to rate 1 the two agree closely; past it the sweep is chaotic (a difference in the
    # last bit can end it a step earlier or later), so only the stop's neighbourhood is asserted
    calm = fast.lrs < 1.0
    assert calm.sum() > 40
    np.testing.assert_allclose(fast.losses[calm], slow.losses[:calm.sum()], rtol=1e-9)
    assert abs(len(fast.lrs) - len(slow.lrs)) <= 2
