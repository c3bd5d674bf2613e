"""The sweep report: report.md with PNG figures, and a printed headline.

Sections: P(truce holds) against each parameter (95 % Wilson intervals), a map over two
parameters, survival curves by parameter level, who broke the truce and why, a
scenario-discovery rule, the talks (counter-offers, renewals, side payments) by parameter, and
Sobol' or Morris indices (with their checks) for those designs.
The headline names a parameter only when the evidence clearly sets it apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from negotiation.analysis import figures
from negotiation.analysis.breaks import breaks_by_region, breaks_overall
from negotiation.analysis.data import SweepData, read
from negotiation.analysis.discovery import Box, discover
from negotiation.analysis.holds import clearly_moves, hold_map, hold_table, largest_jump, levels, pick, spread, wilson
from negotiation.analysis.sensitivity import IncompleteDesign, Sensitivity, indices
from negotiation.analysis.survival import by_level, event_column
from negotiation.analysis.talks import talks_table
from negotiation.sweep.store import Store

# survival curves and map axes are cut coarser than the P(holds) tables, to stay readable
CURVE_LEVELS, MAP_LEVELS = 5, 10
SURVIVAL_PANELS = 2
REGION_PANELS = 2


@dataclass(frozen=True)
class Report:
    path: Path
    headline: str


def write_report(folder: str | Path, out: str | Path | None = None, map_params: list[str] | None = None,
                 discovery: str = "auto") -> Report:
    """Analyse the sweep in ``folder`` and write ``report.md`` and figures into ``out``."""
    folder = Path(folder)
    data = read(folder)
    out = Path(out) if out else folder / "report"
    out.mkdir(parents=True, exist_ok=True)
    labels = {k: data.label(k) for k in data.keys}
    grid = data.spec.design.kind == "grid"
    level_of = {k: levels(data.runs[k], data.numeric(k), grid=grid) for k in data.keys}
    tables = {k: hold_table(data.runs, level_of[k]) for k in data.keys}
    sens, sens_note = _sensitivity(data, folder)
    ranking = _rank(tables, sens)
    pair = [data.key_for(name) for name in map_params] if map_params else ranking[:2]
    box = discover(data.runs, data.keys, discovery, labels)
    headline = _headline(data, tables, ranking, box, sens, sens_note)

    figures.holds(tables, labels, out / "holds.png")
    sections = [_title(data), "## Headline", "", *[f"- {line}" for line in headline], "",
                _holds_section(data, tables, ranking)]
    if len(pair) == 2 and pair[0] != pair[1]:
        sections.append(_map_section(data, pair, out))
    sections.append(_survival_section(data, ranking[:SURVIVAL_PANELS], out))
    sections.append(_breaks_section(data, ranking[:REGION_PANELS], level_of))
    if (talks := _talks_section(data, ranking, level_of)) is not None:
        sections.append(talks)
    sections.append(_discovery_section(box, data))
    if sens is not None or sens_note:
        sections.append(_sensitivity_section(data, sens, sens_note, labels, out))
    path = out / "report.md"
    path.write_text("\n".join(sections) + "\n", encoding="utf-8")
    return Report(path, "\n".join(headline))


def _sensitivity(data: SweepData, folder: Path) -> tuple[Sensitivity | None, str]:
    if data.spec.design.kind not in ("sobol", "morris"):
        return None, ""
    try:
        return indices(data, Store(folder).design()), ""
    except IncompleteDesign as exc:
        return None, str(exc)


def _rank(tables: dict[str, pd.DataFrame], sens: Sensitivity | None) -> list[str]:
    """Parameters from most to least influential: by the sensitivity index when it is usable,
    else by how far P(holds) moves across their levels."""
    if sens is not None and sens.usable:
        return list(sens.table.index)
    return sorted(tables, key=lambda k: spread(tables[k]), reverse=True)


def _pct(p: float) -> str:
    return f"{100 * p:.1f} %"


def _level(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _incomplete(data: SweepData) -> str | None:
    expected = (data.manifest.get("design") or {}).get("runs")
    done = len(data.runs) + data.failed
    if not isinstance(expected, int) or done >= expected:
        return None
    file = (data.manifest.get("sweep") or {}).get("file") or "SWEEP_FILE"
    return (f"INCOMPLETE: {done:,} of {expected:,} runs ({100 * done / expected:.0f} %) are on disk. Points run "
            f"in a shuffled order, so these are a random subsample of the design: estimates are unbiased but "
            f"wider. Finish with: negotiation sweep {file} --resume --out {data.folder}")


def _headline(data: SweepData, tables: dict[str, pd.DataFrame], ranking: list[str], box: Box | None,
              sens: Sensitivity | None, sens_note: str) -> list[str]:
    runs, held = len(data.runs), int(data.runs["held"].sum())
    low, high = wilson(held, runs)
    lines = [warning] if (warning := _incomplete(data)) else []
    lines.append(f"{data.spec.name}: P(truce holds) = {_pct(held / runs)} (95 % CI {_pct(low)} - {_pct(high)}) "
                 f"over {runs:,} runs" + (f"; {data.failed:,} failed runs left out" if data.failed else ""))
    if sens is not None:
        lines.append(_sensitivity_headline(data, sens))
        if not sens.usable:  # the P(holds) tables still show which parameter moves it clearly, if any
            ranking = sorted(tables, key=lambda k: spread(tables[k]), reverse=True)
    elif sens_note:
        lines.append(f"sensitivity indices not computed: {sens_note}")
    top = next((k for k in ranking if clearly_moves(tables[k], data.numeric(k) or _binned(tables[k]))), None)
    if top is None:
        lines.append("no parameter moves P(holds) beyond its 95 % intervals at this sample size")
    else:
        table = tables[top]
        lo_row, hi_row = table.loc[table["p"].idxmin()], table.loc[table["p"].idxmax()]
        line = (f"{'matters most' if sens is None or sens.usable else 'moves P(holds) most'}: {data.label(top)} "
                f"(P(holds) from {_pct(lo_row['p'])} at {_level(lo_row['level'])} "
                f"to {_pct(hi_row['p'])} at {_level(hi_row['level'])}, beyond the 95 % intervals)")
        jump = largest_jump(table)
        if jump and data.numeric(top):
            a, b, pa, pb = jump
            line += f"; largest jump between {_level(a)} and {_level(b)}: {_pct(pa)} -> {_pct(pb)}"
        lines.append(line)
    lines.append(box.sentence() if box else _no_box(data))
    if (overall := talks_table(data.runs)) is not None:
        lines.append(_talks_line(overall.iloc[0]))
    return lines


def _talks_line(r: pd.Series) -> str:
    surplus = "-" if pd.isna(r["surplus"]) else f"{r['surplus']:.2f}"
    return (f"talks: {r['counters']:.2f} counter-offers, {r['agreed']:.2f} renewals agreed and {r['failed']:.2f} "
            f"failed per run; a major pledge renewed in {_pct(r['renewed'])} of runs (95 % CI {_pct(r['low'])} - "
            f"{_pct(r['high'])}), its surplus {surplus} USD bn a month on average, split {r['shares']}")


def _talks_section(data: SweepData, keys: list[str], level_of: dict[str, pd.Series]) -> str | None:
    if talks_table(data.runs) is None:
        return None
    parts = ["## The talks", "",
             "Per run: counter-offers, renewal deals agreed, renewals failed (talks held, the pledges up lapsed); "
             "the share of runs in which a major pledge was renewed (95 % Wilson interval), the mean surplus a "
             "month of that first major renewal over both outside options (USD bn, over the runs that renewed) "
             "and each side's mean share of it (95 % interval).", ""]
    for key in keys:
        table = talks_table(data.runs, level_of[key])
        assert table is not None
        parts += [f"### By {data.label(key)}", "",
                  "| level | runs | counters | agreed | failed | major renewal | 95 % CI | surplus | shares |",
                  "|---|---:|---:|---:|---:|---:|---|---:|---|"]
        parts += [f"| {_level(r.level)} | {r.runs:,} | {r.counters:.2f} | {r.agreed:.2f} | {r.failed:.2f} | "
                  f"{_pct(r.renewed)} | {_pct(r.low)} - {_pct(r.high)} | "
                  f"{'-' if pd.isna(r.surplus) else f'{r.surplus:.2f}'} | {r.shares} |"
                  for r in table.itertuples()]
        parts.append("")
    return "\n".join(parts)


def _sensitivity_headline(data: SweepData, sens: Sensitivity) -> str:
    index = "Sobol' total index ST" if sens.kind == "sobol" else "Morris mu*"
    t, col = sens.table, sens.index
    clear = sens.clear()
    named = ", ".join(f"{data.label(k)} {t.loc[k, col]:.2f} ({t.loc[k, col + '_low']:.2f}-"
                      f"{t.loc[k, col + '_high']:.2f})" for k in clear[:3])
    if sens.usable:
        if not clear:
            return f"{index}: well estimated, and no parameter's index is clearly above zero"
        return f"{index} (95 % CI), clearly non-zero: {named}"
    size = f"--samples {sens.needed_samples}" if sens.kind == "sobol" else f"about {sens.needed_samples} trajectories"
    runs = sens.needed_runs(len(data.keys)) if sens.kind == "sobol" else None
    reps = (f" and --replications {sens.needed_replications}" if sens.needed_replications else "")
    line = (f"{index} not usable at this size ({sens.samples} base samples x {sens.replications} replications, "
            f"{sens.runs:,} runs: {', '.join(sens.summary)}); about {size}{reps}"
            + (f" ({runs:,} runs)" if runs else "") + " would make it usable")
    if clear:
        line += f". Clearly non-zero even so: {named}"
    return line


def _binned(table: pd.DataFrame) -> bool:
    return isinstance(table["level"].dtype, pd.CategoricalDtype) and table["level"].cat.ordered


def _no_box(data: SweepData) -> str:
    held = data.runs["held"]
    if held.all():
        return "the truce held in every run"
    if not held.any():
        return "the truce collapsed in every run"
    return "no region of the parameters singles out the collapses (too few distinct design points to search)"


def _title(data: SweepData) -> str:
    m = data.manifest
    design = m["design"]
    warning = _incomplete(data)
    return "\n".join([
        f"# Sweep report: {data.spec.name}", "",
        data.spec.description.strip(), "",
        f"Scenario `{m['scenario']['name']}` ({data.turns} turns); design **{design['kind']}**, "
        f"{design['points']:,} points x {design['replications']} replications = {design['runs']:,} runs "
        f"(root seed {design['seed']}); {len(data.runs):,} finished, {data.failed:,} failed, "
        f"{design['runs'] - len(data.runs) - data.failed:,} not run. State: {m['state']}.", "",
        *([f"> **{warning}**", ""] if warning else []),
        "Column meanings, units and conventions: `codebook.md` in the sweep folder.", ""])


def _holds_section(data: SweepData, tables: dict[str, pd.DataFrame], ranking: list[str]) -> str:
    parts = ["## P(truce holds) against each parameter", "",
             "95 % Wilson intervals. Grid values are shown as they are; numeric parameters of sampled designs are "
             "cut into quantile bins, labelled by the smallest and largest value in each.", "",
             "![P(truce holds)](holds.png)", ""]
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
    grid = data.spec.design.kind == "grid"
    p, n = hold_map(data.runs, levels(data.runs[x], data.numeric(x), MAP_LEVELS, grid),
                    levels(data.runs[y], data.numeric(y), MAP_LEVELS, grid))
    figures.hold_map(p, n, data.label(x), data.label(y), out / "map.png")
    return "\n".join(["## Map of P(truce holds)", "",
                      f"Over {data.label(x)} (across) and {data.label(y)} (down); cells give P(holds) in % and "
                      "their number of runs n.", "", "![map](map.png)", ""])


def _survival_section(data: SweepData, keys: list[str], out: Path) -> str:
    grid = data.spec.design.kind == "grid"
    curves, shown = {}, {}
    for k in keys:
        level = levels(data.runs[k], data.numeric(k), CURVE_LEVELS - 1, grid)
        shown[k] = pick(level, CURVE_LEVELS)
        curves[k] = by_level(data.runs, level, shown[k])
    collapse = event_column(data.runs) == "collapse_turn"
    what = "collapsed" if collapse else "broken"
    figures.survival(curves, {k: data.label(k) for k in keys}, out / "survival.png",
                     "share of runs not yet collapsed" if collapse else "share of runs still in truce")
    parts = ["## Survival of the truce", "",
             f"Share of runs whose truce has not {'collapsed' if collapse else 'broken'} after each turn "
             f"(Kaplan-Meier over `{event_column(data.runs)}`; a truce that held is censored at the last turn), "
             "by level of the most influential parameters. Grid values are shown as they are (at most "
             f"{CURVE_LEVELS}, evenly spread, when there are more).", "", "![survival](survival.png)", "",
             f"| parameter | level | not {what} at the end | median turn {what} |", "|---|---|---:|---:|"]
    for key, frame in curves.items():
        for level in frame.columns:
            curve = frame[level].dropna()
            below = curve[curve <= 0.5]
            median = str(int(below.index[0])) if len(below) else "-"
            parts.append(f"| {data.label(key)} | {_level(level)} | {_pct(curve.iloc[-1])} | {median} |")
    return "\n".join(parts + [""])


def _breaks_section(data: SweepData, keys: list[str], level_of: dict[str, pd.Series]) -> str:
    parts = ["## Who broke the truce, and why", "",
             "The first breach of each run: the country, the pledge and the cause (real: a chosen defection; "
             "misread: an answer to a defection that was only noise; event: a shock forced it; lapsed: a major "
             "pledge ran out unrenewed).", ""]
    overall = breaks_overall(data.runs)
    if overall is None:
        return "\n".join(parts + ["No truce was breached in any run.", ""])
    causes = [c for c in overall.columns if c not in ("breaker", "break_pledge", "breaches", "share")]
    parts += ["| breaker | pledge | breaches | share of breaches | " + " | ".join(causes) + " |",
              "|---|---|---:|---:|" + "---:|" * len(causes)]
    for r in overall.itertuples(index=False):
        row = r._asdict()
        parts.append(f"| {row['breaker']} | {row['break_pledge']} | {row['breaches']:,} | {_pct(row['share'])} | "
                     + " | ".join(f"{row[c]:,}" for c in causes) + " |")
    parts.append("")
    for key in keys:
        region = breaks_by_region(data.runs, level_of[key])
        parts += [f"### By {data.label(key)}", "",
                  "| level | runs | breached | most often by | over | causes |", "|---|---:|---:|---|---|---|"]
        for r in region.itertuples(index=False):
            parts.append(f"| {_level(r.level)} | {r.runs:,} | {_pct(r.breached)} | {r.breaker} | {r.pledge} | "
                         f"{r.causes} |")
        parts.append("")
    return "\n".join(parts)


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
    if box.qp:
        parts += ["Quasi-p values (Bryant & Lempert 2010): the chance of the box's density if a restriction were "
                  "dropped; below 0.05 the restriction matters, above it the restriction may be noise.", "",
                  "| restriction on | quasi-p |", "|---|---:|"]
        parts += [f"| {box.name(c)} | {qp:.2g} |" for c, qp in sorted(box.qp.items(), key=lambda kv: kv[1])]
        parts.append("")
    if box.trajectory is not None:
        parts += ["PRIM's peeling trajectory (each step peels off a slice of the parameter space; the chosen box "
                  "is marked):", "", "| step | coverage | density | restricted parameters | mass |",
                  "|---:|---:|---:|---:|---:|"]
        for i, r in box.trajectory.iterrows():
            mark = " **<- chosen**" if i == box.step else ""
            parts.append(f"| {i}{mark} | {_pct(r['coverage'])} | {_pct(r['density'])} | {int(r['res dim'])} | "
                         f"{_pct(r['mass'])} |")
        parts.append("")
    return "\n".join(parts)


def _sensitivity_section(data: SweepData, sens: Sensitivity | None, note: str, labels: dict[str, str],
                         out: Path) -> str:
    parts = ["## Sensitivity indices", ""]
    if sens is None:
        return "\n".join(parts + [f"Not computed: {note}.", ""])
    figures.sensitivity(sens.table, labels, out / "sensitivity.png")
    if sens.kind == "sobol":
        parts += ["Output: P(truce holds) per design point (the mean of its replications). Run-to-run noise is "
                  "estimated from the replications and taken out of the indices (Saltelli's S1 and Jansen's ST "
                  "estimators); intervals are 95 % percentile bootstraps over the base samples.", ""]
    else:
        parts += ["Output: P(truce holds) per design point; SALib's Morris mu* with its 95 % interval.", ""]
    parts += [f"**{'Usable' if sens.usable else 'Not usable at this size'}.** " + _sensitivity_headline(data, sens)
              + ".", ""]
    if sens.noise_share is not None and not any(c.startswith("run-to-run noise") for c in sens.checks):
        parts += [f"- run-to-run noise: {_pct(sens.noise_share)} of the variance of P(holds) between design points "
                  f"({sens.replications} replications per point)"]
    parts += [f"- {check}" for check in sens.checks] + ["", "![sensitivity](sensitivity.png)", ""]
    columns = [c for c in sens.table.columns]
    parts += ["| parameter | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    parts += [f"| {labels[k]} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |"
              for k, row in sens.table.iterrows()]
    parts.append("")
    if sens.convergence is not None:
        keys = list(sens.table.index[:5])
        figures.convergence(sens.convergence, labels, keys, out / "convergence.png")
        parts += ["### Convergence", "",
                  "The indices of the five leading parameters on the first N base samples: well-estimated indices "
                  "settle and their intervals shrink as N grows.", "", "![convergence](convergence.png)", ""]
    return "\n".join(parts)
