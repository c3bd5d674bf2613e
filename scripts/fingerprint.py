"""Fingerprint of the shipped scenarios' outcomes: one hash over every scenario x seeds 0..24.

A refactoring that must not change behaviour keeps this hash. Run it before and after:

    .venv/bin/python scripts/fingerprint.py            # prints one line per scenario and the total hash
    .venv/bin/python scripts/fingerprint.py --seeds 5  # fewer seeds, quicker
    .venv/bin/python scripts/fingerprint.py --deep     # also what readers of the turn log and records show

The hash covers ``RunResult.outcome()`` and the per-country totals, serialised as JSON with sorted
keys and floats written with ``repr`` (so a change in the last bit of a payoff changes the hash).
``--deep`` adds, per run, the files a run folder holds (timeline.csv, compliance.csv and
summary.json as written), every country's debrief turning points (readers of the turn log), and
the digest of the same game played as a session with every move left to the seat's strategy
(``Session.digest``, which old saves are checked against).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from typing import Any

from negotiation.api import load_scenario, run
from negotiation.config.resolve import builtin_scenarios


def _exact(value: Any) -> Any:
    """Floats as their exact repr, so JSON keeps every bit."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _exact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_exact(v) for v in value]
    return value


def _deep(loaded: Any, result: Any, seed: int) -> dict[str, Any]:
    """What the readers of a run's turn log and records show, exactly."""
    from negotiation.play.debrief import turning_points
    from negotiation.play.session import Session

    session = Session(loaded, [next(iter(loaded.countries))], seed=seed)
    while not session.finished:
        session.submit_default()
    return {"timeline": result.timeline.to_csv(index=False, float_format="%r"),
            "compliance": result.compliance.to_csv(float_format="%r"),
            "summary": json.dumps(_exact(result.summary()), sort_keys=True, default=str),
            "turning_points": {cid: turning_points(result, cid) for cid in loaded.countries},
            "session": session.digest()}


def fingerprint(scenario: str, seeds: int, deep: bool = False) -> str:
    """The hash of one scenario's outcomes and totals over seeds ``0..seeds-1``."""
    loaded = load_scenario(scenario)
    digest = hashlib.sha256()
    for seed in range(seeds):
        result = run(loaded, seed=seed)
        line = json.dumps({"seed": seed, "outcome": _exact(result.outcome()), "totals": _exact(result.totals)},
                          sort_keys=True)
        digest.update(line.encode())
        if deep:
            digest.update(json.dumps(_deep(loaded, result, seed), sort_keys=True).encode())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=25, help="seeds 0..N-1 (default 25)")
    parser.add_argument("--deep", action="store_true",
                        help="also hash the run files, debrief turning points and session digests")
    args = parser.parse_args()
    total = hashlib.sha256()
    for name in builtin_scenarios():
        h = fingerprint(name, args.seeds, args.deep)
        total.update(f"{name}:{h}".encode())
        print(f"{name:24s} {h[:16]}")
    print(f"{'all':24s} {total.hexdigest()}")


if __name__ == "__main__":
    main()
