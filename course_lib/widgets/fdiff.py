"""Lesson 02's explorer: the finite-difference step on a log slider.

Left: the function near the point, its tangent (the exact derivative) and the secant a
finite difference uses. Right: the relative error of forward and central differences
against the step ``h`` (log-log), with the current step marked. Too large a step and the
secant misses the curve (truncation error); too small and the two function values agree
in almost every digit, so their difference is mostly round-off.
"""
from __future__ import annotations

from typing import Callable, Dict, NamedTuple

import ipywidgets as W
import numpy as np

from .. import functions
from .._validate import function, number, text
from ..gradcheck import METHODS, finite_difference, step_errors
from ._controls import control, fmt
from .base import Explorer

__all__ = ["FDiffExplorer", "fdiff_explorer", "Example", "EXAMPLES", "STEPS", "FLOOR"]


class _ExampleFields(NamedTuple):
    f: Callable
    df: Callable
    x0: float
    label: str


class Example(_ExampleFields):
    """A function of one number, its exact derivative and the point where we look (a named
    tuple whose fields are checked: two functions, a finite ``x0`` and a text ``label``)."""

    __slots__ = ()

    def __new__(cls, f: Callable, df: Callable, x0: float, label: str) -> "Example":
        function(f, "f")
        function(df, "df")
        return super().__new__(cls, f, df, number(x0, "x0"), text(label, "label"))


def _rosen_slice(t):
    t = np.asarray(t, dtype=float)
    return functions.rosenbrock(np.stack([t, np.full_like(t, 2.0)]))


def _rosen_slice_grad(t):
    t = np.asarray(t, dtype=float)
    return functions.rosenbrock_grad(np.stack([t, np.full_like(t, 2.0)]))[0]


#: the functions the explorer offers (name -> Example)
EXAMPLES: Dict[str, Example] = {
    "sin at 1": Example(np.sin, np.cos, 1.0, "$\\sin x$"),
    "exp at 1": Example(np.exp, np.exp, 1.0, "$e^x$"),
    "Rosenbrock x1 at (-1, 2)": Example(_rosen_slice, _rosen_slice_grad, -1.0,
                                        "$f(x_1, 2)$, Rosenbrock $b = 100$"),
}

#: the steps the error curves are drawn at, and the smallest error a log axis shows
STEPS = np.logspace(-16, 0, 161)
FLOOR = 1e-17


def relative_errors(example: Example, steps, method: str) -> np.ndarray:
    """``|difference quotient - exact| / |exact|`` for each step, floored at :data:`FLOOR`."""
    exact = float(example.df(example.x0))
    errors = step_errors(example.f, exact, np.full_like(np.asarray(steps, float), example.x0),
                         steps, method)
    return np.maximum(errors / abs(exact), FLOOR)


