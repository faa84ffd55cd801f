"""course_lib: the small, tested helper library behind the course
"Learning rates, from Rosenbrock to warm restarts".

Import the part you need, e.g. ``from course_lib import functions, optim``.
Nothing heavy is imported here, so ``import course_lib`` is instant.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
