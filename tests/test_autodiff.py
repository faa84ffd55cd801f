"""The course's reverse-mode engine against autograd and finite differences; gradcheck."""
import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from course_lib import functions
from course_lib.autodiff import Tensor, as_tensor, grad, unbroadcast, value_and_grad
from course_lib.gradcheck import (check_gradient, finite_difference, numerical_gradient,
                                  step_errors)

TOL = dict(rtol=1e-10, atol=1e-10)


def rng(seed=0):
    return np.random.default_rng(seed)


# --- whole functions against autograd ---------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_rosenbrock_matches_autograd_and_analytic(seed):
    x = rng(seed).normal(size=2) * 2
    ours = grad(functions.rosenbrock)(x)  # the course function runs on Tensors unchanged
    np.testing.assert_allclose(ours, autograd.grad(functions.rosenbrock)(x), **TOL)
    np.testing.assert_allclose(ours, functions.rosenbrock_grad(x), **TOL)


def test_seed_fact_b():
    value, g = value_and_grad(functions.rosenbrock)(np.array([-1.0, 2.0]))
    assert value == pytest.approx(104.0, abs=1e-12)
    np.testing.assert_allclose(g, [396.0, 200.0], rtol=0, atol=1e-12)


def _net_loss(lib_exp, lib_log, tanh, W1, b1, W2, b2, X, Y, mse):
    """A tanh hidden layer, then MSE or softmax cross-entropy (logits are small: no shift)."""
    h = tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    if mse:
        return ((logits - Y) ** 2).mean()
    logp = logits - lib_log(lib_exp(logits).sum(axis=1, keepdims=True))
    return -(Y * logp).sum() / X.shape[0]


def _net_data(seed):
    r = rng(seed)
    X = r.normal(size=(8, 3))
    Y = np.eye(4)[r.integers(0, 4, size=8)]
    params = [r.normal(size=(3, 5)), r.normal(size=5), r.normal(size=(5, 4)), r.normal(size=4)]
    return params, X, Y


@pytest.mark.parametrize("mse", [False, True], ids=["softmax_xent", "mse"])
@pytest.mark.parametrize("seed", range(3))
def test_two_layer_network_matches_autograd(seed, mse):
    params, X, Y = _net_data(seed)

    def ours(*ps):
        return _net_loss(lambda t: t.exp(), lambda t: t.log(), lambda t: as_tensor(t).tanh(), *ps,
                         X, Y, mse)

    def theirs(*ps):
        return _net_loss(anp.exp, anp.log, anp.tanh, *ps, X, Y, mse)

    for i in range(4):
        v1, g1 = value_and_grad(ours, i)(*params)
        v2, g2 = autograd.value_and_grad(theirs, i)(*params)
        assert v1 == pytest.approx(float(v2), rel=1e-12)
        assert g1.shape == params[i].shape
        np.testing.assert_allclose(g1, g2, **TOL)


# --- broadcasting --------------------------------------------------------------------------

def test_bias_vector_added_to_matrix():
    r = rng(1)
    A, b, S = r.normal(size=(4, 3)), r.normal(size=3), r.normal(size=(4, 3))
    f_ours = lambda b_: ((as_tensor(A) + b_) * S).sum()
    f_ag = lambda b_: anp.sum((A + b_) * S)
    np.testing.assert_allclose(grad(f_ours)(b), autograd.grad(f_ag)(b), **TOL)
    np.testing.assert_allclose(grad(f_ours)(b), S.sum(axis=0), **TOL)


def test_column_vector_and_scalar_broadcast():
    r = rng(2)
    A, c, S = r.normal(size=(4, 3)), r.normal(size=(4, 1)), r.normal(size=(4, 3))
    np.testing.assert_allclose(grad(lambda c_: (c_ * A * S).sum())(c),
                               autograd.grad(lambda c_: anp.sum(c_ * A * S))(c), **TOL)
    s = np.array(1.7)
    np.testing.assert_allclose(grad(lambda s_: (s_ * A * S).sum())(s),
                               autograd.grad(lambda s_: anp.sum(s_ * A * S))(s), **TOL)
    np.testing.assert_allclose(grad(lambda A_: (2.5 * A_ * S).sum())(A), 2.5 * S, **TOL)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_mean_over_axes(axis, keepdims):
    r = rng(3)
    A = r.normal(size=(3, 4))
    W = r.normal(size=np.sum(A, axis=axis, keepdims=keepdims).shape)
    for red, ared in [("sum", anp.sum), ("mean", anp.mean)]:
        ours = grad(lambda a: (getattr(a, red)(axis=axis, keepdims=keepdims) * W).sum())(A)
        theirs = autograd.grad(lambda a: anp.sum(ared(a, axis=axis, keepdims=keepdims) * W))(A)
        np.testing.assert_allclose(ours, theirs, **TOL)


def test_unbroadcast():
    g = np.ones((2, 3, 4))
    assert unbroadcast(g, (4,)).tolist() == [6.0] * 4
    assert unbroadcast(g, (3, 1)).shape == (3, 1)
    assert unbroadcast(g, ()).shape == () and float(unbroadcast(g, ())) == 24.0


