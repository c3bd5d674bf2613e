"""A standalone run of the rare-earth market with the default figures, printed as a table.

Every game country invests ``--budget-fraction`` of its profile's ``investment_budget`` a
year, spread evenly over the months; the supplier's controls are held at ``--controls``
(on every target, both goods, or heavy only with ``--heavy-only``) for the whole run.

    python scripts/market_run.py [--turns 36] [--seed 0] [--controls 0] [--heavy-only] [--budget-fraction 1]
"""

from __future__ import annotations

import argparse

import numpy as np

from negotiation import load_scenario
from negotiation.config.market import load_market
from negotiation.market import params_from, simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="busan_truce_2025")
    parser.add_argument("--market", default="rare_earths")
    parser.add_argument("--turns", type=int, default=36)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--controls", type=float, default=0.0)
    parser.add_argument("--heavy-only", action="store_true")
    parser.add_argument("--budget-fraction", type=float, default=1.0)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    params = params_from(scenario.countries, load_market(args.market))
    invest = np.array([c.resources.investment_budget * args.budget_fraction / 12 for c in scenario.countries.values()])
    controls = np.zeros((params.n, 2))
    controls[:, 1] = args.controls
    if not args.heavy_only:
        controls[:, 0] = args.controls
    run = simulate(params, args.turns, np.random.default_rng(args.seed), controls, invest)
    us = params.ids.index("US") if "US" in params.ids else 0
    jp = params.ids.index("JP") if "JP" in params.ids else 0
    print(f"{'turn':>4} {'light $/kg':>10} {'heavy $/kg':>10} {'US light':>9} "
          f"{'allied mine/refine/magnet (light)':>34} {'heavy refine':>12} {'leverage':>9} {'US harm':>8} "
          f"{'JP cover':>8} {'floor':>6}")
    for c in run:
        a = c.allied_share
        print(f"{c.turn:>4} {c.world_price[0]:>10.1f} {c.world_price[1]:>10.1f} {c.price[us, 0]:>9.1f} "
              f"{a[0, 0]:>12.3f} {a[1, 0]:>10.3f} {a[2, 0]:>10.3f} {a[1, 1]:>12.4f} {c.leverage:>9.2f} "
              f"{c.harm[us]:>8.2f} {c.cover[jp, 0]:>8.2f} {c.floor_cost.sum():>6.3f}")


if __name__ == "__main__":
    main()
