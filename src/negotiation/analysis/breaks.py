"""Who broke the truce and why: the first breach of each run (breaker, pledge, cause),
overall and by region of a parameter."""

from __future__ import annotations

import pandas as pd

CAUSES = ("real", "misread", "event", "lapsed")


def _breached(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["break_turn"].notna()] if "break_turn" in frame else frame.iloc[0:0]


def breaks_overall(frame: pd.DataFrame) -> pd.DataFrame | None:
    """One row per (breaker, pledge): breaches, their share of all breaches, and a count per cause;
    most frequent first. None when no run was breached."""
    broke = _breached(frame)
    if broke.empty or "breaker" not in broke:
        return None
    pledge = broke["break_pledge"] if "break_pledge" in broke else pd.Series("-", index=broke.index)
    cause = broke["break_cause"] if "break_cause" in broke else pd.Series("real", index=broke.index)
    table = pd.crosstab([broke["breaker"].astype(str).rename("breaker"), pledge.astype(str).rename("break_pledge")],
                        cause.astype(str).rename("cause"))
    for c in CAUSES:
        if c not in table:
            table[c] = 0
    table = table[[*CAUSES, *[c for c in table.columns if c not in CAUSES]]]
    table.insert(0, "breaches", table.sum(axis=1))
    table.insert(1, "share", table["breaches"] / len(broke))
    return table.sort_values("breaches", ascending=False).reset_index()


def breaks_by_region(frame: pd.DataFrame, level: pd.Series) -> pd.DataFrame:
    """Per level of a parameter: runs, the share breached, the most frequent breaker and pledge
    (with their share of the level's breaches) and the causes in order of frequency."""
    rows = []
    for value, group in frame.groupby(level.rename("level"), observed=True, sort=True):
        broke = _breached(group)
        row = {"level": value, "runs": len(group), "breached": len(broke) / len(group) if len(group) else 0.0,
               "breaker": "-", "pledge": "-", "causes": "-"}
        if len(broke):
            def top(column: str, broke: pd.DataFrame = broke) -> str:
                if column not in broke:
                    return "-"
                counts = broke[column].astype(str).value_counts()
                return f"{counts.index[0]} ({100 * counts.iloc[0] / len(broke):.0f} %)"

            row["breaker"], row["pledge"] = top("breaker"), top("break_pledge")
            if "break_cause" in broke:
                counts = broke["break_cause"].astype(str).value_counts()
                row["causes"] = ", ".join(f"{c} {100 * n / len(broke):.0f} %" for c, n in counts.items())
        rows.append(row)
    return pd.DataFrame(rows)
