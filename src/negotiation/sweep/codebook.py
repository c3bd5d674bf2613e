"""The codebook: what every column of a sweep's tables means, its unit, type and convention.

One source for three places: ``codebook.md`` and ``codebook.json`` in every sweep folder,
the field metadata of every Parquet file (``description``, ``unit``, ``convention``), and
:func:`codebook` for notebooks. An entry may be marked ``planned``: a column documented
before the engine reports it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from negotiation.config.market import GOODS, STAGES

CODEBOOK_MD, CODEBOOK_JSON = "codebook.md", "codebook.json"


@dataclass(frozen=True)
class Entry:
    """One column: its name (``<COUNTRY>`` and ``<key>`` stand for any country id or parameter key)."""

    name: str
    table: str  # results, series or design
    type: str  # bool, int, float, str (nullable where the convention says so)
    unit: str
    meaning: str
    convention: str = ""
    status: str = "current"  # or 'planned': reported once the engine's economics rewrite lands


_TURN = "turns count from 0 (turn 0 is the first month, November 2025 in busan_truce_2025)"


def _allied_shares(table: str, when: str) -> tuple[Entry, ...]:
    """The allied share of world capacity by market stage and good (``allied_<stage>_<good>``)."""
    return tuple(Entry(f"allied_{stage}_{good}", table, "float", "share 0-1",
                       f"Allied share of world {stage} capacity, {good} {when}.",
                       "allied: the game's countries but the supplier")
                 for stage in STAGES for good in GOODS)


ENTRIES: tuple[Entry, ...] = (
    # identity of a run
    Entry("run_id", "results", "str", "-", "A stable id of the run: a hash of its parameter values and seed.",
          "the same across resumes, executors and worker counts"),
    Entry("point", "results", "int", "-", "The design point (row of design.parquet) the run belongs to.",
          "from 0, in design order"),
    Entry("replication", "results", "int", "-", "Which replication of its design point the run is.", "from 0"),
    Entry("seed", "results", "int", "-", "The run's seed: SeedSequence(root, spawn_key=(1, point, replication)).",
          "re-run alone with `negotiation run SWEEP/scenario.yaml --seed SEED --set KEY=VALUE ...`"),
    Entry("status", "results", "str", "-", "'ok', or 'failed' when the run raised (its outcomes are then null)."),
    Entry("error", "results", "str", "-", "The exception of a failed run, 'Type: message'.", "null when ok"),
    Entry("traceback", "results", "str", "-", "The traceback of a failed run.", "null when ok"),
    Entry("<key>", "results", "as the scenario field", "as the scenario field",
          "One column per varied parameter, named by its dotted scenario key "
          "(e.g. countries.CN.preferences.patience).",
          "names, mappings and lists are stored as JSON text; quote dotted names in SQL: "
          "SELECT \"market.lead_time_scale\" FROM runs"),
    # the truce: first breach
    Entry("held", "results", "bool", "-", "The truce held: never broke (engine before the economics rewrite) or "
          "never collapsed (after it, where a breach can heal).", "over the whole run"),
    Entry("break_turn", "results", "int", "turn", "The turn of the first breach of a major pledge.",
          f"{_TURN}; null when no pledge was breached"),
    Entry("breaker", "results", "str", "country id", "The country whose defection was the first breach.",
          "null when none"),
    Entry("break_pledge", "results", "str", "pledge id", "The pledge first breached (C1-C9, U1-U4, ...).",
          "null when none"),
    Entry("break_cause", "results", "str", "-", "Why the first breach happened: 'real' (a chosen defection), "
          "'misread' (an answer to a defection that was only noise), 'event' (a scheduled or random shock) or "
          "'lapsed' (a major pledge ran out unrenewed).",
          "null when none; the former column `misread` is dropped: use break_cause == 'misread'"),
    Entry("turns", "results", "int", "turns", "How many turns the run played.", "the scenario's `turns`"),
    # collapse, breaches and cooperation (the economics rewrite)
    Entry("collapsed", "results", "bool", "-", "The truce really ended: sustained mutual defection, a withdrawal, "
          "or an unrenewed major pledge.", "held == not collapsed"),
    Entry("collapse_turn", "results", "int", "turn", "The turn the truce collapsed.",
          f"{_TURN}; null when it did not"),
    Entry("collapse_cause", "results", "str", "-",
          "Why it collapsed: 'mutual_defection', 'withdrawal' or 'lapsed'.", "null when it did not"),
    Entry("collapse_country", "results", "str", "country id", "The country held responsible for the collapse.",
          "null when it did not, or when no single country was"),
    Entry("breaches", "results", "int", "incidents", "Breach incidents of major pledges over the run.",
          "a breach that heals and recurs counts twice"),
    Entry("recoveries", "results", "int", "incidents", "Breaches that healed (compliance restored).", ""),
    Entry("cooperation_rate", "results", "float", "share 0-1",
          "Share of major-pledge turns in which the pledge was honoured.", "over turns with the pledge in force"),
    Entry("mutual_defection_turns", "results", "int", "turns",
          "Turns in which both sides of a major pledge pair defected.", ""),
    # the world at the end
    Entry("allied_share", "results", "float", "share 0-1",
          "Allied (non-Chinese) share of rare-earth processing capacity at the end of the run.",
          "after the last turn's world update"),
    Entry("china_share", "results", "float", "share 0-1",
          "China's share of processing capacity at the end of the run (its leverage).",
          "after the last turn's world update"),
    # the talks (issue 9: renewals bargained for; docs/bargaining.md)
    Entry("counter_offers", "results", "int", "offers", "Offers of the run answered with a counter-offer.",
          "over all pairs and turns"),
    Entry("renewals_agreed", "results", "int", "deals", "Accepted offers that renew at least one pledge.",
          "a package renewing several pledges counts once"),
    Entry("renewals_failed", "results", "int", "talks",
          "Renewal talks that ended without a deal: offers to renew were made, the pledges up lapsed unrenewed.",
          "one per pair and lapse turn, however many pledges the package held"),
    Entry("renewal_turn", "results", "int", "turn", "The turn of the first agreed renewal of a major pledge.",
          f"{_TURN}; null when no major pledge was renewed"),
    Entry("renewal_links", "results", "str", "pledge +units",
          "The linked instruments that carried the split of that renewal: the pledges extended and by how much, "
          "in each pledge's units (e.g. 'U1 +0.04; C5 +8' : 4 more tariff points, 8 more Mt/yr of soybeans).",
          "empty when the deal carried none; null when no major pledge was renewed"),
    Entry("renewal_surplus", "results", "float", "USD bn/month",
          "The surplus of that renewal: what it gives both sides a month over their outside options, each "
          "valuing the renewal and the linked units by its own view.",
          "null when no major pledge was renewed or the deal was not a bargained package"),
    Entry("renewal_share.<COUNTRY>", "results", "float", "share 0-1",
          "The country's share of that surplus (what it got over its outside option, over the surplus).",
          "one column per country id; null for countries not party to the renewal"),
    Entry("payoff.<COUNTRY>", "results", "float", "USD bn",
          "The country's cumulative payoff over the run (undiscounted sum of per-turn payoffs).",
          "one column per country id (payoff.US, payoff.CN, ...)"),
    # the rare-earth market (scenarios with a supplier; docs/market.md)
    Entry("mean_price_light", "results", "float", "USD/kg",
          "Mean price of light rare earths (NdPr) outside the supplier over the run.",
          "weighted each turn by what each importer would buy without controls"),
    Entry("peak_price_light", "results", "float", "USD/kg", "The highest such monthly price of the run."),
    Entry("mean_price_heavy", "results", "float", "USD/kg",
          "Mean price of heavy rare earths (a Dy/Tb basket) outside the supplier over the run.",
          "weighted each turn by what each importer would buy without controls"),
    Entry("peak_price_heavy", "results", "float", "USD/kg", "The highest such monthly price of the run."),
    *_allied_shares("results", "at the end of the run"),
    Entry("cover_months.<COUNTRY>", "results", "float", "months",
          "The importer's strategic stockpile at the end of the run, in months of its light consumption.",
          "one column per importer (every game country but the supplier)"),
    # per-turn series
    Entry("turn", "series", "int", "turn", "The turn of the row.", _TURN),
    Entry("status", "series", "str", "-",
          "The truce's status at the end of the turn: holds, strained, breached or collapsed."),
    Entry("allied_share", "series", "float", "share 0-1", "Allied share of processing capacity after the turn."),
    Entry("china_share", "series", "float", "share 0-1", "China's share of processing capacity after the turn."),
    Entry("pledges_honoured", "series", "int", "pledges", "Pledges in force honoured in full this turn."),
    Entry("pledges_active", "series", "int", "pledges", "Pledges in force this turn."),
    Entry("payoff.<COUNTRY>", "series", "float", "USD bn", "The country's payoff in this turn."),
    Entry("total.<COUNTRY>", "series", "float", "USD bn", "The country's cumulative payoff up to this turn."),
    Entry("tariff_out.<COUNTRY>", "series", "float", "share 0-1",
          "The country's mean tariff on its partners' goods this turn.", "0.25 is a 25 % tariff"),
    Entry("control_on.<COUNTRY>", "series", "float", "level 0-1",
          "The export-control level the supplier applies to this country this turn.", "0 none, 1 full"),
    Entry("trade_loss.<COUNTRY>", "series", "float", "USD bn",
          "Welfare the country lost to tariffs this turn (before payoff weights)."),
    Entry("security_loss.<COUNTRY>", "series", "float", "USD bn",
          "The cost of supply insecurity to the country this turn (before payoff weights).",
          "the market's harm of the controls on it"),
    Entry("price_light", "series", "float", "USD/kg", "The price of light rare earths outside the supplier this turn.",
          "weighted by what each importer would buy without controls"),
    Entry("price_heavy", "series", "float", "USD/kg", "The price of heavy rare earths outside the supplier this turn.",
          "weighted by what each importer would buy without controls"),
    Entry("world_price_light", "series", "float", "USD/kg", "The light price that clears the world without controls."),
    Entry("world_price_heavy", "series", "float", "USD/kg", "The heavy price that clears the world without controls."),
    *_allied_shares("series", "after the turn"),
    Entry("leverage", "series", "float", "USD bn",
          "What full controls on every importer would cost them a month after the turn (the supplier's card)."),
    Entry("cover_months.<COUNTRY>", "series", "float", "months",
          "The importer's strategic stockpile after the turn, in months of its light consumption."),
    # the design table
    Entry("u.<key>", "design", "float", "unit 0-1",
          "The unit-cube coordinate a sampled design drew for the parameter (SALib analyses these).",
          "absent for grids"),
)


def _match(pattern: str, name: str) -> bool:
    if "<" not in pattern:
        return pattern == name
    head = pattern.split("<", 1)[0]
    return head != "" and name.startswith(head) and len(name) > len(head)


def entry(name: str, table: str = "results", parameters: list[str] | None = None) -> Entry | None:
    """The codebook entry of a column (a parameter column when ``name`` is in ``parameters``), or None."""
    if parameters and name in parameters:
        return next(e for e in ENTRIES if e.name == "<key>")
    for e in ENTRIES:
        if e.table == table and e.name == name:
            return e
    for e in ENTRIES:
        if e.table == table and _match(e.name, name):
            return e
    return None


def codebook(sweep: Any = None, include_planned: bool = True) -> pd.DataFrame:
    """The codebook as a table (name, table, type, unit, meaning, convention, status).

    With a :class:`~negotiation.sweep.Sweep` (or a sweep file path), the rows are the columns
    that sweep writes, parameters by their own keys and countries by their own ids.
    """
    if sweep is None:
        rows = [asdict(e) for e in ENTRIES if include_planned or e.status == "current"]
        return pd.DataFrame(rows)
    from negotiation.sweep.columns import design_schema, results_schema, series_schema
    from negotiation.sweep.sweepfile import Sweep, read_sweep

    if not isinstance(sweep, Sweep):
        sweep = read_sweep(sweep)
    keys = [a.key for a in sweep.axes]
    rows = []
    schemas = [("results", results_schema(sweep)), ("design", design_schema(sweep, sweep.spec.design.kind != "grid"))]
    if sweep.series:
        schemas.insert(1, ("series", series_schema(sweep)))
    for table, schema in schemas:
        for field in schema:
            e = entry(field.name, table, keys) or (entry(field.name, "results", keys) if table != "series" else None)
            if e is None:
                continue
            row = asdict(e)
            # a planned column that the engine produces is documented and current
            row.update(name=field.name, table=table, type=_type(field.type) if e.name == "<key>" else e.type,
                       status="current")
            if e.name == "<key>" and field.name in keys:
                row["meaning"] = f"Varied parameter {sweep.spec.label(field.name)!r} (scenario key {field.name})."
                row["unit"] = "as the scenario field (docs/model.md)"
            rows.append(row)
    return pd.DataFrame(rows)


def _type(kind: Any) -> str:
    return {"int64": "int", "double": "float", "bool": "bool", "string": "str"}.get(str(kind), str(kind))


def field_metadata(name: str, table: str = "results", parameters: list[str] | None = None) -> dict[bytes, bytes]:
    """Parquet field metadata for a column: description, unit and convention (empty when unknown)."""
    e = entry(name, table, parameters)
    if e is None:
        return {}
    meta = {"description": e.meaning, "unit": e.unit}
    if e.convention:
        meta["convention"] = e.convention
    return {k.encode(): v.encode() for k, v in meta.items()}


def to_markdown(frame: pd.DataFrame, title: str = "Codebook") -> str:
    """The codebook as a Markdown page."""
    lines = [f"# {title}", "",
             "Every column of this sweep's tables (results/, series/, design.parquet). Load with "
             "`negotiation.sweep.load(folder)`; the same text is in each Parquet field's metadata.", ""]
    for table, group in frame.groupby("table", sort=False):
        lines += [f"## {table}", "", "| column | type | unit | meaning | convention |", "|---|---|---|---|---|"]
        for r in group.itertuples():
            planned = " *(planned: reported once the engine's economics rewrite lands)*" if r.status == "planned" \
                else ""
            lines.append(f"| `{r.name}` | {r.type} | {r.unit} | {r.meaning}{planned} | {r.convention} |")
        lines.append("")
    return "\n".join(lines)


def write(folder: Path, sweep: Any) -> None:
    """codebook.md and codebook.json for the sweep in ``folder``."""
    frame = codebook(sweep)
    (folder / CODEBOOK_MD).write_text(to_markdown(frame, f"Codebook: {sweep.spec.name}") + "\n", encoding="utf-8")
    (folder / CODEBOOK_JSON).write_text(json.dumps(frame.to_dict(orient="records"), indent=2) + "\n",
                                        encoding="utf-8")
