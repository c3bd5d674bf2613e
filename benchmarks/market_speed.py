"""What the rare-earth market costs a turn, against one turn of the current engine.

Alternates, in the same process, a seeded run of the default scenario (``TruceModel``,
per-turn time = run time / turns, construction excluded) and a 36-month standalone market
run (one ``clear`` + one ``advance`` a month, every game country investing its yearly
budget / 12), so both see the same machine load; prints the medians and their ratio.
Also times ``harm_if`` now and six turns ahead, which the engine's stakes will call.
Issue 10 allows the market at most 25 % of a run's time.

    python benchmarks/market_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from negotiation import load_scenario
from negotiation.config.market import load_market
from negotiation.market import advance, clear, harm_if, initial_state, params_from
from negotiation.model import TruceModel


def market_turn(params, invest: np.ndarray, turns: int, seed: int) -> float:
    """Seconds per month of clear + advance over a standalone run."""
    rng = np.random.default_rng(seed)
    state = initial_state(params, rng)
    controls = np.zeros(len(invest))
    start = time.perf_counter()
    for _ in range(turns):
        clearing = clear(state, controls, params)
        state = advance(state, clearing, invest, rng, params)
    return (time.perf_counter() - start) / turns


def engine_turn(scenario, seed: int) -> float:
    """Seconds per turn of one seeded run of the current engine."""
    model = TruceModel(scenario, rng=seed, collect=False)
    start = time.perf_counter()
    model.run()
    return (time.perf_counter() - start) / scenario.turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    scenario = load_scenario("busan_truce_2025")
    params = params_from(scenario.countries, load_market())
    invest = np.array([c.resources.investment_budget / 12 for c in scenario.countries.values()])
    for seed in range(5):  # warm caches and imports
        engine_turn(scenario, seed), market_turn(params, invest, scenario.turns, seed)
    engine, market = [], []
    for seed in range(args.repeat):
        engine.append(engine_turn(scenario, seed))
        market.append(market_turn(params, invest, scenario.turns, seed))
    state = initial_state(params, np.random.default_rng(0))
    controls = np.zeros(len(invest))
    probes = {}
    for ahead in (0, 6):
        t = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            harm_if(state, controls, params, ahead=ahead)
            t.append(time.perf_counter() - start)
        probes[ahead] = statistics.median(t)
    e, m = statistics.median(engine), statistics.median(market)
    print(f"default scenario ({scenario.turns} turns, {len(scenario.countries)} countries), {args.repeat} runs each:")
    print(f"  engine turn (TruceModel.step)     : {1e6 * e:8.1f} us")
    print(f"  market month (clear + advance)    : {1e6 * m:8.1f} us")
    print(f"  harm_if now / six turns ahead     : {1e6 * probes[0]:8.1f} us / {1e6 * probes[6]:.1f} us")
    print(f"ratio: market / engine turn = {m / e:.2f}  (market share of a turn with it = {m / (m + e):.0%}; "
          "issue 10 allows 25 %)")


if __name__ == "__main__":
    main()
