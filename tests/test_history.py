"""The turn log and the per-turn records are typed; files and save digests keep their plain form."""

from dataclasses import fields

from negotiation import run
from negotiation.history import (
    COUNTRY_COLUMNS,
    MARKET_COLUMNS,
    Breached,
    Collapsed,
    CountryTurn,
    EventFired,
    Lapse,
    OfferMade,
    Recovered,
    RetaliationSet,
    Settled,
    SnappedBack,
    TurnRecord,
    entries,
)

KINDS = {OfferMade: "offer", EventFired: "event", Lapse: "lapse", RetaliationSet: "retaliation",
         Breached: "breach", Recovered: "recovery", Collapsed: "collapse", SnappedBack: "snapback", Settled: "settled"}


def test_a_run_logs_typed_entries_whose_plain_form_names_their_kind():
    logged = set()
    for seed in range(4):
        result = run("busan_truce_2025", seed=seed)
        for e in result.log:
            assert type(e) in KINDS
            plain = e.as_dict()
            assert plain["kind"] == KINDS[type(e)] and plain["turn"] == e.turn
            logged.add(type(e))
        collapse = entries(result.log, Collapsed)
        assert [c.collapse for c in collapse] == ([result.collapse] if result.collapse else [])
        assert [b.breach for b in entries(result.log, Breached)] == result.breaches
    assert {OfferMade, EventFired, Breached} <= logged


def test_entries_filter_by_type_and_turn_in_log_order():
    result = run("classroom_intro", seed=3)
    offers = entries(result.log, OfferMade)
    assert offers and all(isinstance(e, OfferMade) for e in offers)
    turn = offers[-1].turn
    assert entries(result.log, OfferMade, turn) == [e for e in offers if e.turn == turn]
    invalid = [e for e in offers if e.verdict == "invalid"]
    assert all(e.reason for e in invalid) and all("reason" not in e.as_dict() for e in offers if e not in invalid)


def test_the_timeline_columns_are_the_records_fields_per_country():
    result = run("busan_truce_2025", seed=1, overrides={"turns": 3})
    record = result.records[-1]
    assert isinstance(record, TurnRecord) and isinstance(record.countries["US"], CountryTurn)
    assert tuple(f.name for f in fields(CountryTurn)) == COUNTRY_COLUMNS
    world = [f.name for f in fields(TurnRecord) if f.name not in ("countries", "market")]
    per_country = [f"{c}.{cid}" for cid in result.scenario.countries for c in COUNTRY_COLUMNS]
    market = [*MARKET_COLUMNS, *(f"cover_months.{cid}" for cid in ("US", "JP", "AU", "EU"))]
    assert list(result.timeline.columns) == [world[0], "date", *world[1:], *per_country, *market]
    last = result.timeline.iloc[-1]
    assert last["total.US"] == record.countries["US"].total == result.totals["US"]
    assert [f.total for f in result.path("CN")] == list(result.timeline["total.CN"])
