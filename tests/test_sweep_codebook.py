"""The codebook: every column a run produces is documented, in the folder, the Parquet schema and the API."""

import json

import pyarrow.parquet as pq

from negotiation import run
from negotiation.cli import main
from negotiation.config.resolve import builtin_scenarios
from negotiation.sweep import codebook, load
from negotiation.sweep.codebook import ENTRIES, entry
from negotiation.sweep.columns import results_schema, series_schema
from negotiation.sweep.sweepfile import read_sweep

COLLAPSE = {"collapsed", "collapse_turn", "collapse_cause", "collapse_country", "breaches", "recoveries",
            "cooperation_rate", "mutual_defection_turns"}


def test_every_outcome_and_series_column_a_run_produces_has_an_entry():
    for name in builtin_scenarios():
        result = run(name, seed=1, overrides={"turns": 2}, collect=True)
        undocumented = [c for c in [*result.outcome(), "turns"] if c != "misread" and entry(c, "results") is None]
        undocumented += [c for c in result.records[0].as_row() if entry(c, "series") is None]
        assert undocumented == [], f"{name}: add codebook entries for {undocumented}"


def test_the_collapse_and_cooperation_columns_are_described_and_current():
    described = {e.name: e for e in ENTRIES if e.name in COLLAPSE}
    assert set(described) == COLLAPSE and all(e.status == "current" for e in described.values())
    assert described["collapse_turn"].unit == "turn" and "from 0" in described["collapse_turn"].convention
    assert described["cooperation_rate"].unit == "share 0-1"
    assert set(run("busan_truce_2025", overrides={"turns": 2}).outcome()) >= COLLAPSE
    assert "break_cause == 'misread'" in entry("break_cause").convention  # the dropped misread column


def test_codebook_lists_every_column_of_a_sweep_with_its_unit(sweep_file):
    sweep = read_sweep(sweep_file())
    book = codebook(sweep)
    assert list(book[book["table"] == "results"]["name"]) == results_schema(sweep).names
    results = book[book["table"] == "results"].set_index("name")
    assert results.loc["payoff.A", "unit"] == "USD bn" and results.loc["payoff.A", "status"] == "current"
    param = results.loc["countries.A.preferences.patience"]
    assert param["type"] == "float" and param["meaning"].startswith("Varied parameter 'A.patience' (scenario key")
    assert set(book[book["table"] == "design"]["name"]) == {"point", *sweep.spec.parameters}  # a grid: no u.*
    full = codebook()
    assert {"name", "table", "type", "unit", "meaning", "convention", "status"} <= set(full.columns)


def test_the_folder_and_every_parquet_field_carry_the_codebook(sweep_file, tmp_path):
    out = tmp_path / "s"
    text = sweep_file().read_text().replace("seed: 7", "seed: 7\nseries: [status, payoff.A]")
    assert main(["sweep", str(sweep_file(text=text)), "--out", str(out), "--workers", "1"]) == 0
    md = (out / "codebook.md").read_text()
    assert "| `break_turn` | int | turn |" in md and "| `payoff.A` | float | USD bn |" in md
    rows = json.loads((out / "codebook.json").read_text())
    assert {r["name"] for r in rows if r["table"] == "results"} == set(load(out).columns)
    schema = pq.read_schema(next((out / "results").glob("chunk-*.parquet")))
    meta = schema.field("break_turn").metadata
    assert meta[b"unit"] == b"turn" and b"from 0" in meta[b"convention"]
    assert schema.field("countries.A.preferences.patience").metadata[b"description"].startswith(b"One column")
    series = pq.read_schema(next((out / "series").glob("chunk-*.parquet")))
    assert series.field("payoff.A").metadata[b"unit"] == b"USD bn"
    assert series_schema(read_sweep(sweep_file(text=text))).names == series.names
