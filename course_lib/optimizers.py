"""Optimizers as small update rules: SGD, momentum (heavy ball or Nesterov) and Adam
(AdaGrad and RMSProp are in :mod:`course_lib.adaptive`).

Used by lesson 04 onwards (``training.fit`` takes any of them). Each optimizer is an object
with two methods and no hidden state:

* ``state = opt.init(params)``: what the rule remembers between steps (velocities, moments);
* ``params, state = opt.step(params, grads, state, lr)``: one update with rate ``lr``.

``params`` and ``grads`` may be a single array, or a dict / list / tuple of arrays (nested
too): the rule is applied to every array. Nothing is changed in place, so the caller's
parameters are never modified. :func:`minimize` runs an optimizer on a function of one point
and keeps the path (for plots on Rosenbrock).

The update rules follow PyTorch's ``torch.optim`` (SGD with ``momentum`` and ``nesterov``,
no dampening; Adam with bias correction), so numbers can be compared with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from . import _divergence
from ._validate import array, count, flag, function, number, point, positive_number, tree

__all__ = [
    "tree_map", "tree_leaves", "tree_all_finite",
    "Optimizer", "SGD", "Momentum", "Adam", "get_optimizer",
    "Path", "minimize",
]


# --- applying a function to every array of a (nested) container -------------------------------

def tree_map(fn: Callable, tree, *rest):
    """``fn`` applied leaf by leaf to one or more containers of the same structure."""
    if not callable(fn):
        raise ValueError(f"fn must be a function, got {fn!r:.60}")
    if isinstance(tree, dict):
        return {k: tree_map(fn, tree[k], *(r[k] for r in rest)) for k in tree}
    if isinstance(tree, (list, tuple)):
        out = [tree_map(fn, t, *(r[i] for r in rest)) for i, t in enumerate(tree)]
        return type(tree)(out) if isinstance(tree, tuple) else out
    return fn(tree, *rest)


def tree_leaves(tree) -> list:
    """Every array of a (nested) container, in order."""
    if isinstance(tree, dict):
        return [leaf for k in tree for leaf in tree_leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [leaf for t in tree for leaf in tree_leaves(t)]
    return [tree]


def tree_all_finite(tree) -> bool:
    """True when no array of the container holds inf or nan."""
    if isinstance(tree, (str, bytes)) or tree is None:
        raise ValueError(f"tree must be an array or a dict / list of arrays, got {tree!r:.60}")
    return all(np.all(np.isfinite(leaf)) for leaf in tree_leaves(tree))


def _step_args(params, grads, lr, state_ok=True):
    """The checks every ``step`` makes: cheap (it runs once per update), types and
    structure only; nan/inf values pass, so the caller can detect divergence itself."""
    if isinstance(params, (str, bytes, bool)) or params is None:
        raise ValueError(f"params must be an array or a dict / list of arrays, got {params!r:.60}")
    if isinstance(grads, (str, bytes, bool)) or grads is None:
        raise ValueError(f"grads must be an array or a dict / list of arrays, got {grads!r:.60}")
    if isinstance(params, dict):
        if not isinstance(grads, dict) or grads.keys() != params.keys():
            raise ValueError("grads must have the same keys as params")
    elif isinstance(params, (list, tuple)):
        if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
            raise ValueError("grads must have one entry per entry of params")
    else:
        p = np.asarray(params)
        g = np.asarray(grads)
        if p.dtype.kind not in "biuf" or not p.size:
            raise ValueError(f"params must hold numbers, got {params!r:.60}")
        if g.dtype.kind not in "biuf" or g.shape != p.shape:
            raise ValueError(f"grads must be numbers of the shape of params {p.shape}, got {grads!r:.60}")
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, (int, float, np.integer, np.floating)) \
            or not (0 <= lr < np.inf):
        raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")


def _check_state(state, params, name: str = "state"):
    ok = (isinstance(state, dict) == isinstance(params, dict)
          and isinstance(state, (list, tuple)) == isinstance(params, (list, tuple)))
    if ok and isinstance(params, dict):
        ok = state.keys() == params.keys()
    elif ok and not isinstance(params, (list, tuple)):
        ok = np.shape(state) == np.shape(params) and state is not None \
            and np.asarray(state).dtype.kind in "biuf"
    if not ok:
        raise ValueError(f"{name} must come from this optimizer's init(params), got {state!r:.60}")


def _checking(step):
    """``step`` preceded by ``self.check_step(...)``; ``inspect.getsource`` still shows
    the rule itself (``functools.wraps`` keeps it reachable)."""
    import functools

    @functools.wraps(step)
    def checked(self, params, grads, state, lr, *args, **kwargs):
        self.check_step(params, grads, state, lr, *args, **kwargs)
        return step(self, params, grads, state, lr, *args, **kwargs)

    return checked


def _zeros_like(tree):
    return tree_map(lambda p: np.zeros_like(np.asarray(p, dtype=float)), tree)


# --- the update rules ---------------------------------------------------------------------------

class Optimizer:
    """Base class: ``init(params) -> state`` and ``step(params, grads, state, lr) -> (params, state)``."""

    name = "optimizer"

    def __init_subclass__(cls, **kwargs):
        """Every subclass's ``step`` checks its arguments first (:meth:`check_step`), so
        the update rules themselves stay as short as the equations (lesson 04 prints them)."""
        super().__init_subclass__(**kwargs)
        if "step" in vars(cls):
            cls.step = _checking(vars(cls)["step"])

    def check_step(self, params, grads, state, lr, **extra) -> None:
        """The checks before each update: cheap, types and structure only (inf/nan values
        pass, so the caller can detect divergence itself)."""
        _step_args(params, grads, lr)

    def init(self, params):
        return None

    def step(self, params, grads, state, lr):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Plain (stochastic) gradient descent: ``p <- p - lr * g``. No state."""

    name = "sgd"

    def step(self, params, grads, state, lr):
        return tree_map(lambda p, g: p - lr * g, params, grads), state