# --- every op on its own -----------------------------------------------------------------

POS = rng(4).uniform(0.5, 2.0, size=(3, 2))
ANY = rng(5).normal(size=(3, 2))
OTHER = rng(6).uniform(0.5, 2.0, size=(3, 2))
UNARY = [
    ("neg", lambda t: -t, lambda a: -a, ANY),
    ("exp", lambda t: t.exp(), anp.exp, ANY),
    ("log", lambda t: t.log(), anp.log, POS),
    ("tanh", lambda t: t.tanh(), anp.tanh, ANY),
    ("relu", lambda t: t.relu(), lambda a: anp.maximum(a, 0.0), ANY),
    ("square", lambda t: t ** 2, lambda a: a ** 2, ANY),
    ("pow_frac", lambda t: t ** 1.5, lambda a: a ** 1.5, POS),
    ("rpow", lambda t: 2.0 ** t, lambda a: 2.0 ** a, ANY),
    ("radd", lambda t: 3.0 + t, lambda a: 3.0 + a, ANY),
    ("rsub", lambda t: 3.0 - t, lambda a: 3.0 - a, ANY),
    ("rmul", lambda t: 3.0 * t, lambda a: 3.0 * a, ANY),
    ("rdiv", lambda t: 3.0 / t, lambda a: 3.0 / a, POS),
    ("array_radd", lambda t: OTHER + t, lambda a: OTHER + a, ANY),
    ("array_rmul", lambda t: OTHER * t, lambda a: OTHER * a, ANY),
    ("index", lambda t: t[1], lambda a: a[1], ANY),
    ("index_repeat", lambda t: t[[0, 0, 2]], lambda a: a[[0, 0, 2]], ANY),
    ("slice", lambda t: t[:, 1:], lambda a: a[:, 1:], ANY),
    ("transpose", lambda t: t.T, lambda a: a.T, ANY),
    ("sum", lambda t: t.sum(), anp.sum, ANY),
    ("mean", lambda t: t.mean(axis=0), lambda a: anp.mean(a, axis=0), ANY),
]


@pytest.mark.parametrize("name,ours,theirs,x", UNARY, ids=[u[0] for u in UNARY])
def test_each_unary_op(name, ours, theirs, x):
    w = rng(7).normal(size=np.shape(theirs(x)))   # a random output weighting
    g1 = grad(lambda t: (ours(t) * w).sum())(x)
    g2 = autograd.grad(lambda a: anp.sum(theirs(a) * w))(x)
    np.testing.assert_allclose(g1, g2, **TOL)
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(x), **TOL)


BINARY = [
    ("add", lambda a, b: a + b), ("sub", lambda a, b: a - b), ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b), ("pow", lambda a, b: a ** b),
]


@pytest.mark.parametrize("name,op", BINARY, ids=[b[0] for b in BINARY])
def test_each_binary_op_both_arguments(name, op):
    a, b = POS, OTHER
    w = rng(8).normal(size=a.shape)
    for argnum in (0, 1):
        g1 = grad(lambda x, y: (op(x, y) * w).sum(), argnum)(a, b)
        g2 = autograd.grad(lambda x, y: anp.sum(op(x, y) * w), argnum)(a, b)
        np.testing.assert_allclose(g1, g2, **TOL)


@pytest.mark.parametrize("shapes", [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)),
                                    ((4,), (4,)), ((2, 3, 4), (4, 5))])
def test_matmul_shapes(shapes):
    r = rng(9)
    a, b = r.normal(size=shapes[0]), r.normal(size=shapes[1])
    w = r.normal(size=np.shape(a @ b))
    for argnum in (0, 1):
        g1 = grad(lambda x, y: ((x @ y) * w).sum(), argnum)(a, b)
        g2 = autograd.grad(lambda x, y: anp.sum((x @ y) * w), argnum)(a, b)
        np.testing.assert_allclose(g1, g2, **TOL)
    g3 = grad(lambda y: ((a @ y) * w).sum())(b)      # ndarray @ Tensor: __rmatmul__
    np.testing.assert_allclose(g3, autograd.grad(lambda y: anp.sum((a @ y) * w))(b), **TOL)


# --- the graph ---------------------------------------------------------------------------

def test_reused_variable_accumulates():
    x = Tensor([1.0, -2.0, 3.0])
    y = (x * x + x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * x.data + 1, **TOL)
    np.testing.assert_allclose(grad(lambda t: (t * t + t).sum())(x.data),
                               autograd.grad(lambda a: anp.sum(a * a + a))(x.data), **TOL)


def test_diamond_graph_and_deep_chain():
    x = 0.3
    f = lambda t: (t.tanh() * t.exp() + t.tanh() / (1.0 + t * t))
    fa = lambda a: anp.tanh(a) * anp.exp(a) + anp.tanh(a) / (1.0 + a * a)
    assert grad(f)(x) == pytest.approx(autograd.grad(fa)(x), rel=1e-12)

    def chain(t):
        for _ in range(3000):      # deeper than Python's recursion limit
            t = t * 1.0001
        return t
    assert grad(chain)(1.0) == pytest.approx(1.0001 ** 3000, rel=1e-10)


