"""Throughput and memory of `negotiation sweep` against `mesa.batch_run`, in one run.

1. Runs per second, wall clock from start to finished results, of `negotiation sweep`
   (the command, start-up included) with 1 and 2 workers, and of `mesa.batch_run` on the
   same model and exactly the same runs (parameters and seeds, fed to TruceModel through a
   small subclass), with 1 and 2 processes: as users usually call it (the scenario by name,
   resolved from YAML in every run; measured on every tenth run, as each costs ten times
   more) and at its best (the scenario resolved once per process).
2. Peak memory (resident set of the sweep's whole process tree, and of the parent alone)
   of `negotiation sweep` at 10,000 and at 100,000 runs of the default scenario.

It prints every figure and the ratios the issue aims at: the sweep at least 1.5x the best
batch_run, 2 workers at least 1.7x one worker, peak memory at 100k within 1.5x of 10k.

    python benchmarks/sweep_throughput.py            # full: about 20 minutes on 2 cores
    python benchmarks/sweep_throughput.py --quick    # a smoke run: about 2 minutes
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from negotiation import load_scenario
from negotiation.model import TruceModel

SWEEP = """\
name: throughput
scenario: busan_truce_2025
parameters:
  countries.CN.preferences.patience: {{values: [0.3, 0.4, 0.5, 0.6, 0.7]}}
  market.lead_time_scale: {{values: [0.25, 0.5, 1.0, 2.0]}}
design: {{kind: grid}}
replications: {replications}
seed: 1
"""
POINTS = 20  # the grid above


def sweep_file(folder: Path, runs: int) -> Path:
    path = folder / f"throughput-{runs}.yaml"
    path.write_text(SWEEP.format(replications=max(1, runs // POINTS)), encoding="utf-8")
    return path


def run_sweep(file: Path, out: Path, workers: int) -> tuple[float, int, int]:
    """Wall seconds, peak RSS of the process tree and of the parent (bytes), polled every 50 ms."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1] / "src"),
                                                        os.environ.get("PYTHONPATH", "")])}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "negotiation", "sweep", str(file), "--workers", str(workers),
                             "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    parent = psutil.Process(proc.pid)
    peak_tree = peak_parent = 0
    while proc.poll() is None:
        try:
            procs = [parent, *parent.children(recursive=True)]
            rss = [p.memory_info().rss for p in procs]
        except psutil.Error:  # a process ended between listing and reading
            continue
        peak_parent = max(peak_parent, rss[0])
        peak_tree = max(peak_tree, sum(rss))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({proc.returncode}): {proc.stderr.read().decode()}")
    return seconds, peak_tree, peak_parent


def sweep_runs(file: Path) -> list[tuple[dict, int]]:
    """The exact (parameters, seed) of every run of the sweep file, in its order."""
    from negotiation.sweep import plan, read_sweep
    from negotiation.sweep.design import make_design
    from negotiation.sweep.seeds import design_rng

    sweep = read_sweep(file)
    design = make_design(sweep.spec, sweep.axes, design_rng(sweep.spec.seed))
    return [(task.params, task.seed) for task in plan.tasks(sweep, design)]


@functools.cache
def _default_scenario():
    return load_scenario("busan_truce_2025")


class SweepRun(TruceModel):
    """TruceModel fed one sweep run (parameters and seed) through batch_run's parameter grid,
    so batch_run executes exactly the runs the sweep does. ``by_name`` resolves the scenario
    from its YAML in every run, as ``TruceModel("busan_truce_2025", ...)`` does."""

    def __init__(self, run: tuple[dict, int], by_name: bool = False, rng=None):
        params, seed = run
        scenario = "busan_truce_2025" if by_name else _default_scenario()
        super().__init__(scenario, rng=seed, **params)


def batch_run_seconds(runs: list[tuple[dict, int]], processes: int, by_name: bool) -> float:
    import mesa

    start = time.perf_counter()
    mesa.batch_run(SweepRun, parameters={"run": runs, "by_name": by_name}, max_steps=100,
                   number_processes=processes, data_collection_period=-1, display_progress=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--runs", type=int, help="runs for the throughput comparison (default 4000; quick 400)")
    parser.add_argument("--memory-runs", type=int, nargs=2, metavar=("SMALL", "LARGE"),
                        help="run counts for the memory comparison (default 10000 100000; quick 1000 10000)")
    parser.add_argument("--skip-memory", action="store_true", help="measure throughput only")
    args = parser.parse_args()
    runs = args.runs or (400 if args.quick else 4000)
    small, large = args.memory_runs or ((1000, 10000) if args.quick else (10_000, 100_000))
    runs = runs // POINTS * POINTS
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file = sweep_file(folder, runs)
        rates = {}
        for workers in (1, 2):
            seconds, _, _ = run_sweep(file, folder / f"w{workers}", workers)
            rates[f"negotiation sweep, {workers} worker(s)"] = runs / seconds
        same = sweep_runs(file)
        # by name, a run costs ~10x more: every tenth run gives the same rate in a tenth of the time
        for by_name, subset in ((True, same[::10]), (False, same)):
            for processes in (1, 2):
                how = f"scenario by name ({len(subset):,} runs)" if by_name else "pre-resolved scenario"
                rates[f"mesa.batch_run, {processes} process(es), {how}"] = \
                    len(subset) / batch_run_seconds(subset, processes, by_name)
        print(f"throughput: {runs:,} runs of busan_truce_2025 ({POINTS}-point grid), on {os.cpu_count()} cores")
        for name, rate in rates.items():
            print(f"  {name:66s} {rate:8.1f} runs/s")
        memory = {}
        for count in () if args.skip_memory else (small, large):
            seconds, tree, parent = run_sweep(sweep_file(folder, count), folder / f"m{count}", 2)
            memory[count] = (tree, parent)
            print(f"memory: {count:,} runs in {seconds:.0f} s ({count / seconds:.0f} runs/s): peak RSS "
                  f"{tree / 2**20:.0f} MiB (process tree), {parent / 2**20:.0f} MiB (parent)")
    best_sweep = max(v for k, v in rates.items() if k.startswith("negotiation"))
    best_batch = max(v for k, v in rates.items() if k.startswith("mesa"))
    usual_batch = max(v for k, v in rates.items() if "by name" in k)
    print("ratios:")
    print(f"  sweep / best batch_run          {best_sweep / best_batch:5.2f}  (aim >= 1.5)")
    print(f"  sweep / batch_run by name       {best_sweep / usual_batch:5.2f}")
    scaling = rates["negotiation sweep, 2 worker(s)"] / rates["negotiation sweep, 1 worker(s)"]
    print(f"  2 workers / 1 worker            {scaling:5.2f}  (aim >= 1.7)")
    if memory:
        print(f"  peak memory {large:,} / {small:,} runs  {memory[large][0] / memory[small][0]:5.2f}  (aim <= 1.5; "
              f"parent alone {memory[large][1] / memory[small][1]:.2f})")


if __name__ == "__main__":
    main()
