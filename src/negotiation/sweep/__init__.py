"""Parameter sweeps: sweep files, designs, seeded runs on local or Dask executors, a
Parquet result store that survives interruption, and ``load`` for pandas.

>>> from negotiation.sweep import load
>>> frame = load("runs/patience_vs_capacity")
>>> frame.groupby("countries.CN.preferences.patience")["held"].mean()
"""

from negotiation.sweep.runner import Outcome, run_sweep
from negotiation.sweep.store import load
from negotiation.sweep.sweepfile import Sweep, read_sweep

__all__ = ["Outcome", "Sweep", "load", "read_sweep", "run_sweep"]