class Momentum(Optimizer):
    """SGD with momentum (the "heavy ball"): ``v <- beta v + g``, ``p <- p - lr v``.

    With ``nesterov=True`` the step looks ahead: ``p <- p - lr (g + beta v)`` (with the new
    ``v``), as PyTorch's ``SGD(momentum=beta, nesterov=True)``. The velocity ``v`` starts at 0,
    so the first step equals plain SGD's.

    ``step(..., beta=b)`` uses ``b`` instead of ``self.beta`` for that one update (what
    PyTorch does when a scheduler such as ``OneCycleLR`` changes the optimizer's momentum
    between steps); ``training.fit(..., momentum=schedule)`` passes it.
    """

    def __init__(self, beta: float = 0.9, nesterov: bool = False):
        beta = positive_number(beta, "beta", allow_zero=True)
        if not beta < 1:
            raise ValueError(f"beta must be in [0, 1), got {beta!r}")
        self.beta = beta
        self.nesterov = flag(nesterov, "nesterov")

    @property
    def name(self):
        return "nesterov" if self.nesterov else "momentum"

    def check_step(self, params, grads, state, lr, beta=None) -> None:
        _step_args(params, grads, lr)
        _check_state(state, params)
        if beta is not None:
            number(beta, "beta", lo=0.0, hi=1.0, hi_open=True)

    def init(self, params):
        return _zeros_like(params)

    def step(self, params, grads, state, lr, beta=None):
        """One update with rate ``lr``; ``beta`` (optional) overrides ``self.beta`` for this
        step only, so a momentum schedule (1cycle's cyclical momentum) can change it."""
        b = self.beta if beta is None else beta
        velocity = tree_map(lambda v, g: b * v + g, state, grads)
        if self.nesterov:
            new = tree_map(lambda p, g, v: p - lr * (g + b * v), params, grads, velocity)
        else:
            new = tree_map(lambda p, v: p - lr * v, params, velocity)
        return new, velocity


