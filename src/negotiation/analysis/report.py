"""The sweep report: report.md with PNG figures, and a printed headline.

Sections: P(truce holds) against each parameter (95 % Wilson intervals), a map over two
parameters, survival curves by parameter level, a scenario-discovery rule, and Sobol' or
Morris indices for those designs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from negotiation.analysis import figures
from negotiation.analysis.data import SweepData, read
from negotiation.analysis.discovery import Box, discover
from negotiation.analysis.holds import hold_map, hold_table, largest_jump, levels, spread, wilson
from negotiation.analysis.sensitivity import IncompleteDesign, indices
from negotiation.analysis.survival import by_level
from negotiation.sweep.store import Store

# survival curves and map axes are cut coarser than the P(holds) tables, to stay readable
CURVE_LEVELS, MAP_LEVELS = 5, 10
SURVIVAL_PANELS = 2


@dataclass(frozen=True)
class Report:
    path: Path
    headline: str


def write_report(folder: Path, out: Path | None = None, map_params: list[str] | None = None,
                 discovery: str = "auto") -> Report:
    """Analyse the sweep in ``folder`` and write ``report.md`` and figures into ``out``."""
    data = read(folder)
    out = out or folder / "report"
    out.mkdir(parents=True, exist_ok=True)
    labels = {k: data.label(k) for k in data.keys}
    tables = {k: hold_table(data.runs, levels(data.runs[k], data.numeric(k))) for k in data.keys}
    sens, sens_note = _sensitivity(data, folder)
    ranking = _rank(tables, sens)
    pair = [data.key_for(name) for name in map_params] if map_params else ranking[:2]
    box = discover(data.runs, data.keys, discovery, labels)
    headline = _headline(data, tables, ranking, box, sens)

    figures.holds(tables, labels, out / "holds.png")
    sections = [_title(data), "## Headline", "", *[f"- {line}" for line in headline], "",
                _holds_section(data, tables, ranking)]
    if len(pair) == 2 and pair[0] != pair[1]:
        sections.append(_map_section(data, pair, out))
    sections.append(_survival_section(data, ranking[:SURVIVAL_PANELS], out))
    sections.append(_discovery_section(box, data))
    if sens is not None or sens_note:
        sections.append(_sensitivity_section(sens, sens_note, labels, out))
    path = out / "report.md"
    path.write_text("\n".join(sections) + "\n", encoding="utf-8")
    return Report(path, "\n".join(headline))


def _sensitivity(data: SweepData, folder: Path) -> tuple[pd.DataFrame | None, str]:
    if data.spec.design.kind not in ("sobol", "morris"):
        return None, ""
    try:
        return indices(data, Store(folder).design()), ""
    except IncompleteDesign as exc:
        return None, str(exc)


def _rank(tables: dict[str, pd.DataFrame], sens: pd.DataFrame | None) -> list[str]:
    """Parameters from most to least influential: by SALib's index when there is one, else by
    how far P(holds) moves across their levels."""
    if sens is not None:
        return list(sens.index)
    return sorted(tables, key=lambda k: spread(tables[k]), reverse=True)


def _pct(p: float) -> str:
    return f"{100 * p:.1f} %"


def _level(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _headline(data: SweepData, tables: dict[str, pd.DataFrame], ranking: list[str], box: Box | None,
              sens: pd.DataFrame | None) -> list[str]:
    runs, held = len(data.runs), int(data.runs["held"].sum())
    low, high = wilson(held, runs)
    lines = [f"{data.spec.name}: P(truce holds) = {_pct(held / runs)} (95 % CI {_pct(low)} - {_pct(high)}) "
             f"over {runs:,} runs" + (f"; {data.failed:,} failed runs left out" if data.failed else "")]
    top = ranking[0]
    table = tables[top]
    lo_row, hi_row = table.loc[table["p"].idxmin()], table.loc[table["p"].idxmax()]
    line = (f"matters most: {data.label(top)} (P(holds) from {_pct(lo_row['p'])} at {_level(lo_row['level'])} "
            f"to {_pct(hi_row['p'])} at {_level(hi_row['level'])})")
    jump = largest_jump(table)
    if jump and data.numeric(top):
        a, b, pa, pb = jump
        line += f"; largest jump between {_level(a)} and {_level(b)}: {_pct(pa)} -> {_pct(pb)}"
    lines.append(line)
    lines.append(box.sentence() if box else _no_box(data))
    if sens is not None:
        column = "ST" if "ST" in sens else "mu_star"
        lines.append(f"{'Sobol total index' if column == 'ST' else 'Morris mu*'}: " + ", ".join(
            f"{data.label(k)} {sens.loc[k, column]:.2f}" for k in sens.index[:3]))
    return lines


def _no_box(data: SweepData) -> str:
    return "the truce held in every run" if data.runs["held"].all() else "the truce broke in every run"


def _title(data: SweepData) -> str:
    m = data.manifest
    design = m["design"]
    return "\n".join([
        f"# Sweep report: {data.spec.name}", "",
        data.spec.description.strip(), "",
        f"Scenario `{m['scenario']['name']}` ({data.turns} turns); design **{design['kind']}**, "
        f"{design['points']:,} points x {design['replications']} replications = {design['runs']:,} runs "
        f"(root seed {design['seed']}); {len(data.runs):,} finished, {data.failed:,} failed, "
        f"{design['runs'] - len(data.runs) - data.failed:,} not run. State: {m['state']}.", ""])


def _holds_section(data: SweepData, tables: dict[str, pd.DataFrame], ranking: list[str]) -> str:
    parts = ["## P(truce holds) against each parameter", "",
             "95 % Wilson intervals. Numeric parameters with many values are cut into quantile bins "
             "(the level is the bin's middle).", "", "![P(truce holds)](holds.png)", ""]
    for key in ranking:
        table = tables[key]
        parts += [f"### {data.label(key)} (`{key}`)", "", "| level | runs | held | P(holds) | 95 % CI |",
                  "|---|---:|---:|---:|---|"]
        parts += [f"| {_level(r.level)} | {r.runs:,} | {r.held:,} | {_pct(r.p)} | {_pct(r.low)} - {_pct(r.high)} |"
                  for r in table.itertuples()]
        jump = largest_jump(table)
        if jump and data.numeric(key):
            a, b, pa, pb = jump
            parts += ["", f"Largest jump between {_level(a)} and {_level(b)}: {_pct(pa)} -> {_pct(pb)}."]
        parts.append("")
    return "\n".join(parts)


def _map_section(data: SweepData, pair: list[str], out: Path) -> str:
    x, y = pair
    grid = hold_map(data.runs, levels(data.runs[x], data.numeric(x), MAP_LEVELS, MAP_LEVELS),
                    levels(data.runs[y], data.numeric(y), MAP_LEVELS, MAP_LEVELS))
    figures.hold_map(grid, data.label(x), data.label(y), out / "map.png")
    return "\n".join(["## Map of P(truce holds)", "",
                      f"Over {data.label(x)} (across) and {data.label(y)} (down); cells give P(holds) in %.", "",
                      "![map](map.png)", ""])


def _survival_section(data: SweepData, keys: list[str], out: Path) -> str:
    curves = {k: by_level(data.runs, levels(data.runs[k], data.numeric(k), CURVE_LEVELS, CURVE_LEVELS - 1))
              for k in keys}
    figures.survival(curves, {k: data.label(k) for k in keys}, out / "survival.png")
    parts = ["## Survival of the truce", "",
             "Share of runs still in truce after each turn (Kaplan-Meier; a truce that held is censored at the "
             "last turn), by level of the most influential parameters.", "", "![survival](survival.png)", "",
             "| parameter | level | still in truce at the end | median turn of break |", "|---|---|---:|---:|"]
    for key, frame in curves.items():
        for level in frame.columns:
            curve = frame[level].dropna()
            below = curve[curve <= 0.5]
            median = str(int(below.index[0])) if len(below) else "-"
            parts.append(f"| {data.label(key)} | {_level(level)} | {_pct(curve.iloc[-1])} | {median} |")
    return "\n".join(parts + [""])


def _discovery_section(box: Box | None, data: SweepData) -> str:
    parts = ["## Scenario discovery: where does the truce break?", ""]
    if box is None:
        return "\n".join(parts + [_no_box(data) + ".", ""])
    method = ("PRIM (patient rule induction, `prim` package)" if box.method == "prim"
              else "a decision tree (scikit-learn), each leaf a candidate box")
    verb, base = ("broke", 1 - data.runs["held"].mean()) if box.outcome == "breaks" else \
        ("held", data.runs["held"].mean())
    parts += [f"Method: {method}; the box with the best balance of density and coverage is shown.", "",
              *(["Most truces broke, so the box shows where the truce **held**.", ""] if box.outcome == "holds"
                else []),
              f"**{box.sentence()[0].upper() + box.sentence()[1:]}.**", "",
              f"- density: {_pct(box.density)} of the {box.runs:,} runs in the box {verb} (base rate {_pct(base)})",
              f"- coverage: the box holds {_pct(box.coverage)} of all runs that {verb}", ""]
    return "\n".join(parts)


def _sensitivity_section(sens: pd.DataFrame | None, note: str, labels: dict[str, str], out: Path) -> str:
    parts = ["## Sensitivity indices (SALib)", ""]
    if sens is None:
        return "\n".join(parts + [f"Not computed: {note}.", ""])
    figures.sensitivity(sens, labels, out / "sensitivity.png")
    columns = list(sens.columns)
    parts += ["Output: P(truce holds) per design point.", "", "![sensitivity](sensitivity.png)", "",
              "| parameter | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    parts += [f"| {labels[k]} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |" for k, row in sens.iterrows()]
    return "\n".join(parts + [""])
