"""How long one run of the default scenario takes, and one turn of it.

Prints the median over repeated runs (model construction included), the median per
turn, and, as a reference measured in the same process, the median time of the
200-turn prisoner's-dilemma match, so figures compare across machines as ratios.

It also prints the rare-earth market's share of a run's time, measured within each run: the
time spent in the market's methods (``negotiation.supply.Supply``: clearing, advancing,
pricing pledges and stakes; the engine counts it as it goes, ``Supply.seconds``) over the
run's time. Issue 10 allows the market at most 25 %.

    python benchmarks/run_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from negotiation import load_scenario
from negotiation.model import TruceModel


def time_runs(scenario, repeat: int) -> tuple[float, float, float]:
    """Median seconds per run and per turn over ``repeat`` seeded runs, and the median share of
    each run's time spent in the market (0 without one)."""
    runs, turns, market = [], [], []
    for seed in range(repeat):
        start = time.perf_counter()
        model = TruceModel(scenario, rng=seed, collect=False)
        built = time.perf_counter()
        model.run()
        end = time.perf_counter()
        runs.append(end - start)
        turns.append((end - built) / scenario.turns)
        market.append(model.supply.seconds / (end - start) if model.supply is not None else 0.0)
    return statistics.median(runs), statistics.median(turns), statistics.median(market)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    default = load_scenario("busan_truce_2025")
    pd = load_scenario("prisoners_dilemma")
    time_runs(default, 5)  # warm caches and imports
    run_s, turn_s, market = time_runs(default, args.repeat)
    pd_run, pd_turn, _ = time_runs(pd, max(20, args.repeat // 10))
    print(f"default scenario ({default.turns} turns, {len(default.countries)} countries), {args.repeat} runs:")
    print(f"  median run  : {1000 * run_s:8.2f} ms")
    print(f"  median turn : {1000 * turn_s:8.3f} ms")
    print(f"reference: prisoner's dilemma ({pd.turns} turns, 2 countries)")
    print(f"  median run  : {1000 * pd_run:8.2f} ms   median turn: {1000 * pd_turn:.3f} ms")
    print(f"ratio: one default turn costs {turn_s / pd_turn:.1f}x one prisoner's-dilemma turn")
    print(f"market share of a run's time: {market:.1%} (median over the runs; issue 10 allows 25 %)")


if __name__ == "__main__":
    main()
