"""Cyclic learning-rate schedules: cyclical (CLR), SGDR warm restarts and 1cycle.

Used by lessons 07 (cyclical), 08 (warm restarts) and 09 (1cycle). Import them from
:mod:`course_lib.schedules`, which re-exports them. As everywhere in the course, ``s(t)``
is the rate of the 0-based update ``t`` and accepts an int or an integer numpy array.

Sources: L. N. Smith, "Cyclical Learning Rates for Training Neural Networks" (2017);
I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts" (2017);
L. N. Smith and N. Topin, "Super-Convergence" (2019) for 1cycle; the conventions of
PyTorch's ``torch.optim.lr_scheduler`` (``CyclicLR``, ``CosineAnnealingWarmRestarts``,
``OneCycleLR``), which the values match step for step.
"""
from __future__ import annotations

import numbers

import numpy as np

from .._validate import count, positive_number
from .base import Schedule, _factor, _floor_rate

__all__ = ["cyclical", "sgdr", "one_cycle", "CYCLICAL_MODES"]

CYCLICAL_MODES = ("triangular", "triangular2", "exp_range")


# --- cyclical learning rates (Smith 2017) ---------------------------------------------------

class _Cyclical(Schedule):
    name = "cyclical"

    def __init__(self, base_lr, max_lr, step_size, mode, gamma, step_size_down):
        super().__init__(base_lr=base_lr, max_lr=max_lr, step_size=step_size, mode=mode,
                         gamma=gamma, step_size_down=step_size_down)
        self.base_lr, self.max_lr, self.mode, self.gamma = base_lr, max_lr, mode, gamma
        self.up = step_size
        self.down = step_size if step_size_down is None else step_size_down
        self.total = self.up + self.down

    def _rate(self, t):
        pos = t % self.total                       # where in the cycle, exact integers
        cycle = t // self.total + 1                # 1-based cycle number
        scale = np.where(pos <= self.up, pos / self.up, (self.total - pos) / self.down)
        if self.mode == "triangular":
            amp = 1.0
        elif self.mode == "triangular2":
            amp = np.ldexp(1.0, -(cycle - 1))   # 1 / 2**(c - 1), no overflow
        else:  # exp_range: gamma counts iterations, as in PyTorch
            amp = self.gamma ** t
        return self.base_lr + (self.max_lr - self.base_lr) * scale * amp


def cyclical(base_lr: float, max_lr: float, step_size: int, mode: str = "triangular",
             gamma: float = 1.0, step_size_down: int | None = None) -> Schedule:
    """Smith's cyclical learning rate: up from ``base_lr`` to ``max_lr`` in ``step_size``
    updates, back down in ``step_size_down`` (default: ``step_size``), and again.

    With ``pos = t mod (up + down)`` and cycle number ``c = t // (up + down) + 1``::

        scale = pos / up             if pos <= up    (rising)
                (up + down - pos) / down otherwise    (falling)
        lr_t  = base_lr + (max_lr - base_lr) * scale * amp

    where ``amp`` is 1 (``"triangular"``), ``1 / 2**(c - 1)`` (``"triangular2"``: the
    height halves every cycle) or ``gamma**t`` (``"exp_range"``; as in PyTorch, ``gamma``
    counts iterations, not cycles, so use a value very close to 1, e.g. 0.9994).

    Equal to PyTorch's ``CyclicLR(base_lr, max_lr, step_size_up=step_size, step_size_down,
    mode, gamma)``. The course computes the position in the cycle with exact integers where
    PyTorch uses a float fraction; the two agree to rounding (well within 1e-12 relative).
    ``gamma`` lies in (0, 1] and is only used by ``"exp_range"``.
    """
    base_lr = positive_number(base_lr, "base_lr")
    max_lr = positive_number(max_lr, "max_lr")
    if max_lr < base_lr:
        raise ValueError(f"max_lr must be at least base_lr ({base_lr!r}), got {max_lr!r}")
    step_size = count(step_size, "step_size")
    if step_size_down is not None:
        step_size_down = count(step_size_down, "step_size_down")
    if not isinstance(mode, str) or mode not in CYCLICAL_MODES:
        raise ValueError(f"mode must be one of {', '.join(CYCLICAL_MODES)}; got {mode!r}")
    gamma = _factor(gamma, "gamma")
    return _Cyclical(base_lr, max_lr, step_size, mode, gamma, step_size_down)


# --- SGDR: cosine annealing with warm restarts (Loshchilov & Hutter 2017) ------------------

