import matplotlib

# Plots in the unit tests render off-screen. (Not through the MPLBACKEND environment
# variable: nbval's kernels inherit the environment, and must keep the inline backend.)
matplotlib.use("Agg")

import sys
from pathlib import Path

# tests/browser_support.py is imported by the browser tests and the browser benchmark
sys.path.insert(0, str(Path(__file__).resolve().parent))
