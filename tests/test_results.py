"""Run results: turn labels as dates, and the talks in the outcome row."""

import pytest

from negotiation import load_scenario, run
from negotiation.results import turn_label


def test_monthly_turns_are_labelled_with_their_month_across_year_ends():
    scenario = load_scenario("busan_truce_2025")
    assert scenario.start.startswith("2025-11")
    assert [turn_label(scenario, t) for t in (0, 1, 2, 13, 14, 35)] == [
        "2025-11", "2025-12", "2026-01", "2026-12", "2027-01", "2028-10"]


def test_the_outcome_records_the_talks_the_linked_terms_and_the_split_of_the_renewal():
    # the classroom game's renewal at turns 5-6 (issue 9): over seeds, the outcome row says how the
    # talks went without reading the turn log: the linked units within the scenario's links, the
    # surplus, and the two sides' shares of it (summing to one; null for the allies)
    scenario = load_scenario("classroom_intro")
    most = {link.like: link.max_units for link in scenario.negotiation.links}
    rows = [run(scenario, seed=seed).outcome() for seed in range(8)]
    renewed = [r for r in rows if r["renewal_turn"] is not None]
    assert len(renewed) >= 2
    for r in renewed:
        assert r["renewal_turn"] in (5, 6) and r["renewals_agreed"] >= 1
        for item in filter(None, r["renewal_links"].split("; ")):
            like, units = item.split(" +")
            assert 0 < float(units) <= most[like] + 1e-9
        assert r["renewal_surplus"] > 0
        assert r["renewal_share.US"] + r["renewal_share.CN"] == pytest.approx(1.0)
        assert r["renewal_share.JP"] is None
    for r in rows:
        assert r["counter_offers"] >= 0 and r["renewals_failed"] >= 0
        if r["renewal_turn"] is None:
            assert r["renewal_links"] is None and r["renewal_surplus"] is None and r["renewal_share.US"] is None


def test_a_failed_renewal_is_counted_only_when_talks_were_held():
    # busan_truce_2025 over 12 seeds: some T6 lapses follow talks that found no deal (a failed
    # renewal), others follow no offer at all (distrust, no zone of agreement): not a failed renewal
    from negotiation.history import OfferMade, entries

    scenario = load_scenario("busan_truce_2025")
    kinds = set()
    for seed in range(12):
        result = run(scenario, seed=seed)
        row = result.outcome()
        if row["collapse_cause"] != "lapsed":
            continue
        talked = any(e.turn == row["collapse_turn"] for e in entries(result.log, OfferMade))
        assert (row["renewals_failed"] >= 1) == talked
        kinds.add(talked)
    assert kinds == {True, False}
