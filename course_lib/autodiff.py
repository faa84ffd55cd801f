"""A small reverse-mode automatic-differentiation engine, written to be read.

Lesson 02 builds it up and checks it against autograd. It follows the plan of
micrograd's ``engine.py`` (Karpathy), with numpy arrays instead of single numbers:

* every operation computes its value **and** records, for each input, a *backward rule*:
  a function taking the gradient of the final output with respect to this node's value
  (``g``, same shape as the value) and returning the gradient with respect to that input
  (the "vector-Jacobian product"). Value and rule sit side by side in each method below;
* :meth:`Tensor.backward` visits the graph in reverse topological order, so a node's
  gradient is complete (every use added in) before it is passed on to its inputs;
* numpy broadcasting is undone in one place, :func:`unbroadcast`: when an input was
  stretched to a larger shape, its gradient is summed over the stretched axes.

Only what the course needs is here: ``+ - * / ** @`` (also with plain numbers and
arrays on either side), indexing, ``sum``, ``mean``, ``exp``, ``log``, ``tanh``, ``relu``.
Importing the module has no side effects.

>>> x = Tensor([1.0, 2.0])
>>> y = (x * x + x).sum()        # x is used twice: both uses add to x.grad
>>> y.backward()
>>> x.grad                        # 2 x + 1
array([3., 5.])
"""
from __future__ import annotations

from typing import Callable, List, Sequence, Tuple

import numpy as np

from ._validate import flag, text, unbroadcast_args

__all__ = ["Tensor", "as_tensor", "unbroadcast", "grad", "value_and_grad"]

Rule = Callable[[np.ndarray], np.ndarray]


