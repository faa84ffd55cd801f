"""Data for lessons 03 onwards: a synthetic line, handwritten digits, splits and minibatches.

* :func:`linear_data` draws the one-layer model's data set, ``y = kernel * x + bias + noise``
  (lesson 03's loss surfaces, lesson 04's batches).
* :func:`load_digits` loads 1797 handwritten digits (8 x 8 pixels) shipped with the course,
  so nothing is downloaded at run time; :func:`digits_split` gives the seeded, standardised
  train / validation split every later lesson trains on.
* :func:`train_val_split` and :class:`Standardizer` are the two steps behind it.
* :func:`minibatches` yields one epoch of shuffled minibatches; :class:`Batches` does it
  epoch after epoch from one seeded generator.

Every random choice takes a ``seed`` (an int or a ``numpy.random.Generator``), so the same
call gives the same data on every machine.
"""
from __future__ import annotations

import io
import numbers
from dataclasses import dataclass
from importlib import resources
from typing import Iterator, Optional, Tuple

import numpy as np

from ._validate import array, count, fields, finite_number, flag, positive_number, same_length

__all__ = [
    "linear_data", "load_digits", "DIGITS_SOURCE", "train_val_split", "Standardizer",
    "Split", "digits_split", "minibatches", "Batches", "rng_from",
]

#: Where the digits come from (printed by lessons that use them).
DIGITS_SOURCE = ("Optical Recognition of Handwritten Digits, E. Alpaydin and C. Kaynak (1998), "
                 "UCI Machine Learning Repository, CC BY 4.0")


