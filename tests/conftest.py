import matplotlib

# Plots in the unit tests render off-screen. (Not through the MPLBACKEND environment
# variable: nbval's kernels inherit the environment, and must keep the inline backend.)
matplotlib.use("Agg")