class _SGDR(Schedule):
    name = "sgdr"

    def __init__(self, max_lr, t0, t_mult, min_lr, peak_decay):
        super().__init__(max_lr=max_lr, t0=t0, t_mult=t_mult, min_lr=min_lr,
                         peak_decay=peak_decay)
        self.max_lr, self.t0, self.t_mult = max_lr, t0, t_mult
        self.min_lr, self.peak_decay = min_lr, peak_decay

    def cycles(self, t):
        """``(k, t_cur, t_i)``: the 0-based cycle of each step, the step within that cycle
        (0 .. t_i - 1) and the cycle's length, by exact integer arithmetic."""
        t = np.asarray(t, dtype=np.int64)
        if self.t_mult == 1:
            return t // self.t0, t % self.t0, np.full(t.shape, float(self.t0))
        # starts of cycles 0, 1, 2, ...: 0, t0, t0 + t0*m, ... as Python ints (no overflow),
        # as many as reach the largest step asked for (a few dozen at most)
        top = int(t.max()) if t.size else 0
        starts, lengths = [0], [self.t0]
        while starts[-1] + lengths[-1] <= top:
            starts.append(starts[-1] + lengths[-1])
            lengths.append(lengths[-1] * self.t_mult)
        k = np.searchsorted(np.array(starts, dtype=np.int64), t, side="right") - 1
        t_cur = t - np.array(starts, dtype=np.int64)[k]
        t_i = np.array([float(n) for n in lengths])[k]
        return k, t_cur, t_i

    def _rate(self, t):
        k, t_cur, t_i = self.cycles(t)
        amp = (self.max_lr - self.min_lr) * self.peak_decay ** k
        return self.min_lr + amp * (1 + np.cos(np.pi * t_cur / t_i)) / 2


def sgdr(max_lr: float, t0: int, t_mult: int = 1, min_lr: float = 0.0,
         peak_decay: float = 1.0) -> Schedule:
    """Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017).

    Cycle ``k = 0, 1, 2, ...`` lasts ``t_k = t0 * t_mult**k`` updates; inside it the step
    ``t_cur`` runs 0 .. t_k - 1 and::

        lr_t = min_lr + (max_lr - min_lr) * peak_decay**k * (1 + cos(pi * t_cur / t_k)) / 2

    so every cycle restarts at its peak ``min_lr + (max_lr - min_lr) * peak_decay**k`` and
    the last step of a cycle sits just above ``min_lr`` (never on it: ``t_cur < t_k``).

    With ``peak_decay = 1`` this is PyTorch's ``CosineAnnealingWarmRestarts(T_0=t0,
    T_mult=t_mult, eta_min=min_lr)``; for any ``min_lr`` and ``peak_decay`` it is Keras'
    ``CosineDecayRestarts(max_lr, first_decay_steps=t0, t_mul=t_mult, m_mul=peak_decay,
    alpha=min_lr / max_lr)`` (Keras scales only the cosine part by ``m_mul``, not the floor). The cycle of a step is found by
    exact integer arithmetic, not a float logarithm, so a restart always lands exactly on
    the cycle boundary. ``t0`` and ``t_mult`` are whole numbers (``t_mult >= 1``);
    ``peak_decay`` lies in (0, 1].
    """
    max_lr = positive_number(max_lr, "max_lr")
    t0 = count(t0, "t0")
    t_mult = count(t_mult, "t_mult")
    min_lr = _floor_rate(min_lr, max_lr)
    peak_decay = _factor(peak_decay, "peak_decay")
    return _SGDR(max_lr, t0, t_mult, min_lr, peak_decay)


# --- 1cycle (Smith & Topin 2019) ----------------------------------------------------------

class _OneCycle(Schedule):
    name = "one_cycle"

    def __init__(self, max_lr, total_steps, pct_start, div_factor, final_div_factor, anneal,
                 three_phase):
        super().__init__(max_lr=max_lr, total_steps=total_steps, pct_start=pct_start,
                         div_factor=div_factor, final_div_factor=final_div_factor,
                         anneal=anneal, three_phase=three_phase)
        self.max_lr, self.total_steps, self.anneal = max_lr, total_steps, anneal
        self.initial_lr = max_lr / div_factor
        self.min_lr = self.initial_lr / final_div_factor
        self.phases = _one_cycle_phases(max_lr, total_steps, pct_start, div_factor,
                                        final_div_factor, three_phase)

    def _anneal(self, start, end, pct):
        if self.anneal == "cos":
            return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)
        return (end - start) * pct + start

    def _rate(self, t):
        out = np.full(t.shape, self.min_lr)        # held after total_steps
        todo = t < self.total_steps
        start_step = 0.0
        for i, (end_step, lo, hi) in enumerate(self.phases):
            last = i == len(self.phases) - 1
            mask = todo if last else todo & (t <= end_step)
            if np.any(mask):
                pct = (t[mask] - start_step) / (end_step - start_step)
                out[mask] = self._anneal(lo, hi, pct)
            todo = todo & ~mask
            start_step = end_step
        return out


