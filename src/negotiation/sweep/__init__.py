"""Parameter sweeps: sweep files, designs, seeded runs on local or Dask executors, a
Parquet result store that survives interruption, and ``load`` for pandas.

>>> from negotiation.sweep import load, codebook, axes, salib_problem
>>> frame = load("runs/patience_vs_capacity")
>>> frame.groupby("countries.CN.preferences.patience")["held"].mean()
>>> codebook()                      # what every column means, its unit and convention
>>> axes("sobol_screen")            # a shipped sweep's parameters: names, bounds, whole-number flags
"""

from negotiation.sweep.axes import AxisInfo, axes, salib_problem
from negotiation.sweep.codebook import codebook
from negotiation.sweep.runner import Outcome, run_sweep
from negotiation.sweep.store import load
from negotiation.sweep.sweepfile import Sweep, find_sweep, read_sweep, shipped_sweeps

__all__ = ["AxisInfo", "Outcome", "Sweep", "axes", "codebook", "find_sweep", "load", "read_sweep", "run_sweep",
           "salib_problem", "shipped_sweeps"]
