"""Print the tables of docs/findings.md from a sweep folder (what `negotiation analyze` does not print).

    python scripts/findings_tables.py grid runs/pvc          # P(collapse) and cooperation over two axes
    python scripts/findings_tables.py channels runs/channels # main effect of each channel, breach causes
    python scripts/findings_tables.py ensemble runs/default  # who breaks and why, breaches and recoveries
    python scripts/findings_tables.py real runs/capture      # share of runs whose first breach is China's choice
    python scripts/findings_tables.py market runs/buffers    # each market policy's margin: collapse, prices, chain
    python scripts/findings_tables.py timeline runs/seed2025 # one run's market and tariffs, every sixth turn
    python scripts/findings_tables.py renewal runs/default   # runs split by whether the T6 renewal happened

Intervals are 95 %: Wilson for proportions, mean +/- 1.96 standard errors for means.
Failed runs (status != 'ok') are dropped and counted.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pandas as pd

from negotiation.analysis.holds import wilson
from negotiation.sweep import load

CAUSES = ["real", "misread", "event", "lapsed"]


def share(hits: int, runs: int) -> str:
    """A proportion with its 95 % Wilson interval, in percent."""
    low, high = wilson(int(hits), int(runs))
    return f"{100 * hits / runs:.1f} [{100 * low:.1f}, {100 * high:.1f}]"


def mean_ci(values: pd.Series) -> str:
    """A mean with mean +/- 1.96 standard errors."""
    x = values.dropna().astype(float)
    half = 1.96 * x.std(ddof=1) / math.sqrt(len(x)) if len(x) > 1 else float("nan")
    return f"{x.mean():.3f} ± {half:.3f}"


def varied(folder: Path) -> list[str]:
    """The varied parameter keys of a sweep folder, in file order."""
    manifest = json.loads((folder / "manifest.json").read_text())
    return list(manifest["design"]["parameters"])


def runs_ok(folder: Path) -> pd.DataFrame:
    """The sweep's runs that finished; prints how many there are and how many failed."""
    frame = load(folder)
    ok = frame[frame["status"] == "ok"].copy()
    print(f"{folder}: {len(ok)} runs ok, {len(frame) - len(ok)} failed")
    return ok


