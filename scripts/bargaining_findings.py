"""The bargaining table of docs/findings.md: the grid of configs/sweeps/outside_options.yaml,
each point run with seeds root+0..root+replications-1, and for each point P(renewal at T6),
P(collapse), counter-offers per run, and the surplus of the T6 renewal and China's share of
it (what the package gave China over its outside option, over what it gave both).

    python scripts/bargaining_findings.py [--replications N] [--default]

(`negotiation sweep outside_options` runs the same grid; its outcome columns record the
counters, the renewals agreed and failed and the first major renewal's surplus and shares,
and `negotiation analyze` tabulates them; this script keeps to the T6 renewal itself.)
Intervals are 95 %: Wilson for proportions, mean +/- 1.96 standard errors for means.
"""

from __future__ import annotations

import argparse
import itertools
import math

import yaml

from negotiation import load_scenario, run
from negotiation.analysis.holds import wilson
from negotiation.config.resolve import data_root
from negotiation.history import OfferMade, Settled, entries

# the default scenario's own values of the sweep's axes (market file, busan_truce_2025.yaml)
DEFAULT = (1.0, 0.25, 2)


def share(hits: int, runs: int) -> str:
    low, high = wilson(hits, runs)
    return f"{100 * hits / runs:.0f} [{100 * low:.0f}, {100 * high:.0f}]"


def mean_ci(values: list[float]) -> str:
    if not values:
        return "-"
    m = sum(values) / len(values)
    if len(values) < 2:
        return f"{m:.2f}"
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))
    return f"{m:.2f} ± {1.96 * sd / math.sqrt(len(values)):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int)
    parser.add_argument("--default", action="store_true", help="only the default scenario's own point")
    args = parser.parse_args()
    spec = yaml.safe_load((data_root() / "configs" / "sweeps" / "outside_options.yaml").read_text())
    names = list(spec["parameters"])
    reps = args.replications or spec["replications"]
    print("| " + " | ".join(spec["parameters"][n]["label"] for n in names)
          + " | runs | P(renewal at T6) % | P(collapse) % | counters per run | surplus at T6 | CN share at T6 |")
    print("|" + "---|" * (len(names) + 6))
    grid = [spec["parameters"][n]["values"] for n in names]
    if args.default:
        grid = [[v] for v in DEFAULT]
    for values in itertools.product(*grid):
        renewed = collapsed = 0
        counters: list[float] = []
        surplus: list[float] = []
        china: list[float] = []
        scenario = load_scenario(spec["scenario"], dict(zip(names, values, strict=True)))
        for k in range(reps):
            result = run(scenario, seed=spec["seed"] + k)
            talks = entries(result.log, OfferMade)
            counters.append(sum(t.verdict == "counter" for t in talks))
            collapsed += result.collapse is not None
            split = next((s for s in entries(result.log, Settled, 12) if {s.proposer, s.receiver} == {"US", "CN"}),
                         None)
            if split is not None:
                renewed += 1
                surplus.append(split.surplus)
                china.append(split.share("CN") or 0.0)
        print("| " + " | ".join(str(v) for v in values)
              + f" | {reps} | {share(renewed, reps)} | {share(collapsed, reps)} | {mean_ci(counters)} | "
              f"{mean_ci(surplus)} | {mean_ci(china)} |")


if __name__ == "__main__":
    main()
