"""Run results: turn labels as dates."""

from negotiation import load_scenario
from negotiation.results import turn_label


def test_monthly_turns_are_labelled_with_their_month_across_year_ends():
    scenario = load_scenario("busan_truce_2025")
    assert scenario.start.startswith("2025-11")
    assert [turn_label(scenario, t) for t in (0, 1, 2, 13, 14, 35)] == [
        "2025-11", "2025-12", "2026-01", "2026-12", "2027-01", "2028-10"]
