"""The shoot-out's result: :class:`Shootout`, its rows, arrays and fixed-precision table.

Used by lesson 09 (``str(result)`` is the table the lesson prints).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Dict, List, Optional

import numpy as np

from .._validate import array, count, fields, number, text, whole
from .evaluator import Run, eval_schedule, spread

__all__ = ["Shootout", "SORT_KEYS"]


#: what :meth:`Shootout.rows` and :meth:`Shootout.table` can sort by
SORT_KEYS = ("accuracy", "loss", "steps")


# --- the result ---------------------------------------------------------------------------------

@dataclass
class Shootout:
    """The result of :func:`shootout`: every run, and the table built from them.

    ``runs[name]`` is the list of :class:`Run` (one per seed, in the order of ``seeds``);
    ``rates[name]`` and ``momentums[name]`` the rate and momentum of each of the ``steps``
    updates (nan momentum: the optimizer has none).
    """

    names: List[str]
    seeds: List[int]
    steps: int
    target: Optional[float]
    eval_every: int
    batch_size: int
    rates: Dict[str, np.ndarray]
    momentums: Dict[str, np.ndarray]
    runs: Dict[str, List[Run]]

    def __post_init__(self):
        if isinstance(self.names, str) or not isinstance(self.names, (list, tuple)) \
                or not self.names or not all(isinstance(n, str) for n in self.names):
            raise ValueError(f"names must be a non-empty list of schedule names, got {self.names!r:.60}")
        if isinstance(self.seeds, str) or not isinstance(self.seeds, (list, tuple)) or not self.seeds:
            raise ValueError(f"seeds must be a non-empty list of seeds, got {self.seeds!r:.60}")
        for s in self.seeds:
            whole(s, "seeds", minimum=0)
        fields(self, steps=count, eval_every=count, batch_size=count,
               target=lambda v, k: number(v, k, lo=0.0, hi=1.0, lo_open=True, allow_none=True))
        for name in ("rates", "momentums", "runs"):
            value = getattr(self, name)
            if not isinstance(value, dict) or any(n not in value for n in self.names):
                raise ValueError(f"{name} must be a dict with an entry for every name of {self.names}")
        for n in self.names:
            if len(array(self.rates[n], "rates", ndim=1)) != self.steps:
                raise ValueError(f"rates[{n!r}] must hold one rate per step ({self.steps})")
            array(self.momentums[n], "momentums", ndim=1, finite=False)
            runs = self.runs[n]
            if not isinstance(runs, list) or not runs or not all(isinstance(r, Run) for r in runs):
                raise ValueError(f"runs[{n!r}] must be a non-empty list of Run")

    @property
    def eval_steps(self) -> np.ndarray:
        return eval_schedule(self.steps, self.eval_every)

    def row(self, name: str) -> dict:
        """The table's numbers for one schedule (see :meth:`rows`)."""
        if name not in self.runs:
            raise ValueError(f"name must be one of {self.names}, got {name!r}")
        runs = self.runs[name]
        acc = spread([r.final_acc for r in runs])
        loss = spread([r.final_loss for r in runs])
        row = {"name": name, "runs": len(runs), "diverged": sum(r.diverged for r in runs)}
        for key in ("mean", "std", "min", "max"):
            row[f"acc_{key}"] = acc[key]
        for key in ("mean", "std", "min", "max"):
            row[f"loss_{key}"] = loss[key]
        if self.target is not None:
            reached = spread([math.nan if r.steps_to_target is None else r.steps_to_target
                              for r in runs])
            row["reached"] = reached["n"]
            for key in ("mean", "min", "max"):
                row[f"steps_{key}"] = reached[key]
        return row

    def rows(self, sort_by: Optional[str] = None) -> List[dict]:
        """One dict per schedule: ``name``, ``runs``, ``diverged`` (how many runs diverged);
        ``acc_mean``, ``acc_std``, ``acc_min``, ``acc_max`` and the same for ``loss_`` (the
        final validation accuracy and loss over the runs that did not diverge; nan if none);
        with a target, ``reached`` (how many runs got there) and ``steps_mean``,
        ``steps_min``, ``steps_max`` (updates to get there, over those runs; nan if none).

        ``sort_by``: ``None`` (the order of the recipes), ``"accuracy"`` (best mean first),
        ``"loss"`` (lowest mean first) or ``"steps"`` (most runs reaching the target first,
        then fewest steps). Ties keep the recipes' order.
        """
        rows = [self.row(n) for n in self.names]
        if sort_by is None:
            return rows
        if sort_by not in SORT_KEYS:
            raise ValueError(f"sort_by must be None or one of {SORT_KEYS}, got {sort_by!r}")
        if sort_by == "steps" and self.target is None:
            raise ValueError("sort_by: 'steps' needs a target (the shoot-out had none)")

        def nan_last(v, sign=1.0):
            return (1, 0.0) if not np.isfinite(v) else (0, sign * v)

        if sort_by == "accuracy":
            key = lambda r: nan_last(r["acc_mean"], -1.0)  # noqa: E731
        elif sort_by == "loss":
            key = lambda r: nan_last(r["loss_mean"])  # noqa: E731
        else:
            key = lambda r: (-r["reached"], nan_last(r["steps_mean"]))  # noqa: E731
        return sorted(rows, key=key)

    def arrays(self) -> dict:
        """The shoot-out as numpy arrays, for plots (S schedules, R seeds, E evaluations):
        ``names`` (list), ``seeds`` (R,), ``eval_steps`` (E,), ``val_acc`` and ``val_loss``
        (S, R, E), ``final_acc``, ``final_loss``, ``steps_to_target`` and ``diverged_at``
        (S, R; nan where there is none), ``rates`` and ``momentums`` (S, steps)."""
        def grid(fn):
            return np.array([[fn(r) for r in self.runs[n]] for n in self.names], dtype=float)

        return {
            "names": list(self.names),
            "seeds": np.array(self.seeds),
            "eval_steps": self.eval_steps,
            "val_acc": np.array([[r.val_acc for r in self.runs[n]] for n in self.names]),
            "val_loss": np.array([[r.val_loss for r in self.runs[n]] for n in self.names]),
            "final_acc": grid(lambda r: r.final_acc),
            "final_loss": grid(lambda r: r.final_loss),
            "steps_to_target": grid(lambda r: math.nan if r.steps_to_target is None
                                    else r.steps_to_target),
            "diverged_at": grid(lambda r: math.nan if r.diverged_at is None else r.diverged_at),
            "rates": np.array([self.rates[n] for n in self.names]),
            "momentums": np.array([self.momentums[n] for n in self.names]),
        }

    def table(self, precision: int = 4, sort_by: Optional[str] = None) -> str:
        """The results as fixed-precision text: one line per schedule (see :meth:`rows`).

        Accuracy and loss are shown as ``mean ± std [min, max]`` over the runs that did not
        diverge (numbers of 10^4 and more in scientific notation) (``diverged`` when none finished); steps to the target as ``mean [min, max]``
        over the runs that reached it with ``k/N`` reached, or ``not reached``; the last
        column counts the runs that diverged.
        """
        precision = count(precision, "precision", minimum=0)
        rows = self.rows(sort_by)
        n_runs = len(self.seeds)
        p = precision

        def num(v):
            return f"{v:.{p}f}" if abs(v) < 1e4 else f"{v:.{max(p - 1, 0)}e}"

        def stats(r, key):
            if not np.isfinite(r[f"{key}_mean"]):
                return "diverged"
            return (f"{num(r[f'{key}_mean'])} ± {num(r[f'{key}_std'])} "
                    f"[{num(r[f'{key}_min'])}, {num(r[f'{key}_max'])}]")

        def steps_text(r):
            if r["reached"] == 0:
                return "not reached"
            return (f"{r['steps_mean']:.0f} [{r['steps_min']:.0f}, {r['steps_max']:.0f}] "
                    f"{r['reached']}/{n_runs}")

        header = ["schedule", "final validation accuracy", "final validation loss"]
        cells = [[r["name"], stats(r, "acc"), stats(r, "loss")] for r in rows]
        if self.target is not None:
            header.append(f"steps to {self.target:g}, reached")
            for c, r in zip(cells, rows):
                c.append(steps_text(r))
        header.append("diverged")
        for c, r in zip(cells, rows):
            c.append(f"{r['diverged']}/{n_runs}")
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]

        def line(parts):
            return " | ".join(f"{x:<{w}}" for x, w in zip(parts, widths)).rstrip()

        head = line(header)
        lines = [
            f"{len(self.names)} schedules x {n_runs} seeds ({', '.join(map(str, self.seeds))}), "
            f"{self.steps} updates each (batch {self.batch_size}), validation measured every "
            f"{self.eval_every} updates",
            "accuracy and loss: mean ± std [min, max] over the seeds (sample std); "
            + ("steps: mean [min, max] over the seeds that reached the target"
               if self.target is not None else "no target"),
            head,
            "-" * len(head),
        ]
        lines += [line(c) for c in cells]
        if any(r["diverged"] for r in rows):
            lines.append("diverged runs (loss inf/nan, or ending above a million times its "
                         "start) are left out of the statistics")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return (f"Shootout({len(self.names)} schedules x {len(self.seeds)} seeds, "
                f"{self.steps} steps each)")
