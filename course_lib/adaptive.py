"""Adaptive update rules: AdaGrad and RMSProp (the steps from SGD to Adam), and one Adam
update written as a plain function.

Used by lesson 04 ("Optimizers in equations"). :class:`AdaGrad` and :class:`RMSProp` follow
the interface of :mod:`course_lib.optimizers` (``init(params) -> state``,
``step(params, grads, state, lr) -> (params, state)``, nothing changed in place) and the
update rules of PyTorch's ``torch.optim.Adagrad`` (no ``lr_decay``, no initial accumulator)
and ``torch.optim.RMSprop`` (not centered, no momentum), so numbers can be compared with it.
In both, ``eps`` is added *outside* the square root, as in Adam.

:func:`adam_step` is one update of :class:`course_lib.optimizers.Adam` on one array, with the
moments passed and returned explicitly (what lesson 04's exercise asks the student to write).
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validate import array, positive_number
from .optimizers import Optimizer, _zeros_like, tree_map

__all__ = ["AdaGrad", "RMSProp", "adam_step", "adam_ratio_bound"]


def _fraction(value, name: str) -> float:
    value = positive_number(value, name, allow_zero=True)
    if not value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


class AdaGrad(Optimizer):
    """AdaGrad (Duchi, Hazan and Singer 2011): ``s <- s + g^2``,
    ``p <- p - lr * g / (sqrt(s) + eps)``.

    ``s`` sums every squared gradient seen, so each parameter's step shrinks like one over
    the square root of the number of steps; the first step moves every parameter by
    ``lr * |g| / (|g| + eps)``, i.e. by ``lr`` unless its gradient is tiny.
    """

    name = "adagrad"

    def __init__(self, eps: float = 1e-10):
        self.eps = positive_number(eps, "eps")

    def init(self, params):
        return _zeros_like(params)

    def step(self, params, grads, state, lr):
        s = tree_map(lambda s, g: s + g * g, state, grads)
        new = tree_map(lambda p, g, s: p - lr * g / (np.sqrt(s) + self.eps), params, grads, s)
        return new, s


class RMSProp(Optimizer):
    """RMSProp (Hinton's lecture 6e, 2012): ``s <- alpha s + (1 - alpha) g^2``,
    ``p <- p - lr * g / (sqrt(s) + eps)``.

    AdaGrad with a running mean instead of a sum, so old gradients are forgotten and the step
    does not shrink for ever. ``s`` starts at 0 and is not corrected for it, so the first step
    is ``lr / sqrt(1 - alpha)`` (10 ``lr`` for ``alpha = 0.99``): the start-up that Adam's
    bias correction removes.
    """

    name = "rmsprop"

    def __init__(self, alpha: float = 0.99, eps: float = 1e-8):
        self.alpha = _fraction(alpha, "alpha")
        self.eps = positive_number(eps, "eps")

    def init(self, params):
        return _zeros_like(params)

    def step(self, params, grads, state, lr):
        a = self.alpha
        s = tree_map(lambda s, g: a * s + (1 - a) * g * g, state, grads)
        new = tree_map(lambda p, g, s: p - lr * g / (np.sqrt(s) + self.eps), params, grads, s)
        return new, s


def adam_step(params, grads, m, v, t: int, lr: float, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8):
    """One Adam update of the arrays ``params`` with gradient ``grads``.

    ``m`` and ``v`` are the running means of the gradient and of its square before this
    update and ``t`` is the number of this update, 1 for the first (Kingma and Ba's
    Algorithm 1). Returns ``(new_params, new_m, new_v)``; the inputs are not changed::

        m = beta1 m + (1 - beta1) g          m_hat = m / (1 - beta1^t)
        v = beta2 v + (1 - beta2) g^2        v_hat = v / (1 - beta2^t)
        p = p - lr m_hat / (sqrt(v_hat) + eps)

    The same numbers as :class:`course_lib.optimizers.Adam` (tested).
    """
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, numbers.Real) or not np.isfinite(t) \
            or int(t) != t or t < 1:
        raise ValueError(f"t must be the number of this update, an integer >= 1, got {t!r}")
    beta1, beta2 = _fraction(beta1, "beta1"), _fraction(beta2, "beta2")
    eps = positive_number(eps, "eps")
    lr = positive_number(lr, "lr", allow_zero=True)
    p = array(params, "params", min_len=1, finite=False)
    g = array(grads, "grads", min_len=1, finite=False)
    for value, name in ((g, "grads"), (array(m, "m", min_len=1, finite=False), "m"),
                        (array(v, "v", min_len=1, finite=False), "v")):
        if np.shape(value) != p.shape:
            raise ValueError(f"{name} must have the shape of params {p.shape}, got {np.shape(value)}")
    new_m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * g
    new_v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * g * g
    m_hat = new_m / (1 - beta1 ** int(t))
    v_hat = new_v / (1 - beta2 ** int(t))
    new_p = np.asarray(params, dtype=float) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_p, new_m, new_v


def adam_ratio_bound(t: int, beta1: float = 0.9, beta2: float = 0.999) -> float:
    """The largest possible ``|m_hat| / sqrt(v_hat)`` after ``t`` Adam updates, over every
    sequence of gradients (so ``|step| < lr * adam_ratio_bound(t)`` per coordinate).

    ``m_hat = sum_i w_i g_i`` and ``v_hat = sum_i u_i g_i^2`` with weights
    ``w_i = (1 - beta1) beta1^k / (1 - beta1^t)`` and ``u_i = (1 - beta2) beta2^k / (1 - beta2^t)``
    for the gradient ``k`` steps old; by Cauchy-Schwarz ``|m_hat| <= sqrt(sum_i w_i^2 / u_i)
    sqrt(v_hat)``, with equality for ``g_i`` proportional to ``w_i / u_i``. It is 1 at ``t = 1``
    and, for ``beta1^2 < beta2``, grows to ``(1 - beta1) / sqrt((1 - beta2)(1 - beta1^2 / beta2))``.
    """
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, numbers.Real) or not np.isfinite(t) \
            or int(t) != t or t < 1:
        raise ValueError(f"t must be an integer >= 1, got {t!r}")
    beta1, beta2 = _fraction(beta1, "beta1"), _fraction(beta2, "beta2")
    if beta2 == 0:
        raise ValueError("beta2 must be > 0: with beta2 = 0 the bound is infinite after one step")
    k = np.arange(int(t), dtype=float)
    w = (1 - beta1) * beta1 ** k / (1 - beta1 ** t)
    u = (1 - beta2) * beta2 ** k / (1 - beta2 ** t)
    return float(np.sqrt(np.sum(w * w / u)))
