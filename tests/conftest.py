import os

# Widgets and plots render off-screen in the unit tests.
os.environ.setdefault("MPLBACKEND", "Agg")
