"""Run results: turn labels as dates, and the talks in the outcome row."""

from negotiation import load_scenario, run
from negotiation.results import turn_label


def test_monthly_turns_are_labelled_with_their_month_across_year_ends():
    scenario = load_scenario("busan_truce_2025")
    assert scenario.start.startswith("2025-11")
    assert [turn_label(scenario, t) for t in (0, 1, 2, 13, 14, 35)] == [
        "2025-11", "2025-12", "2026-01", "2026-12", "2027-01", "2028-10"]


def test_the_outcome_records_the_talks_and_the_capped_side_payment_of_the_renewal():
    # the classroom game's renewal at turns 5-6 (issue 9): over seeds, the outcome row says how the
    # talks went without reading the turn log
    scenario = load_scenario("classroom_intro")
    cap = scenario.negotiation.max_side_payment
    rows = [run(scenario, seed=seed).outcome() for seed in range(8)]
    renewed = [r for r in rows if r["renewal_turn"] is not None]
    assert len(renewed) >= 2
    for r in renewed:
        assert r["renewal_turn"] in (5, 6) and r["renewals_agreed"] >= 1
        assert r["renewal_payer"] in ("US", "CN", None) and 0 <= r["renewal_side_payment"] <= cap + 1e-12
    for r in rows:
        assert r["counter_offers"] >= 0 and r["renewals_failed"] >= 0
        if r["renewal_turn"] is None:
            assert r["renewal_payer"] is None and r["renewal_side_payment"] is None


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