def table(rows: list[dict]) -> str:
    """A Markdown table of rows sharing their keys."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows]
    return "\n".join(lines)


def grid(folder: Path) -> None:
    """P(collapse) and mean cooperation rate for every pair of values of the first two axes."""
    frame = runs_ok(folder)
    row_key, col_key = varied(folder)[:2]
    for title, cell in (("P(collapse) %, 95 % Wilson interval", lambda g: share(g["collapsed"].sum(), len(g))),
                        ("cooperation rate, mean ± 1.96 s.e.", lambda g: mean_ci(g["cooperation_rate"]))):
        rows = []
        for r, by_row in frame.groupby(row_key, sort=True):
            row = {f"{row_key} \\ {col_key}": r}
            for c, g in by_row.groupby(col_key, sort=True):
                row[str(c)] = cell(g)
            rows.append(row)
        print(f"\n{title} (runs per cell: {frame.groupby([row_key, col_key]).size().min()})\n")
        print(table(rows))
    print(f"\nmarginals over {row_key}\n")
    print(table(_marginal(frame, row_key)))
    print(f"\nmarginals over {col_key}\n")
    print(table(_marginal(frame, col_key)))


def _marginal(frame: pd.DataFrame, key: str) -> list[dict]:
    return [{key: v, "runs": len(g), "P(collapse) %": share(g["collapsed"].sum(), len(g)),
             "cooperation": mean_ci(g["cooperation_rate"])} for v, g in frame.groupby(key, sort=True)]


def _causes(g: pd.DataFrame) -> dict:
    cause = g["break_cause"].fillna("none")
    return {c: share((cause == c).sum(), len(g)) for c in [*CAUSES, "none"]}


def channels(folder: Path) -> None:
    """Each channel on vs off, pooled over the other channels: P(collapse), cooperation, first-breach causes."""
    frame = runs_ok(folder)
    effects, causes = [], []
    for key in varied(folder):
        name = key.rsplit(".", 1)[-1]
        on, off = frame[frame[key].astype(bool)], frame[~frame[key].astype(bool)]
        d = on["collapsed"].mean() - off["collapsed"].mean()
        effects.append({"channel": name, "runs on/off": f"{len(on)}/{len(off)}",
                        "P(collapse) % on": share(on["collapsed"].sum(), len(on)),
                        "P(collapse) % off": share(off["collapsed"].sum(), len(off)),
                        "effect (pts)": f"{100 * d:+.1f}",
                        "cooperation on": mean_ci(on["cooperation_rate"]),
                        "cooperation off": mean_ci(off["cooperation_rate"]),
                        "allied share at end on": mean_ci(on["allied_share"]),
                        "allied share at end off": mean_ci(off["allied_share"])})
        for setting, g in (("on", on), ("off", off)):
            causes.append({"channel": name, "setting": setting, **_causes(g)})
    print("\nmain effects (on minus off)\n")
    print(table(effects))
    print("\nfirst-breach cause, % of runs [95 % Wilson]\n")
    print(table(causes))
    print("\nwho breaks first and who is held responsible for the collapse, % of runs [95 % Wilson]\n")
    print(table([{"channel": key.rsplit(".", 1)[-1], "setting": setting, **_who(g, frame)}
                 for key in varied(folder) for setting, g in (("on", frame[frame[key].astype(bool)]),
                                                               ("off", frame[~frame[key].astype(bool)]))]))


def ensemble(folder: Path) -> None:
    """One scenario, many seeds: collapse, its causes, the first breach (who, why), breaches and recoveries."""
    frame = runs_ok(folder)
    n = len(frame)
    print(f"\nP(collapse) % {share(frame['collapsed'].sum(), n)} of {n}")
    print("\ncollapse cause, % of runs\n")
    cause = frame["collapse_cause"].fillna("held")
    print(table([{"cause": c, "runs": int((cause == c).sum()), "% [95 % Wilson]": share((cause == c).sum(), n)}
                 for c in sorted(cause.unique())]))
    ctry = frame["collapse_country"].fillna("none")
    print("\ncountry held responsible for the collapse\n")
    print(table([{"country": c, "runs": int((ctry == c).sum()), "% [95 % Wilson]": share((ctry == c).sum(), n)}
                 for c in sorted(ctry.unique())]))
    print("\ncollapse cause x country held responsible, runs\n")
    print(_crosstab(cause, ctry))
    print("\ncollapse cause x first-breach cause, runs\n")
    print(_crosstab(cause, frame["break_cause"].fillna("none")))
    turns = frame.loc[frame["collapse_cause"] == "lapsed", "collapse_turn"].value_counts()
    print("\nturns of collapses by lapse (runs): " + ", ".join(f"turn {t}: {k}" for t, k in turns.items()))
    print("\nfirst breach: cause x breaker, % of runs\n")
    who = frame["breaker"].fillna("none")
    why = frame["break_cause"].fillna("none")
    rows = []
    for c in [*CAUSES, "none"]:
        for b in sorted(who[why == c].unique()):
            k = int(((why == c) & (who == b)).sum())
            rows.append({"cause": c, "breaker": b, "runs": k, "% [95 % Wilson]": share(k, n)})
    print(table(rows))
    print("\nfirst-breach pledge (top 8)\n")
    pledge = frame["break_pledge"].fillna("none").value_counts().head(8)
    print(table([{"pledge": p, "runs": int(k), "% [95 % Wilson]": share(k, n)} for p, k in pledge.items()]))
    print("\nper run, mean ± 1.96 s.e.\n")
    print(table([{"measure": m, "mean": mean_ci(frame[m]), "median": float(frame[m].median()),
                  "max": float(frame[m].max())}
                 for m in ("breaches", "recoveries", "mutual_defection_turns", "cooperation_rate", "break_turn",
                           "collapse_turn")]))


def _crosstab(rows: pd.Series, cols: pd.Series) -> str:
    counts = pd.crosstab(rows, cols)
    return table([{f"{rows.name} \\ {cols.name}": r, **{str(c): int(counts.loc[r, c]) for c in counts.columns}}
                  for r in counts.index])


def real(folder: Path, country: str = "CN") -> None:
    """Per value of the first axis: share of runs whose first breach is a real (chosen) one by ``country``."""
    frame = runs_ok(folder)
    key = varied(folder)[0]
    rows = []
    for v, g in frame.groupby(key, sort=True):
        hit = ((g["break_cause"] == "real") & (g["breaker"] == country)).fillna(False)
        rows.append({key: v, "runs": len(g), f"first breach real by {country} %": share(hit.sum(), len(g)),
                     "any first breach %": share(g["break_cause"].notna().sum(), len(g)),
                     "P(collapse) %": share(g["collapsed"].sum(), len(g)),
                     "cooperation": mean_ci(g["cooperation_rate"])})
    print()
    print(table(rows))
    print("\nfirst-breach cause by value, % of runs\n")
    print(table([{key: v, **_causes(g)} for v, g in frame.groupby(key, sort=True)]))


MARKET = {"mean_price_light": "mean NdPr USD/kg", "peak_price_light": "peak NdPr USD/kg",
          "mean_price_heavy": "mean Dy/Tb USD/kg", "allied_refining_light": "allied refining at end",
          "allied_magnets_light": "allied magnets at end", "allied_refining_heavy": "allied heavy refining at end",
          "cover_months.US": "US stock at end, months"}


def _who(g: pd.DataFrame, whole: pd.DataFrame) -> dict:
    """First breach by cause and breaker, and the collapse by the country held responsible, in percent of
    ``g``'s runs (the columns: every pair that occurs in ``whole``)."""
    why, who = g["break_cause"].fillna("none"), g["breaker"].fillna("none")
    all_why, all_who = whole["break_cause"].fillna("none"), whole["breaker"].fillna("none")
    out = {f"first {c} by {b}": share(((why == c) & (who == b)).sum(), len(g))
           for c in CAUSES for b in sorted(all_who[all_why == c].unique())}
    out["no breach"] = share((why == "none").sum(), len(g))
    ctry = g["collapse_country"].fillna("none")
    out.update({f"collapse on {c}": share((ctry == c).sum(), len(g))
                for c in sorted(whole["collapse_country"].dropna().unique())})
    return out