class Adam(Optimizer):
    """Adam (Kingma and Ba 2015): running means of the gradient ``m`` and of its square ``s``,
    both corrected for starting at zero, then ``p <- p - lr * m_hat / (sqrt(s_hat) + eps)``.

    Because the step is divided by the gradient's own size, every parameter moves by about
    ``lr`` per step at first, whatever the scale of its gradient.
    """

    name = "adam"

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        for value, arg in ((beta1, "beta1"), (beta2, "beta2")):
            value = positive_number(value, arg, allow_zero=True)
            if not value < 1:
                raise ValueError(f"{arg} must be in [0, 1), got {value!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = positive_number(eps, "eps")

    def init(self, params):
        return {"t": 0, "m": _zeros_like(params), "s": _zeros_like(params)}

    def check_step(self, params, grads, state, lr) -> None:
        _step_args(params, grads, lr)
        if not isinstance(state, dict) or not {"t", "m", "s"} <= state.keys():
            raise ValueError(f"state must come from Adam().init(params), got {state!r:.60}")
        _check_state(state["m"], params)

    def step(self, params, grads, state, lr):
        b1, b2, eps = self.beta1, self.beta2, self.eps
        t = state["t"] + 1
        m = tree_map(lambda m, g: b1 * m + (1 - b1) * g, state["m"], grads)
        s = tree_map(lambda s, g: b2 * s + (1 - b2) * g * g, state["s"], grads)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        new = tree_map(lambda p, m, s: p - lr * (m / c1) / (np.sqrt(s / c2) + eps), params, m, s)
        return new, {"t": t, "m": m, "s": s}


_BY_NAME = {"sgd": SGD, "momentum": Momentum, "nesterov": lambda: Momentum(nesterov=True),
            "adam": Adam}


def get_optimizer(optimizer) -> Optimizer:
    """An optimizer from its name (``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"adam"``) or
    itself (e.g. ``course_lib.adaptive.RMSProp()``, which has no name here)."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in _BY_NAME:
        return _BY_NAME[optimizer.lower()]()
    if hasattr(optimizer, "init") and hasattr(optimizer, "step"):
        return optimizer
    raise ValueError(f"optimizer must be one of {sorted(_BY_NAME)} or an object with "
                     f"init(params) and step(params, grads, state, lr), got {optimizer!r}")


# --- running an optimizer on a function of one point ---------------------------------------------

@dataclass
class Path:
    """The points an optimizer visited: ``xs`` of shape ``(steps_done + 1, d)``, the start
    included; ``losses`` (if a loss was given) one per point; ``diverged_at`` the step that
    produced inf/nan (``xs`` then ends at the last finite point)."""

    xs: np.ndarray
    lrs: np.ndarray
    losses: Optional[np.ndarray] = None
    diverged_at: Optional[int] = None
    message: str = field(default="")
    #: a finished run whose loss ended above a million times its start: the first step
    #: above that factor (``course_lib._divergence``); ``diverged_at`` is for stops only
    blew_up_at: Optional[int] = None

    def __post_init__(self):
        xs = array(self.xs, "xs", ndim=2)
        array(self.lrs, "lrs", ndim=1, min_len=0)
        if len(self.lrs) != len(xs) - 1:
            raise ValueError(f"lrs must hold one rate per step ({len(xs) - 1}), got {len(self.lrs)}")
        if self.losses is not None and len(array(self.losses, "losses", ndim=1, finite=False)) != len(xs):
            raise ValueError(f"losses must hold one value per point of xs ({len(xs)})")
        if self.diverged_at is not None:
            count(self.diverged_at, "diverged_at", minimum=0)
        if self.blew_up_at is not None:
            count(self.blew_up_at, "blew_up_at", minimum=0)
        if not isinstance(self.message, str):
            raise ValueError(f"message must be a string, got {self.message!r}")

    @property
    def x(self) -> np.ndarray:
        return self.xs[-1]

    @property
    def diverged(self) -> bool:
        """Stopped at inf/nan (``diverged_at``) or finished blown up (``blew_up_at``)."""
        return self.diverged_at is not None or self.blew_up_at is not None


def minimize(grad_fn: Callable, x0, optimizer="sgd", lr=0.01, steps: int = 100, *,
             loss_fn: Optional[Callable] = None) -> Path:
    """Run ``optimizer`` from ``x0`` for ``steps`` updates of ``grad_fn`` and keep the path.

    ``lr`` is a number or a schedule of the step. Stops (without warnings) at the first
    step whose point or gradient becomes inf/nan; the message names that step. With a
    ``loss_fn``, a run whose loss stays finite but ends above a million times its start
    (the course's rule, :mod:`course_lib._divergence`) runs to the end and is reported as
    diverged (``blew_up_at``: the first step above that factor; ``diverged_at`` stays None).
    """
    from .schedules import as_schedule  # local: keeps this module light

    function(grad_fn, "grad_fn")
    function(loss_fn, "loss_fn", allow_none=True)
    x = point(x0, "x0")
    if x.size == 0:
        raise ValueError("x0 must hold at least one number")
    opt = get_optimizer(optimizer)
    steps = count(steps, "steps", minimum=0)
    if not callable(lr):
        number(lr, "lr", lo=0.0)
    rates = np.asarray(as_schedule(lr)(np.arange(steps)), dtype=float)
    if rates.size and (not np.all(np.isfinite(rates)) or np.any(rates < 0)):
        raise ValueError("lr: the schedule must give finite rates >= 0")
    state = opt.init(x)
    xs, losses = [x], None
    diverged_at, message = None, f"finished {steps} steps"
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if loss_fn is not None:
            losses = [float(loss_fn(x))]
        for i in range(steps):
            g = np.asarray(grad_fn(x), dtype=float)
            new_x, state = opt.step(x, g, state, rates[i])
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(new_x))):
                diverged_at = i
                message = (f"diverged at step {i}: the point became inf/nan with learning rate "
                           f"{rates[i]:.4g}")
                break
            x = new_x
            xs.append(x)
            if losses is not None:
                losses.append(float(loss_fn(x)))
    n = len(xs) - 1
    path = Path(np.array(xs), rates[:n], None if losses is None else np.array(losses),
                diverged_at, message)
    if diverged_at is None and losses is not None:
        late = _divergence.ended_high(path.losses)
        if late is not None:
            path.blew_up_at, sentence = late
            path.message = f"{message}, but diverged: {sentence}; try a smaller learning rate"
    return path