def rng_from(seed, name: str = "seed") -> np.random.Generator:
    """A ``numpy.random.Generator`` from an int seed (or the generator itself)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{name} must be a non-negative int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


# --- the one-layer model's data -------------------------------------------------------------

def linear_data(n: int = 200, kernel: float = 2.0, bias: float = -1.0, noise: float = 0.5,
                x_range: Tuple[float, float] = (-2.0, 2.0), seed=0):
    """``n`` points of ``y = kernel * x + bias + noise * N(0, 1)``, ``x`` uniform in ``x_range``.

    Returns ``(x, y)``, two float arrays of shape ``(n,)``. The least-squares line through
    them is close to, but not exactly, ``(kernel, bias)``: the noise moves it a little.
    """
    n = count(n, "n")
    kernel = finite_number(kernel, "kernel")
    bias = finite_number(bias, "bias")
    noise = positive_number(noise, "noise", allow_zero=True)
    if isinstance(x_range, (str, bytes)) or np.ndim(x_range) != 1 or len(x_range) != 2 \
            or not all(isinstance(v, numbers.Real) and np.isfinite(v) for v in x_range) \
            or not x_range[0] < x_range[1]:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    rng = rng_from(seed)
    x = rng.uniform(x_range[0], x_range[1], size=n)
    y = kernel * x + bias + noise * rng.standard_normal(n)
    return x, y


# --- handwritten digits ---------------------------------------------------------------------

def load_digits(flat: bool = True):
    """The 1797 handwritten digits shipped with the course: ``(images, labels)``.

    ``images`` are float arrays of pixel counts 0..16, shape ``(1797, 64)`` (``flat=True``)
    or ``(1797, 8, 8)``; ``labels`` are ints 0..9, shape ``(1797,)``, about 180 per digit.

    Source and licence: the "Optical Recognition of Handwritten Digits" data set by
    E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository
    (https://doi.org/10.24432/C50P49), licensed CC BY 4.0. These are the 1797 images of the
    UCI test set that scikit-learn bundles as ``load_digits()``, converted once to
    ``course_lib/digits.npz`` (see ``course_lib/DIGITS_LICENSE.md``); loading them needs
    neither scikit-learn nor a network.
    """
    flat = flag(flat, "flat")
    raw = resources.files("course_lib").joinpath("digits.npz").read_bytes()
    with np.load(io.BytesIO(raw)) as z:
        images = z["images"].astype(float)
        labels = z["labels"].astype(np.int64)
    if flat:
        images = images.reshape(len(images), -1)
    return images, labels


def train_val_split(x, y, val_fraction: float = 0.2, seed=0, stratify: bool = True):
    """Split ``(x, y)`` at random into ``(x_train, y_train), (x_val, y_val)``.

    ``val_fraction`` of the samples (rounded) go to validation. With ``stratify`` (for class
    labels) each class is split in the same proportion, so both parts keep the class balance.
    Row order within each part is random but fixed by ``seed``.
    """
    if y is None:
        raise ValueError("y must hold the labels or targets, got None")
    x, y = _check_xy(x, y)
    stratify = flag(stratify, "stratify")
    if stratify and y.ndim != 1:
        raise ValueError(f"y must be 1-D class labels when stratify=True, got shape {y.shape}")
    val_fraction = positive_number(val_fraction, "val_fraction")
    if not val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction!r}")
    rng = rng_from(seed)
    n = len(x)
    if stratify:
        val_idx = []
        for c in np.unique(y):
            members = rng.permutation(np.flatnonzero(y == c))
            val_idx.append(members[:int(round(val_fraction * len(members)))])
        val_idx = np.concatenate(val_idx)
    else:
        val_idx = rng.permutation(n)[:int(round(val_fraction * n))]
    is_val = np.zeros(n, dtype=bool)
    is_val[val_idx] = True
    train_idx = rng.permutation(np.flatnonzero(~is_val))
    val_idx = rng.permutation(np.flatnonzero(is_val))
    if len(train_idx) == 0 or len(val_idx) == 0:
        raise ValueError(f"val_fraction={val_fraction} leaves an empty part for {n} samples")
    return (x[train_idx], y[train_idx]), (x[val_idx], y[val_idx])


class Standardizer:
    """Shift and scale every feature to mean 0 and standard deviation 1, *fitted on the
    training set only* (the validation set must not leak into the preprocessing).

    Features that are constant in the training set (corner pixels of the digits) are only
    shifted: their scale stays 1 instead of dividing by zero.
    """

    def __init__(self):
        self.mean = None
        self.std = None

    def fit(self, x) -> "Standardizer":
        x = array(x, "x", min_ndim=1)
        self.mean = x.mean(axis=0)
        std = x.std(axis=0)
        self.std = np.where(std > 1e-12, std, 1.0)
        return self

    def transform(self, x) -> np.ndarray:
        if self.mean is None:
            raise ValueError("x: call fit(x_train) before transform(x)")
        return (np.asarray(x, dtype=float) - self.mean) / self.std

    def fit_transform(self, x) -> np.ndarray:
        return self.fit(x).transform(x)


@dataclass
class Split:
    """A train / validation split: ``x_train, y_train, x_val, y_val`` (and how it was scaled)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    scaler: Optional[Standardizer] = None

    def __post_init__(self):
        for part in ("train", "val"):
            xs, ys = f"x_{part}", f"y_{part}"
            array(getattr(self, xs), xs, min_ndim=2)
            array(getattr(self, ys), ys, min_ndim=1)
            same_length(getattr(self, xs), getattr(self, ys), xs, ys)
        if np.shape(self.x_train)[1:] != np.shape(self.x_val)[1:]:
            raise ValueError(f"x_val must have the features of x_train, got shapes "
                             f"{np.shape(self.x_train)} and {np.shape(self.x_val)}")
        if self.scaler is not None and not isinstance(self.scaler, Standardizer):
            raise ValueError(f"scaler must be a Standardizer or None, got {self.scaler!r}")

    @property
    def train(self):
        return self.x_train, self.y_train

    @property
    def val(self):
        return self.x_val, self.y_val

    def __repr__(self) -> str:
        return (f"Split(train={self.x_train.shape[0]} x {self.x_train.shape[1:]}, "
                f"val={self.x_val.shape[0]} x {self.x_val.shape[1:]})")


def digits_split(val_fraction: float = 0.2, seed=0, standardize: bool = True) -> Split:
    """The digits, split (stratified, seeded) and standardised with training statistics.

    With the defaults: 1437 training and 360 validation images of 64 features each.
    """
    standardize = flag(standardize, "standardize")
    images, labels = load_digits()
    (xt, yt), (xv, yv) = train_val_split(images, labels, val_fraction, seed, stratify=True)
    scaler = None
    if standardize:
        scaler = Standardizer().fit(xt)
        xt, xv = scaler.transform(xt), scaler.transform(xv)
    return Split(xt, yt, xv, yv, scaler)


# --- minibatches ----------------------------------------------------------------------------

def _check_xy(x, y):
    """``x`` (numbers, one sample per row) and ``y`` (one number per row, or one-hot rows)
    as arrays; nan is allowed here (the data is only reordered)."""
    if isinstance(x, (str, bytes, dict)) or x is None:
        raise ValueError(f"x must hold one sample per row, got {x!r:.60}")
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError("x must hold one sample per row, got a scalar")
    if x.dtype.kind not in "biuf":
        raise ValueError(f"x must hold numbers, got an array of {x.dtype}")
    if len(x) == 0:
        raise ValueError("x must hold at least one sample, got none")
    if y is not None:
        if isinstance(y, (str, bytes, dict)):
            raise ValueError(f"y must hold one label or target per row of x, got {y!r:.60}")
        y = np.asarray(y)
        if y.ndim == 0 or y.dtype.kind not in "biuf":
            raise ValueError(f"y must hold one number per row of x, got {y!r:.60}")
        if len(y) != len(x):
            raise ValueError(f"y must have one entry per row of x: got {len(y)} for {len(x)} rows")
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D (or one-hot rows), got shape {y.shape}")
    return x, y


def minibatches(x, y, batch_size: int, *, seed=0, shuffle: bool = True,
                drop_last: bool = False) -> Iterator[tuple]:
    """One epoch of minibatches ``(x_batch, y_batch)``: every sample exactly once.

    The order is a fresh random permutation drawn from ``seed`` (an int or a numpy
    Generator; pass the same Generator every epoch to get a new order each time). When
    ``len(x)`` is not a multiple of ``batch_size`` the last batch is smaller; ``drop_last``
    leaves it out instead. ``y`` may be ``None``: then only ``x_batch`` is yielded.
    """
    x, y = _check_xy(x, y)
    batch_size = count(batch_size, "batch_size")
    shuffle, drop_last = flag(shuffle, "shuffle"), flag(drop_last, "drop_last")
    n = len(x)
    order = rng_from(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return _batches(x, y, order, stop, batch_size)   # checked now, not at the first next()


def _batches(x, y, order, stop, batch_size):
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        yield x[idx] if y is None else (x[idx], y[idx])


class Batches:
    """Minibatches epoch after epoch from one seeded generator.

    ``for xb, yb in batches`` runs one epoch; the next ``for`` runs the next epoch in a new
    order. ``len(batches)`` is the number of batches per epoch, ``stream()`` never ends (for
    the learning-rate range test), and ``reset()`` goes back to the first epoch's order.
    """

    def __init__(self, x, y, batch_size: int, *, seed=0, shuffle: bool = True,
                 drop_last: bool = False):
        self.x, self.y = _check_xy(x, y)
        self.batch_size = count(batch_size, "batch_size")
        shuffle, drop_last = flag(shuffle, "shuffle"), flag(drop_last, "drop_last")
        if isinstance(seed, np.random.Generator):
            raise ValueError("seed must be an int here (reset() needs to replay it)")
        self.seed = seed
        rng_from(seed)
        self.shuffle = shuffle
        self.drop_last = bool(drop_last)
        if self.drop_last and len(self.x) < self.batch_size:
            raise ValueError(f"batch_size={batch_size} is larger than the {len(self.x)} samples "
                             f"and drop_last=True would leave no batch")
        self.reset()

    def reset(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0

    def __len__(self) -> int:
        n = len(self.x)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        self.epoch += 1
        return minibatches(self.x, self.y, self.batch_size, seed=self.rng,
                           shuffle=self.shuffle, drop_last=self.drop_last)

    def stream(self):
        """Batches without end, epoch after epoch."""
        while True:
            yield from iter(self)