def market(folder: Path) -> None:
    """Each axis's margin (pooled over the others): P(collapse), cooperation and the market at the end;
    then P(collapse) over the first two axes."""
    frame = runs_ok(folder)
    keys = varied(folder)
    for key in keys:
        rows = []
        for v, g in frame.groupby(key, sort=True):
            rows.append({key: v, "runs": len(g), "P(collapse) %": share(g["collapsed"].sum(), len(g)),
                         "cooperation": mean_ci(g["cooperation_rate"]),
                         **{label: f"{g[col].mean():.3g}" for col, label in MARKET.items() if col in g}})
        print(f"\nmargin over {key} (means of the market columns)\n")
        print(table(rows))
        print(f"\nwho breaks first and who is held responsible for the collapse, by {key}, % of runs\n")
        print(table([{key: v, "runs": len(g), **_who(g, frame)}
                     for v, g in frame.groupby(key, sort=True)]))
    if len(keys) >= 2:
        row_key, col_key = keys[:2]
        rows = []
        for r, by_row in frame.groupby(row_key, sort=True):
            row = {f"{row_key} \\ {col_key}": r}
            for c, g in by_row.groupby(col_key, sort=True):
                row[str(c)] = share(g["collapsed"].sum(), len(g))
            rows.append(row)
        print(f"\nP(collapse) %, 95 % Wilson (runs per cell: {frame.groupby([row_key, col_key]).size().min()})\n")
        print(table(rows))


