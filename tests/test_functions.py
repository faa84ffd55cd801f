"""Unit tests of course_lib.functions: values, analytic gradients vs autograd, grids, errors."""
import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from course_lib import functions as F

RNG_SEED = 20240501


def random_points(n=8, scale=3.0, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    return rng.uniform(-scale, scale, size=(n, 2))


# --- seed fact B ----------------------------------------------------------------------

def test_rosenbrock_seed_fact_value_and_gradient():
    x0 = np.array([-1.0, 2.0])
    assert F.rosenbrock(x0, b=100.0) == pytest.approx(104.0, abs=1e-12)
    np.testing.assert_allclose(F.rosenbrock_grad(x0, b=100.0), [396.0, 200.0], atol=1e-12)


def test_rosenbrock_default_b_is_100():
    x0 = np.array([-1.0, 2.0])
    assert F.rosenbrock(x0) == pytest.approx(104.0)
    np.testing.assert_allclose(F.rosenbrock_grad(x0), [396.0, 200.0])


def test_rosenbrock_b1_seed_model_at_start():
    # lesson 01: y = (x2 - x1^2)^2 + (1 - x1)^2 at (2, 2): (2 - 4)^2 + (1 - 2)^2 = 5
    assert F.rosenbrock(np.array([2.0, 2.0]), b=1.0) == pytest.approx(5.0)


@pytest.mark.parametrize("a,b", [(1.0, 100.0), (1.0, 1.0), (2.0, 5.0), (-0.5, 10.0)])
def test_rosenbrock_minimum_at_a_a_squared(a, b):
    xmin = np.array([a, a * a])
    assert F.rosenbrock(xmin, a=a, b=b) == pytest.approx(0.0, abs=1e-14)
    np.testing.assert_allclose(F.rosenbrock_grad(xmin, a=a, b=b), [0.0, 0.0], atol=1e-12)
    # and it is the minimum: nearby points are higher
    for d in random_points(5, scale=0.1):
        assert F.rosenbrock(xmin + d, a=a, b=b) > 0.0


def test_list_input_is_accepted():
    assert F.rosenbrock([-1.0, 2.0]) == pytest.approx(104.0)
    np.testing.assert_allclose(F.rosenbrock_grad([-1.0, 2.0]), [396.0, 200.0])


# --- analytic gradients agree with autograd ----------------------------------------------

GRADIENT_PAIRS = [
    ("rosenbrock b=100", lambda x: F.rosenbrock(x), lambda x: F.rosenbrock_grad(x)),
    ("rosenbrock b=1", lambda x: F.rosenbrock(x, b=1.0), lambda x: F.rosenbrock_grad(x, b=1.0)),
    ("rosenbrock a=2 b=7", lambda x: F.rosenbrock(x, a=2.0, b=7.0),
     lambda x: F.rosenbrock_grad(x, a=2.0, b=7.0)),
    ("himmelblau", F.himmelblau, F.himmelblau_grad),
    ("saddle", F.saddle, F.saddle_grad),
]


@pytest.mark.parametrize("name,f,grad", GRADIENT_PAIRS, ids=[p[0] for p in GRADIENT_PAIRS])
def test_analytic_gradient_matches_autograd(name, f, grad):
    auto = autograd.grad(f)
    for x in random_points(10):
        want = auto(x)
        got = np.asarray(grad(x))
        assert got.shape == (2,)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10, err_msg=f"{name} at {x}")


@pytest.mark.parametrize("eig,angle,center", [
    ((1.0, 10.0), 0.0, (0.0, 0.0)),
    ((0.5, 4.0), 0.7, (1.0, -2.0)),
    ((3.0, 3.0), -1.2, (0.25, 0.5)),
    ((20.0, 2.0), 2.0, (-1.0, 1.0)),
])
def test_quadratic_grad_matches_autograd(eig, angle, center):
    q = F.quadratic(eig, angle=angle, center=center)
    auto = autograd.grad(q)
    for x in random_points(8, seed=RNG_SEED + 1):
        np.testing.assert_allclose(q.grad(x), auto(x), rtol=1e-10, atol=1e-10)


