"""The update rules: :class:`Optimizer`, :class:`SGD`, :class:`Momentum` (heavy ball or
Nesterov) and :class:`Adam`, and :func:`get_optimizer` by name.

Used by lesson 04 onwards; the rules follow PyTorch's ``torch.optim``.
"""
from __future__ import annotations


import numpy as np

from .._validate import flag, number, positive_number
from .trees import _check_state, _checking, _step_args, _zeros_like, tree_map

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "get_optimizer"]


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