TIMELINE = {"price_light": ("NdPr USD/kg", 1.0, ",.0f"), "price_heavy": ("Dy/Tb USD/kg", 1.0, ",.0f"),
            "allied_mining_light": ("mining %", 100.0, ".1f"), "allied_refining_light": ("refining %", 100.0, ".1f"),
            "allied_magnets_light": ("magnets %", 100.0, ".1f"),
            "allied_refining_heavy": ("heavy refining %", 100.0, ".1f"),
            "leverage": ("China's card USD bn/month", 1.0, ".2f"),
            "security_loss.US": ("US security loss USD bn", 1.0, ".2f"),
            "tariff_out.US": ("US mean tariff %", 100.0, ".1f"),
            "tariff_out.CN": ("CN mean tariff %", 100.0, ".1f"),
            "trade_loss.US": ("US trade loss USD bn", 1.0, ".2f"),
            "trade_loss.CN": ("CN trade loss USD bn", 1.0, ".2f")}


def timeline(folder: Path, every: int = 6) -> None:
    """One run folder (``negotiation run --out``): the market and the tariffs every ``every`` turns and
    at the last turn, from its timeline.csv (prices outside China, allied shares by stage in percent)."""
    frame = pd.read_csv(folder / "timeline.csv")
    picked = frame[(frame["turn"] % every == 0) | (frame["turn"] == frame["turn"].max())]
    rows = []
    for _, r in picked.iterrows():
        row = {"turn": int(r["turn"]), "month": r["date"], "status": r["status"]}
        for col, (label, scale, fmt) in TIMELINE.items():
            if col in frame:
                row[label] = format(scale * float(r[col]), fmt)
        rows.append(row)
    print(f"{folder}: {len(frame)} turns")
    print()
    print(table(rows))


def renewal(folder: Path, turn: int = 12) -> None:
    """Runs split by whether the first major renewal came at ``turn`` (T6): how many collapsed,
    by a lapse (at which turns), after a failed renewal talk; and the linked terms, surplus and
    China's share of the surplus of those renewals."""
    frame = runs_ok(folder)
    renewed = frame["renewal_turn"].eq(turn).fillna(False).astype(bool)  # null: no major renewal
    rows = []
    for label, g in (("yes", frame[renewed]), ("no", frame[~renewed])):
        lapsed = g[g["collapse_cause"] == "lapsed"]
        turns = ", ".join(str(int(t)) for t in sorted(lapsed["collapse_turn"].dropna().unique()))
        rows.append({"runs": f"{len(g)} ({share(len(g), len(frame))})", f"renewed at turn {turn}": label,
                     "collapsed": int(g["collapsed"].sum()), "of which by lapse": f"{len(lapsed)} (turns {turns})",
                     "with a failed renewal talk": int((g["renewals_failed"] > 0).sum())})
    print(table(rows))
    done = frame[renewed]
    if len(done):
        links = done["renewal_links"].fillna("").value_counts()
        print(f"\nlinked terms: {', '.join(f'{k or 'none'} in {n}' for k, n in links.items())}; surplus "
              f"{mean_ci(done['renewal_surplus'])} USD bn a month; China's share {mean_ci(done['renewal_share.CN'])}")


def main() -> None:
    """Parse the command line and print the table asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["grid", "channels", "ensemble", "real", "market", "timeline", "renewal"])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    kinds = {"grid": grid, "channels": channels, "ensemble": ensemble, "real": real, "market": market,
             "timeline": timeline, "renewal": renewal}
    kinds[args.kind](args.folder)


if __name__ == "__main__":
    main()
