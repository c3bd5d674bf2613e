"""How long the package takes to import, and ``negotiation --help`` to start.

Each figure is the median wall time of fresh interpreter processes, printed in seconds and as a
ratio against ``python -c pass`` measured in the same run (so figures compare across machines).
It also says whether each module pulled in Mesa, which the pure modules must not.

    python benchmarks/import_time.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

MODULES = [
    "negotiation",
    "negotiation.payoffs",
    "negotiation.truce",
    "negotiation.config.models",
    "negotiation.config.validate",
    "negotiation.api",
    "negotiation.cli",
    "negotiation.play.session",
    "negotiation.web.app",
]


def wall(argv: list[str], repeat: int) -> float:
    """Median seconds for ``argv`` to run to its end, over ``repeat`` fresh processes."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def loads_mesa(module: str) -> bool:
    probe = f"import sys, {module}; print('mesa' in sys.modules)"
    return subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                          text=True).stdout.strip() == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="processes per figure; the median is shown")
    args = parser.parse_args()
    base = wall([sys.executable, "-c", "pass"], args.repeat)
    print(f"{'python -c pass':36s} {base:6.3f} s   1.0 x   (the reference)")
    for module in MODULES:
        seconds = wall([sys.executable, "-c", f"import {module}"], args.repeat)
        mesa = "loads mesa" if loads_mesa(module) else "no mesa"
        print(f"{'import ' + module:36s} {seconds:6.3f} s {seconds / base:5.1f} x   {mesa}")
    script = shutil.which("negotiation", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "negotiation"]
    seconds = wall([*command, "--help"], args.repeat)
    print(f"{'negotiation --help':36s} {seconds:6.3f} s {seconds / base:5.1f} x")


if __name__ == "__main__":
    main()
