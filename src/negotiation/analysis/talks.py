"""The talks of a sweep's runs (issue 9): counter-offers, renewals agreed and failed, and the
side payment of the first renewal of a major pledge, overall and by level of a parameter."""

from __future__ import annotations

import pandas as pd

from negotiation.analysis.holds import wilson

#: the outcome columns the talks are read from (RunResult.bargaining)
COLUMNS = ("counter_offers", "renewals_agreed", "renewals_failed", "renewal_turn", "renewal_side_payment")


def talks_table(frame: pd.DataFrame, level: pd.Series | None = None) -> pd.DataFrame | None:
    """Per level (one row 'all' without ``level``): runs, counter-offers, renewals agreed and
    failed per run, the share of runs that renewed a major pledge with its 95 % Wilson interval,
    and the mean side payment a month of that renewal with who paid it (shares of the runs
    with a payment). None when the sweep has no talks columns."""
    if any(c not in frame for c in COLUMNS):
        return None
    groups = [("all", frame)] if level is None else frame.groupby(level.rename("level"), observed=True, sort=True)
    rows = []
    for value, group in groups:
        runs = len(group)
        if not runs:
            continue
        renewed = int(group["renewal_turn"].notna().sum())
        low, high = wilson(renewed, runs)
        paid = pd.to_numeric(group["renewal_side_payment"], errors="coerce").dropna()
        payer = group["renewal_payer"] if "renewal_payer" in group else pd.Series(dtype=str)
        payers = payer.dropna().astype(str).value_counts()
        by = ", ".join(f"{c} {100 * n / payers.sum():.0f} %" for c, n in payers.items()) if len(payers) else "-"
        rows.append({"level": value, "runs": runs, "counters": float(group["counter_offers"].mean()),
                     "agreed": float(group["renewals_agreed"].mean()), "failed": float(group["renewals_failed"].mean()),
                     "renewed": renewed / runs, "low": low, "high": high,
                     "side_payment": float(paid.mean()) if len(paid) else float("nan"), "paid_by": by})
    return pd.DataFrame(rows)