def test_leaves_accumulate_over_passes_intermediates_reset():
    x = Tensor(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert float(x.grad) == pytest.approx(8.0)
    assert float(y.grad) == pytest.approx(1.0)
    y.zero_grad()
    assert float(x.grad) == 0.0


def test_seeded_backward_of_a_vector():
    x = Tensor([1.0, 2.0])
    (x * x).backward(seed=np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad, [2.0, 40.0])


def test_relu_at_zero_uses_zero():
    assert grad(lambda t: t.relu())(0.0) == 0.0


# --- against finite differences ----------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_engine_against_central_differences(seed):
    x = rng(seed).normal(size=4)

    def f_np(a):
        return float(np.sum(np.tanh(a) * np.exp(0.3 * a)) / (1.0 + np.sum(a * a)))

    def f_t(t):
        return (t.tanh() * (0.3 * t).exp()).sum() / (1.0 + (t * t).sum())

    np.testing.assert_allclose(grad(f_t)(x), numerical_gradient(f_np, x, 1e-6), rtol=1e-7,
                               atol=1e-9)
    assert check_gradient(f_np, grad(f_t), x).relative_error < 1e-8


# --- gradcheck ---------------------------------------------------------------------------

def test_gradcheck_right_and_wrong():
    x = np.array([-1.0, 2.0])
    right = check_gradient(functions.rosenbrock, functions.rosenbrock_grad, x)
    assert right.ok and right.relative_error < 1e-8
    assert "✅" in str(right) and "relative error" in right.verdict
    wrong = check_gradient(functions.rosenbrock,
                           lambda p: functions.rosenbrock_grad(p) * np.array([1.0, 0.5]), x)
    assert not wrong.ok and wrong.relative_error > 0.1
    assert "❌" in str(wrong)
    np.testing.assert_allclose(right.numerical, [396.0, 200.0], rtol=1e-8)


def test_gradcheck_zero_gradient():
    res = check_gradient(lambda p: float(np.sum(p ** 2)), lambda p: 2 * p, np.zeros(3))
    assert res.relative_error == 0.0 and res.ok


def test_finite_difference_orders():
    h = np.array([1e-2, 1e-3])
    fwd = step_errors(np.sin, np.cos(1.0), 1.0, h, "forward")
    cen = step_errors(np.sin, np.cos(1.0), 1.0, h, "central")
    assert fwd[0] / fwd[1] == pytest.approx(10, rel=0.05)     # first order
    assert cen[0] / cen[1] == pytest.approx(100, rel=0.05)    # second order
    assert float(finite_difference(np.exp, 0.0, 1e-5)) == pytest.approx(1.0, rel=1e-9)


# --- error messages ----------------------------------------------------------------------

def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="^seed: .*scalar"):
        Tensor([1.0, 2.0]).backward()
    with pytest.raises(ValueError, match="^seed must have"):
        Tensor([1.0, 2.0]).backward(seed=np.ones(3))
    with pytest.raises(ValueError, match="^data must be"):
        Tensor("abc")
    with pytest.raises(ValueError, match="^data must be"):
        Tensor(Tensor(1.0))
    with pytest.raises(ValueError, match="^f must return a single number"):
        grad(lambda t: t * 2)(np.ones(2))
    with pytest.raises(ValueError, match="^f returned float"):
        grad(lambda t: float(t.data.sum()))(np.ones(2))
    with pytest.raises(ValueError, match="^f must be a function"):
        grad(3)
    with pytest.raises(ValueError, match="^argnum"):
        grad(lambda t: t, argnum=-1)
    with pytest.raises(ValueError, match="^argnum=2"):
        grad(lambda a, b: a * b, argnum=2)(1.0, 2.0)
    with pytest.raises(ValueError, match="^eps"):
        numerical_gradient(np.sum, np.ones(2), eps=0.0)
    with pytest.raises(ValueError, match="^f must return a single number"):
        numerical_gradient(lambda p: p, np.ones(2))
    with pytest.raises(ValueError, match="^grad_f returned shape"):
        check_gradient(np.sum, lambda p: np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="^method"):
        finite_difference(np.sin, 1.0, 1e-3, "backward")
    with pytest.raises(ValueError, match="^h must be positive"):
        finite_difference(np.sin, 1.0, 0.0)
    with pytest.raises(ValueError, match="^x must contain only finite"):
        numerical_gradient(np.sum, [1.0, np.nan])


def test_import_has_no_side_effects():
    # a fresh interpreter, not importlib.reload: a reload would make a second Tensor class
    # and break every later test that imported the first one
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import course_lib.autodiff"],
                         capture_output=True, text=True, check=True)
    assert out.stdout == "" and out.stderr == ""


def test_constants_receive_no_gradient():
    x = Tensor([1.0, 2.0])
    c = as_tensor(np.array([3.0, 4.0]))
    assert c.constant and not x.constant
    (x * c).sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 4.0])
    assert not np.any(c.grad)