def unbroadcast(g: np.ndarray, shape: Tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting added or stretched, to get ``shape`` back."""
    g = unbroadcast_args(g, shape)
    while g.ndim > len(shape):                      # leading axes broadcasting added
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):             # axes of length 1 that were stretched
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


class Tensor:
    """A float numpy array that remembers how it was computed, so it can be differentiated.

    ``data`` is the value, ``grad`` the gradient of the last :meth:`backward` output with
    respect to it (zeros until then), ``parents`` the ``(input, backward rule)`` pairs
    and ``op`` a short name of the operation that made it (``""`` for a leaf). A
    ``constant`` (a plain number or array that met a Tensor) never receives a gradient.
    """

    __array_ufunc__ = None  # numpy defers to us: ``ndarray + Tensor`` calls Tensor.__radd__

    def __init__(self, data, parents: Sequence[Tuple["Tensor", Rule]] = (), op: str = "",
                 *, constant: bool = False):
        if isinstance(data, Tensor):
            raise ValueError("data must be a number or an array, got a Tensor "
                             "(use the Tensor itself, or its .data)")
        if data is None or isinstance(data, (str, bytes)):
            raise ValueError(f"data must be a number or an array of numbers, got {data!r}")
        try:
            self.data = np.array(data, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"data must be a number or an array of numbers, got {data!r}") from None
        text(op, "op"), flag(constant, "constant")
        self.grad = np.zeros_like(self.data)
        self.parents = tuple(parents)
        self.op = op
        self.constant = constant

    # -- the forward values and their backward rules -----------------------------------
    def __add__(self, other) -> "Tensor":
        other = as_tensor(other)
        return Tensor(self.data + other.data, [(self, lambda g: g), (other, lambda g: g)], "+")

    def __mul__(self, other) -> "Tensor":
        other = as_tensor(other)
        return Tensor(self.data * other.data, [(self, lambda g: g * other.data),
                                               (other, lambda g: g * self.data)], "*")

    def __truediv__(self, other) -> "Tensor":
        other = as_tensor(other)
        return Tensor(self.data / other.data,
                      [(self, lambda g: g / other.data),
                       (other, lambda g: -g * self.data / other.data ** 2)], "/")

    def __pow__(self, other) -> "Tensor":
        other = as_tensor(other)
        out = self.data ** other.data
        # d/dp x**p = x**p log x, taken as 0 where x <= 0 (no real logarithm there)
        return Tensor(out, [(self, lambda g: g * other.data * self.data ** (other.data - 1.0)),
                            (other, lambda g: g * out * np.log(np.where(self.data > 0, self.data, 1.0)))],
                      "**")

    def __matmul__(self, other) -> "Tensor":
        other = as_tensor(other)
        a, b = self.data, other.data

        def rule_a(g):  # g @ b^T, with 1-D operands treated as a row (a) or a column (b)
            g2 = g[..., None] if b.ndim == 1 else g
            g2 = g2[..., None, :] if a.ndim == 1 else g2
            ga = g2 @ np.swapaxes(b if b.ndim > 1 else b[:, None], -1, -2)
            return ga[..., 0, :] if a.ndim == 1 else ga

        def rule_b(g):  # a^T @ g
            g2 = g[..., None] if b.ndim == 1 else g
            g2 = g2[..., None, :] if a.ndim == 1 else g2
            gb = np.swapaxes(a if a.ndim > 1 else a[None, :], -1, -2) @ g2
            return gb[..., 0] if b.ndim == 1 else gb

        return Tensor(a @ b, [(self, rule_a), (other, rule_b)], "@")

    def __getitem__(self, index) -> "Tensor":
        def rule(g):
            full = np.zeros_like(self.data)
            np.add.at(full, index, g)          # repeated indices add up
            return full
        return Tensor(self.data[index], [(self, rule)], "[]")

    def sum(self, axis=None, keepdims: bool = False) -> "Tensor":
        def rule(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)    # put the summed axes back, then stretch
            return np.broadcast_to(g, self.data.shape)
        return Tensor(self.data.sum(axis=axis, keepdims=keepdims), [(self, rule)], "sum")

    def mean(self, axis=None, keepdims: bool = False) -> "Tensor":
        n = self.data.size // np.size(self.data.sum(axis=axis))   # numbers averaged
        return self.sum(axis=axis, keepdims=keepdims) / n

    def exp(self) -> "Tensor":
        out = np.exp(self.data)
        return Tensor(out, [(self, lambda g: g * out)], "exp")

    def log(self) -> "Tensor":
        return Tensor(np.log(self.data), [(self, lambda g: g / self.data)], "log")

    def tanh(self) -> "Tensor":
        out = np.tanh(self.data)
        return Tensor(out, [(self, lambda g: g * (1.0 - out ** 2))], "tanh")

    def relu(self) -> "Tensor":
        """``max(x, 0)``; at the kink ``x = 0`` this engine uses the derivative 0."""
        return Tensor(np.maximum(self.data, 0.0), [(self, lambda g: g * (self.data > 0))], "relu")

    # -- the backward pass -------------------------------------------------------------
    def backward(self, seed=None) -> None:
        """Fill ``.grad`` of every node this one was computed from with d(self)/d(node).

        ``seed`` is d(final)/d(self); it may be left out when ``self`` holds one number
        (then it is 1). Leaves *add* to their ``.grad`` (call :meth:`zero_grad` between
        passes if you reuse them); intermediate nodes are reset on every pass.
        """
        if seed is None:
            if self.data.size != 1:
                raise ValueError(f"seed: backward() without a seed needs a scalar output, this "
                                 f"Tensor has shape {self.data.shape}; reduce it (e.g. .sum()) "
                                 f"or pass seed= with that shape")
            seed = np.ones_like(self.data)
        seed = np.asarray(seed, dtype=float)
        if seed.shape != self.data.shape:
            raise ValueError(f"seed must have the output's shape {self.data.shape}, got {seed.shape}")
        order = self.topological_order()
        for node in order:
            if node.parents:
                node.grad = np.zeros_like(node.data)
        self.grad = self.grad + seed
        for node in reversed(order):                     # outputs before their inputs
            for parent, rule in node.parents:
                if parent.constant:                      # nobody asks for its gradient
                    continue
                parent.grad = parent.grad + unbroadcast(rule(node.grad), parent.data.shape)

    def topological_order(self) -> List["Tensor"]:
        """Every node this one depends on, each after all of its inputs (self last)."""
        order: List[Tensor] = []
        seen = set()
        stack = [(self, False)]
        while stack:                                     # depth-first, without recursion
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p, _ in node.parents if id(p) not in seen)
        return order

    def zero_grad(self) -> None:
        """Set ``.grad`` of this node and everything it depends on back to zeros."""
        for node in self.topological_order():
            node.grad = np.zeros_like(node.data)

    # -- everything else is built from the operations above -----------------------------
    def __neg__(self) -> "Tensor":
        return self * -1.0

    def __sub__(self, other) -> "Tensor":
        return self + (-as_tensor(other))

    def __radd__(self, other) -> "Tensor":
        return as_tensor(other) + self

    def __rsub__(self, other) -> "Tensor":
        return as_tensor(other) - self

    def __rmul__(self, other) -> "Tensor":
        return as_tensor(other) * self

    def __rtruediv__(self, other) -> "Tensor":
        return as_tensor(other) / self

    def __rpow__(self, other) -> "Tensor":
        return as_tensor(other) ** self

    def __rmatmul__(self, other) -> "Tensor":
        return as_tensor(other) @ self

    @property
    def shape(self) -> Tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def T(self) -> "Tensor":
        return Tensor(self.data.T, [(self, lambda g: g.T)], "T")

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ")
        return f"Tensor({body}{', op=' + repr(self.op) if self.op else ''})"


def as_tensor(x) -> Tensor:
    """``x`` itself if it is a Tensor, else a new leaf holding it (a constant)."""
    if isinstance(x, Tensor):
        return x
    try:
        return Tensor(x, constant=True)
    except ValueError as exc:
        raise ValueError(f"x: {exc}") from None


def value_and_grad(f: Callable, argnum: int = 0) -> Callable:
    """Like ``autograd.value_and_grad``: ``value_and_grad(f)(*args)`` is
    ``(f(*args) as a float, gradient with respect to args[argnum] as a numpy array)``.

    ``f`` must compute its result from the Tensor it is given (with Tensor operations) and
    return a Tensor holding one number.
    """
    if not callable(f):
        raise ValueError(f"f must be a function, got {f!r}")
    if isinstance(argnum, bool) or not isinstance(argnum, (int, np.integer)) or argnum < 0:
        raise ValueError(f"argnum must be a non-negative whole number, got {argnum!r}")

    def value_and_gradient(*args):
        if argnum >= len(args):
            raise ValueError(f"argnum={argnum}, but the function was called with {len(args)} "
                             f"argument(s)")
        args = list(args)
        x = Tensor(args[argnum])
        args[argnum] = x
        out = f(*args)
        if not isinstance(out, Tensor):
            raise ValueError(f"f returned {type(out).__name__}, not a Tensor: the result no longer "
                             f"depends on argument {argnum} (did the computation leave the graph, "
                             f"e.g. through float() or .data?)")
        if out.data.size != 1:
            raise ValueError(f"f must return a single number to have a gradient, it returned shape "
                             f"{out.data.shape}; reduce it (e.g. .sum()) first")
        out.backward()
        return float(out.data.reshape(())), x.grad

    return value_and_gradient


def grad(f: Callable, argnum: int = 0) -> Callable:
    """Like ``autograd.grad``: ``grad(f)(*args)`` is the gradient of the scalar ``f`` with
    respect to ``args[argnum]``, as a numpy array of that argument's shape."""
    vg = value_and_grad(f, argnum)

    def gradient(*args) -> np.ndarray:
        return vg(*args)[1]

    gradient.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    return gradient