def _one_cycle_phases(max_lr, total_steps, pct_start, div_factor, final_div_factor,
                      three_phase):
    """``(end_step, start_lr, end_lr)`` per phase, with PyTorch's float end steps."""
    initial = max_lr / div_factor
    final = initial / final_div_factor
    up_end = float(pct_start * total_steps) - 1
    if three_phase:
        return [(up_end, initial, max_lr),
                (float(2 * pct_start * total_steps) - 2, max_lr, initial),
                (total_steps - 1, initial, final)]
    return [(up_end, initial, max_lr), (total_steps - 1, max_lr, final)]


def one_cycle(max_lr: float, total_steps: int, pct_start: float = 0.3,
              div_factor: float = 25.0, final_div_factor: float = 1e4, anneal: str = "cos",
              three_phase: bool = False) -> Schedule:
    """The 1cycle policy (Smith & Topin): warm up from ``max_lr / div_factor`` to ``max_lr``
    during the first ``pct_start`` of ``total_steps``, then anneal down to
    ``max_lr / div_factor / final_div_factor``. With ``three_phase`` the rate first comes back
    down to the initial rate (symmetrically) and the last phase anneals to the minimum.

    Each phase runs from ``start_step`` to ``end_step`` (PyTorch's float boundaries
    ``pct_start * total_steps - 1``, ``2 * pct_start * total_steps - 2``,
    ``total_steps - 1``) with ``pct = (t - start_step) / (end_step - start_step)`` and the
    annealing ``end + (start - end) * (1 + cos(pi * pct)) / 2`` (``anneal="cos"``) or
    ``start + (end - start) * pct`` (``"linear"``).

    Equal to PyTorch's ``OneCycleLR`` (``cycle_momentum`` aside) for ``t < total_steps``.
    *Differs on purpose*: PyTorch raises an error after ``total_steps``; the course holds
    the final rate. It also asks each phase to span at least one step (``pct_start *
    total_steps >= 2``; with ``three_phase``, ``pct_start <= 0.5``), where PyTorch would
    divide by zero or run phases backwards; and ``div_factor``, ``final_div_factor >= 1``
    so that ``max_lr`` is the largest rate.
    """
    max_lr = positive_number(max_lr, "max_lr")
    total_steps = count(total_steps, "total_steps", minimum=2)
    if isinstance(pct_start, bool) or not isinstance(pct_start, numbers.Real) \
            or not 0.0 < float(pct_start) < 1.0:
        raise ValueError(f"pct_start must be a fraction strictly between 0 and 1, got {pct_start!r}")
    pct_start = float(pct_start)
    div_factor = positive_number(div_factor, "div_factor")
    if div_factor < 1:
        raise ValueError(f"div_factor must be at least 1 (the start rate is max_lr / div_factor), "
                         f"got {div_factor!r}")
    final_div_factor = positive_number(final_div_factor, "final_div_factor")
    if final_div_factor < 1:
        raise ValueError(f"final_div_factor must be at least 1, got {final_div_factor!r}")
    if anneal not in ("cos", "linear"):
        raise ValueError(f"anneal must be 'cos' or 'linear', got {anneal!r}")
    if not isinstance(three_phase, (bool, np.bool_)):
        raise ValueError(f"three_phase must be True or False, got {three_phase!r}")
    three_phase = bool(three_phase)
    if three_phase and pct_start > 0.5:
        raise ValueError(f"pct_start must be at most 0.5 with three_phase (up and down take "
                         f"2 * pct_start of the steps), got {pct_start!r}")
    phases = _one_cycle_phases(max_lr, total_steps, pct_start, div_factor, final_div_factor,
                               three_phase)
    start = 0.0
    for end, _, _ in phases:
        if not end - start >= 1.0:
            raise ValueError(f"pct_start={pct_start!r} with total_steps={total_steps!r} leaves a "
                             f"phase shorter than one step; every phase needs at least one "
                             f"(pct_start * total_steps >= 2 and (1 - pct_start) * total_steps >= 1)")
        start = end
    return _OneCycle(max_lr, total_steps, pct_start, div_factor, final_div_factor, anneal,
                     three_phase)
