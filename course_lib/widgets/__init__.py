"""Explorer widgets: thin shells over tested pure functions ("change it and watch").

Each explorer builds its matplotlib figure once, then on every control change updates
the artists in place and sends the new picture to an ``ipywidgets.Image``. Everything is
reachable from Python, so tests (and curious students) can drive an explorer without a
browser::

    ex = gd_explorer()
    ex.set(lr=0.2)              # same as moving the slider
    ex.drawn()["path"]          # the points the figure now shows

Lesson 00 uses :func:`parabola_explorer`, lesson 01 :func:`gd_explorer`, lesson 02
:func:`fdiff_explorer`, lesson 03 :func:`surface_explorer`, lesson 04
:func:`training_explorer`, lesson 05 :func:`schedule_explorer` and
:func:`momentum_explorer`, lesson 06 :func:`lr_finder_explorer`,
lesson 07 :func:`cyclical_explorer`, lesson 08 :func:`sgdr_explorer` and lesson 09
:func:`shootout_explorer`.
"""
from .base import Explorer
from .cyclical import cyclical_explorer, CyclicalExplorer
from .fdiff import fdiff_explorer, FDiffExplorer
from .gd import gd_explorer, GDExplorer
from .lr_finder import lr_finder_explorer, LRFinderExplorer
from .momentum import momentum_explorer, MomentumExplorer
from .parabola import parabola_explorer, ParabolaExplorer
from .schedule import schedule_explorer, ScheduleExplorer
from .sgdr import sgdr_explorer, SGDRExplorer
from .shootout import shootout_explorer, ShootoutExplorer
from .surface import surface_explorer, SurfaceExplorer
from .training import training_explorer, TrainingExplorer

__all__ = ["Explorer", "explorer_factories", "cyclical_explorer", "CyclicalExplorer", "fdiff_explorer", "FDiffExplorer", "gd_explorer", "GDExplorer",
           "lr_finder_explorer", "LRFinderExplorer", "momentum_explorer", "MomentumExplorer",
           "parabola_explorer", "ParabolaExplorer",
           "schedule_explorer", "ScheduleExplorer", "sgdr_explorer", "SGDRExplorer",
           "shootout_explorer", "ShootoutExplorer", "surface_explorer", "SurfaceExplorer",
           "training_explorer", "TrainingExplorer"]


def explorer_factories() -> list:
    """``(name, factory)`` for every ``*_explorer`` function defined in a module of this
    package, in module order (the widget tests and ``benchmarks/bench_widgets.py`` sweep
    them all, so a new explorer is covered without being listed)."""
    import importlib
    import inspect
    import pkgutil
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, obj in vars(module).items():
            if (name.endswith("_explorer") and inspect.isfunction(obj)
                    and obj.__module__ == module.__name__):
                found.append((name, obj))
    return found
