"""Keep the kernel's slider values when the browser's slider writes back a snapped value.

Why: an ipywidgets 8 slider view (noUiSlider) puts the model's value on its own step grid
when the view is created and whenever the kernel sends it a value, and, when the grid value
differs from the model's at all (``lr = 0.6`` on a log slider of step 0.01, but also
``0.1`` that the browser's arithmetic turns into ``0.09999999999999999``), sends it back
to the kernel as if the student had moved the slider. In an interactive session that is
harmless, but after Run All the kernel's shell queue already holds the next cells: a cell
that calls ``explorer.set(lr=0.95)`` right after the display runs *before* the browser's
write-back of the first value is processed, and the write-back then silently reverts the
explorer to its first state (status, picture, ``explorer.values()``), while the cell's
printed text shows the new one.

:class:`SnapGuard` wraps one slider's ``set_state`` (the method the widget's comm handler
calls for every front-end update) and tells a snap from a move: a value the browser sends
that is *different from* but within half a step (in the slider's own coordinates: the
exponent for a log slider) of a value the kernel set since the browser last wrote is the
browser snapping that kernel value, never a student's move (a move lands on another grid
point, and a grid point the kernel's value already sits on is never written back). Such a
write-back leaves the kernel's value alone; the echo the browser waits for carries the
value it snapped to when that is the kernel's current value (so the two stay a rounding
apart and do not ping-pong), or the kernel's current value when the write-back is stale (so
the page shows what the last cell set).
"""
from __future__ import annotations

import math
from typing import List

import ipywidgets as W

try:  # the switch ipywidgets itself reads (JUPYTER_WIDGETS_ECHO)
    from ipywidgets.widgets.widget import JUPYTER_WIDGETS_ECHO as _ECHO
except ImportError:  # pragma: no cover - an ipywidgets without echo updates
    _ECHO = False

__all__ = ["SnapGuard", "guard_sliders"]

#: the slider types whose browser views snap values to their step grid
SLIDERS = (W.FloatSlider, W.FloatLogSlider, W.IntSlider)

#: kernel values remembered per slider between two write-backs of the browser
_MAX_PENDING = 16


class SnapGuard:
    """Guards one slider: see the module docstring. ``snaps_ignored`` counts the browser
    write-backs that were recognised as snaps and did not change the kernel's value."""

    def __init__(self, widget: W.Widget):
        self.widget = widget
        #: the values the kernel gave the slider since the browser last wrote one (the
        #: last is the current value)
        self.pending: List[float] = [widget.value]
        self.snaps_ignored = 0
        self._from_frontend = False
        self._set_state = widget.set_state  # the class's method, bound
        widget.set_state = self.set_state   # what the widget's comm handler calls
        widget.observe(self._on_value, names="value")

    # -- coordinates -----------------------------------------------------------------
    def _position(self, value: float) -> float:
        """Where ``value`` sits on the slider's track (the exponent for a log slider)."""
        w = self.widget
        if isinstance(w, W.FloatLogSlider):
            return math.log(value) / math.log(w.base) if value > 0 else -math.inf
        return float(value)

    def _is_snap_of(self, sent, kernel_value) -> bool:
        """True when the browser's ``sent`` is ``kernel_value`` put on the step grid."""
        if isinstance(sent, bool) or not isinstance(sent, (int, float)) or sent == kernel_value:
            return False
        step = self.widget.step
        if not step:  # no grid: nothing to snap to
            return False
        a, b = self._position(sent), self._position(kernel_value)
        if not (math.isfinite(a) and math.isfinite(b)):
            return False
        return abs(a - b) <= step / 2 * (1 + 1e-9) + 1e-12 * max(1.0, abs(a), abs(b))

    # -- the kernel side ---------------------------------------------------------------
    def _on_value(self, change) -> None:
        if not self._from_frontend:  # set by kernel code: the browser may snap it
            self.pending.append(change["new"])
            del self.pending[:-_MAX_PENDING]

    # -- the browser side --------------------------------------------------------------
    def set_state(self, sync_data) -> None:
        if "value" not in sync_data:
            self._set_state(sync_data)
            return
        sent = sync_data["value"]
        current = self.widget.value
        if self._is_snap_of(sent, current):
            echo = sent  # the browser keeps its grid point; the kernel keeps its value
            self.pending = [current]
        else:
            stale = [i for i, v in enumerate(self.pending[:-1]) if self._is_snap_of(sent, v)]
            if not stale:  # a move: apply it as ipywidgets would
                self._from_frontend = True
                try:
                    self._set_state(sync_data)
                finally:
                    self._from_frontend = False
                self.pending = [self.widget.value]
                return
            echo = current  # a write-back of an earlier value: the page gets the current one
            del self.pending[:stale[-1] + 1]
        self.snaps_ignored += 1
        rest = {k: v for k, v in sync_data.items() if k != "value"}
        if rest:
            self._from_frontend = True
            try:
                self._set_state(rest)
            finally:
                self._from_frontend = False
        if _ECHO:  # the browser ignores kernel echoes until the one answering this message
            self.widget._send({"method": "echo_update", "state": {"value": echo},
                               "buffer_paths": []})


def guard_sliders(controls) -> List[SnapGuard]:
    """A :class:`SnapGuard` for every slider among ``controls`` (a dict or a list)."""
    widgets = controls.values() if isinstance(controls, dict) else controls
    return [SnapGuard(w) for w in widgets if isinstance(w, SLIDERS)]
