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

A package, every name importable from here: :mod:`.trees` (parameter trees and the shared
argument checks), :mod:`.rules` (the update rules) and :mod:`.paths` (:func:`minimize`).
"""
from __future__ import annotations

from .. import _divergence
from .paths import Path, minimize
from .rules import _BY_NAME, SGD, Adam, Momentum, Optimizer, get_optimizer
from .trees import (_check_state, _checking, _step_args, _zeros_like, tree_all_finite,
                    tree_leaves, tree_map)

__all__ = [
    "tree_map", "tree_leaves", "tree_all_finite",
    "Optimizer", "SGD", "Momentum", "Adam", "get_optimizer",
    "Path", "minimize",
]