def test_quadratic_value_is_half_quadratic_form():
    q = F.quadratic((2.0, 5.0), angle=0.3, center=(1.0, -1.0))
    for x in random_points(5):
        d = x - np.array([1.0, -1.0])
        assert q(x) == pytest.approx(0.5 * d @ q.hessian @ d, rel=1e-12, abs=1e-12)
    assert q(np.array([1.0, -1.0])) == pytest.approx(0.0, abs=1e-15)


def test_quadratic_hessian_has_the_chosen_eigenvalues():
    q = F.quadratic((0.5, 8.0), angle=0.9)
    np.testing.assert_allclose(np.linalg.eigvalsh(q.hessian), [0.5, 8.0], rtol=1e-12)
    np.testing.assert_allclose(q.hessian, q.hessian.T)
    # the rotation really rotates: off-diagonal entries are not zero
    assert abs(q.hessian[0, 1]) > 1e-3
    # and it is what autograd finds
    np.testing.assert_allclose(autograd.hessian(q)(np.array([0.3, -0.2])), q.hessian,
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("eig", [(1.0, 10.0), (10.0, 1.0), (0.25, 4.0), (3.0, 3.0)])
def test_quadratic_stability_limit(eig):
    q = F.quadratic(eig, angle=0.4)
    lam_max = float(np.linalg.eigvalsh(q.hessian).max())
    assert q.lambda_max == pytest.approx(lam_max, rel=1e-12)
    assert q.stability_limit == pytest.approx(2.0 / lam_max, rel=1e-12)
    assert q.stability_limit == 2.0 / max(eig)


# --- Hessian -----------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [(1.0, 100.0), (1.0, 1.0), (1.5, 3.0)])
def test_rosenbrock_hessian_matches_autograd(a, b):
    auto = autograd.hessian(lambda x: F.rosenbrock(x, a=a, b=b))
    for x in random_points(8, seed=RNG_SEED + 2):
        got = F.rosenbrock_hessian(x, a=a, b=b)
        assert got.shape == (2, 2)
        np.testing.assert_allclose(got, auto(x), rtol=1e-10, atol=1e-9)


def test_rosenbrock_hessian_at_minimum_b1():
    np.testing.assert_allclose(F.rosenbrock_hessian([1.0, 1.0], b=1.0), [[10.0, -4.0], [-4.0, 2.0]])


# --- grid evaluation ------------------------------------------------------------------------

SCALAR_FUNCTIONS = [
    ("rosenbrock", lambda x: F.rosenbrock(x, b=1.0)),
    ("himmelblau", F.himmelblau),
    ("saddle", F.saddle),
    ("quadratic", F.quadratic((1.0, 10.0), angle=0.5, center=(0.5, -0.5))),
]
GRAD_FUNCTIONS = [
    ("rosenbrock_grad", lambda x: F.rosenbrock_grad(x, b=1.0)),
    ("himmelblau_grad", F.himmelblau_grad),
    ("saddle_grad", F.saddle_grad),
    ("quadratic.grad", F.quadratic((1.0, 10.0), angle=0.5, center=(0.5, -0.5)).grad),
]


def _grid(n=7, m=5):
    X1, X2 = np.meshgrid(np.linspace(-2, 2, m), np.linspace(-1, 3, n))
    return X1, X2


@pytest.mark.parametrize("name,f", SCALAR_FUNCTIONS, ids=[p[0] for p in SCALAR_FUNCTIONS])
def test_grid_evaluation_matches_pointwise(name, f):
    X1, X2 = _grid()
    Z = f(np.stack([X1, X2]))
    assert np.shape(Z) == X1.shape == (7, 5)
    pointwise = np.array([[f(np.array([X1[i, j], X2[i, j]])) for j in range(5)] for i in range(7)])
    np.testing.assert_allclose(Z, pointwise, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name,g", GRAD_FUNCTIONS, ids=[p[0] for p in GRAD_FUNCTIONS])
def test_grid_gradient_matches_pointwise(name, g):
    X1, X2 = _grid()
    G = np.asarray(g(np.stack([X1, X2])))
    assert G.shape == (2, 7, 5)
    for i in range(7):
        for j in range(5):
            np.testing.assert_allclose(G[:, i, j], g(np.array([X1[i, j], X2[i, j]])),
                                       rtol=1e-13, atol=1e-13)


def test_grid_of_other_shapes():
    pts = random_points(12).T.reshape(2, 3, 2, 2)
    Z = F.himmelblau(pts)
    assert Z.shape == (3, 2, 2)
    assert Z[1, 0, 1] == pytest.approx(F.himmelblau(pts[:, 1, 0, 1]))


def test_functions_work_on_autograd_numpy_stack():
    # a grid built with autograd.numpy works too (as inside a traced function)
    v = anp.stack([anp.array([0.0, 1.0]), anp.array([0.0, 1.0])])
    np.testing.assert_allclose(F.rosenbrock(v), [1.0, 0.0])


# --- Himmelblau minima ------------------------------------------------------------------------

def test_himmelblau_minima():
    assert F.HIMMELBLAU_MINIMA.shape == (4, 2)
    for m in F.HIMMELBLAU_MINIMA:
        assert F.himmelblau(m) == pytest.approx(0.0, abs=1e-9)
        np.testing.assert_allclose(F.himmelblau_grad(m), [0.0, 0.0], atol=1e-4)
        # a true minimum: the Hessian is positive definite there
        assert np.all(np.linalg.eigvalsh(autograd.hessian(F.himmelblau)(m)) > 0)
    # four distinct minima
    d = np.linalg.norm(F.HIMMELBLAU_MINIMA[:, None] - F.HIMMELBLAU_MINIMA[None], axis=-1)
    assert np.all(d[~np.eye(4, dtype=bool)] > 1.0)
    # (3, 2) is exact
    assert F.himmelblau(np.array([3.0, 2.0])) == 0.0


def test_saddle_origin_is_stationary_but_not_a_minimum():
    o = np.zeros(2)
    np.testing.assert_array_equal(F.saddle_grad(o), [0.0, 0.0])
    assert F.saddle(np.array([0.0, 0.1])) < F.saddle(o) < F.saddle(np.array([0.1, 0.0]))


# --- bad input ---------------------------------------------------------------------------------

ALL_TAKING_X = [
    F.rosenbrock, F.rosenbrock_grad, F.himmelblau, F.himmelblau_grad, F.saddle, F.saddle_grad,
    F.quadratic(), F.quadratic().grad, F.rosenbrock_hessian,
]


@pytest.mark.parametrize("f", ALL_TAKING_X, ids=lambda f: getattr(f, "__name__", type(f).__name__))
@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((3, 4)), [1.0, 2.0, 3.0], 3.0,
                                 np.float64(3.0), np.array(3.0)],
                         ids=["len3", "len3-grid", "list3", "float", "np-scalar", "0d-array"])
def test_bad_x_raises_value_error_naming_x(f, bad):
    with pytest.raises(ValueError, match=r"^x must"):
        f(bad)


@pytest.mark.parametrize("eig", [(-1.0, 2.0), (1.0, -0.5), (0.0, 1.0)])
def test_quadratic_non_positive_eigenvalue_raises(eig):
    with pytest.raises(ValueError, match=r"^eigenvalues"):
        F.quadratic(eig)


@pytest.mark.parametrize("kwargs,name", [
    (dict(eigenvalues=(1.0, 2.0, 3.0)), "eigenvalues"),
    (dict(eigenvalues=(1.0, float("nan"))), "eigenvalues"),
    (dict(angle=float("inf")), "angle"),
    (dict(angle="a lot"), "angle"),
    (dict(center=(0.0,)), "center"),
    (dict(center=(0.0, float("nan"))), "center"),
])
def test_quadratic_other_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        F.quadratic(**kwargs)