class FDiffExplorer(Explorer):
    """Controls: ``log_step`` (log10 of ``h``), ``method`` (forward/central), ``function``.

    ``drawn()`` returns the step, the numerical and exact derivatives, the error, the curve
    of the selected method and the marker, so tests can drive it without a browser.
    """

    figsize = (9.0, 3.4)

    def __init__(self, log_step: float = -4.0, method: str = "central",
                 function: str = "sin at 1"):
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if function not in EXAMPLES:
            raise ValueError(f"function must be one of {sorted(EXAMPLES)}, got {function!r}")
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "log_step": control(W.FloatSlider, "log_step", log_step, min=-16.0, max=0.0,
                                step=0.25, description="log10 step h", readout_format=".2f",
                                **slider),
            "method": control(W.ToggleButtons, "method", method, options=list(METHODS),
                              description="method"),
            "function": control(W.Dropdown, "function", function, options=list(EXAMPLES),
                                description="function"),
        }
        self._curves: Dict[tuple, np.ndarray] = {}
        super().__init__(controls)

    def _curve(self, name: str, method: str) -> np.ndarray:
        key = (name, method)
        if key not in self._curves:  # computed once per function and method
            with np.errstate(all="ignore"):
                self._curves[key] = relative_errors(EXAMPLES[name], STEPS, method)
        return self._curves[key]

    def _build(self):
        self.ax_f, self.ax_err = self.figure.subplots(1, 2)
        (self.curve,) = self.ax_f.plot([], [], color="0.3", label="f")
        (self.tangent,) = self.ax_f.plot([], [], color="tab:green", label="tangent (exact)")
        (self.secant,) = self.ax_f.plot([], [], color="tab:red", linestyle="--",
                                        label="secant (finite difference)")
        (self.points,) = self.ax_f.plot([], [], "o", color="tab:red", markersize=5)
        self.ax_f.legend(loc="upper left", fontsize=8, framealpha=1)
        self.ax_err.set_xscale("log")
        self.ax_err.set_yscale("log")
        self.ax_err.set_xlim(STEPS[0], STEPS[-1])
        self.ax_err.set_ylim(FLOOR, 1e2)
        self.ax_err.set_xlabel("step h")
        self.ax_err.set_ylabel("relative error")
        self.ax_err.set_title("error against the step")
        self.ax_err.grid(True, which="major", alpha=0.3)
        (self.other_line,) = self.ax_err.plot([], [], color="0.7", label="other method")
        (self.err_line,) = self.ax_err.plot([], [], color="tab:blue", label="this method")
        (self.marker,) = self.ax_err.plot([], [], "o", color="tab:red", markersize=7)
        self.ax_err.legend(loc="upper right", fontsize=8, framealpha=1)
        self.dynamic_artists = [self.other_line, self.err_line, self.marker]
        self.dynamic_axes = [self.ax_f]

    def report(self) -> dict:
        """The numbers for the current controls (a pure computation, no drawing)."""
        v = self.values()
        ex = EXAMPLES[v["function"]]
        h = 10.0 ** v["log_step"]
        with np.errstate(all="ignore"):
            numerical = float(finite_difference(ex.f, ex.x0, h, v["method"]))
        exact = float(ex.df(ex.x0))
        error = abs(numerical - exact)
        return {"step": h, "method": v["method"], "function": v["function"],
                "numerical": numerical, "exact": exact, "error": error,
                "relative_error": error / abs(exact)}

    def _redraw(self) -> str:
        r = self.report()
        ex = EXAMPLES[r["function"]]
        x0, h = ex.x0, r["step"]
        grid = np.linspace(x0 - 1.0, x0 + 1.0, 200)
        fx = ex.f(grid)
        f0 = float(ex.f(x0))
        self.curve.set_data(grid, fx)
        self.tangent.set_data(grid, f0 + r["exact"] * (grid - x0))
        if r["method"] == "central":
            px = np.array([x0 - h, x0 + h])
        else:
            px = np.array([x0, x0 + h])
        py = ex.f(px)
        self.points.set_data(px, py)
        self.secant.set_data(grid, py[0] + r["numerical"] * (grid - px[0]))
        pad = 0.1 * (fx.max() - fx.min())
        self.ax_f.set_xlim(grid[0], grid[-1])
        self.ax_f.set_ylim(fx.min() - pad, fx.max() + pad)
        self.ax_f.set_title(ex.label + f" near x = {x0:g}")
        other = [m for m in METHODS if m != r["method"]][0]
        self.err_line.set_data(STEPS, self._curve(r["function"], r["method"]))
        self.other_line.set_data(STEPS, self._curve(r["function"], other))
        self.marker.set_data([h], [max(r["relative_error"], FLOOR)])
        text = (f"{r['method']} difference with h = {h:.1e}: {r['numerical']:.10g} "
                f"(exact {r['exact']:.10g}), relative error {r['relative_error']:.1e}")
        if r["relative_error"] < FLOOR:
            text += (f" (below {fmt(FLOOR)}, the bottom of the right panel: the marker sits "
                     f"on the floor)")
        return text

    def drawn(self) -> dict:
        """What the figure shows now, plus the numbers of :meth:`report`."""
        out = self.report()
        steps, errs = self.err_line.get_data()
        mx, my = self.marker.get_data()
        px, py = self.points.get_data()
        out.update({"curve_steps": np.asarray(steps), "curve_errors": np.asarray(errs),
                    "marker": (float(mx[0]), float(my[0])),
                    "points": np.column_stack([px, py]), "status": self.status.value})
        return out


def fdiff_explorer(**kwargs) -> FDiffExplorer:
    """Build lesson 02's explorer (``log_step``, ``method``, ``function``)."""
    return FDiffExplorer(**kwargs)
