"""Truce status and the attribution of a break."""

from negotiation import run, truce


def test_status_holds_when_every_major_pledge_is_honoured_and_seen_so():
    assert truce.status([1.0, 1.0], [1.0, 1.0], retaliating=False, breached=False, collapsed=False,
                        threshold=0.5) == "holds"


def test_status_is_strained_by_partial_compliance_a_bad_signal_or_retaliation():
    assert truce.status([1.0, 0.7], [1.0, 0.7], False, False, False, 0.5) == "strained"
    assert truce.status([1.0, 1.0], [1.0, 0.0], False, False, False, 0.5) == "strained"
    assert truce.status([1.0], [1.0], True, False, False, 0.5) == "strained"


def test_an_open_breach_shows_and_collapse_is_absorbing():
    assert truce.status([0.0], [0.0], False, True, False, 0.5) == "breached"
    assert truce.status([1.0], [1.0], False, False, True, 0.5) == "collapsed"


def test_mutual_defection_needs_both_sides_of_a_truce_pair_below_the_threshold():
    parties = {(0, 1), (1, 0)}
    assert truce.mutual_defection({(0, 1): 0.0, (1, 0): 0.2}, parties, 0.5)
    assert not truce.mutual_defection({(0, 1): 0.0, (1, 0): 1.0}, parties, 0.5)
    assert not truce.mutual_defection({(0, 2): 0.0, (2, 0): 0.0}, parties, 0.5)


def test_a_defection_answering_a_false_signal_is_a_misread():
    assert truce.was_misread(seen_by_defector=[1.0, 0.0], actual_of_partner=[1.0, 1.0], threshold=0.5)


def test_a_defection_answering_a_real_one_is_not_a_misread():
    assert not truce.was_misread([1.0, 0.0], [1.0, 0.0], 0.5)
    assert not truce.was_misread([1.0, 1.0], [1.0, 1.0], 0.5)


def test_first_defection_is_the_first_below_threshold_in_order():
    moves = [("US", "U1", 1.0), ("CN", "C5", 0.2), ("CN", "C1", 0.0)]
    assert truce.first_defection(moves, 0.5) == ("CN", "C5")
    assert truce.first_defection(moves[:1], 0.5) is None


def test_break_by_a_scripted_defection_is_attributed_to_its_country_turn_and_pledge(pd_file):
    path = pd_file("scripted", "tit_for_tat", turns=10)
    result = run(path, overrides={"countries.A.strategy.params": {"moves": ["C", "C", "C", "D", "C"]}})
    assert result.broken == truce.Break(3, "A", "a", "real")
    assert "breached at turn 3" in result.describe_truce()


def test_noise_that_makes_a_grim_trigger_defect_is_attributed_as_a_misread(pd_file):
    # both honour always in fact; with noise, the first defection is grim trigger answering a false signal
    path = pd_file("grim_trigger", "grim_trigger", turns=60, noise=0.2)
    causes = {run(path, seed=s).broken.cause for s in range(5)}
    assert causes == {"misread"}


def test_a_suspended_pledge_breaches_the_truce_by_event():
    result = run("rare_earth_shock")
    assert result.broken.turn == 6
    assert (result.broken.country, result.broken.pledge, result.broken.cause) == ("CN", "C1", "event")


def test_a_one_off_defection_answered_by_forgiveness_heals_without_collapse(pd_file):
    path = pd_file("scripted", "generous_tit_for_tat", turns=12)
    result = run(path, overrides={"countries.A.strategy.params": {"moves": ["C", "C", "D", "C"]},
                                  "countries.B.strategy.params": {"forgiveness": 1.0}})
    assert [(b.turn, b.country) for b in result.breaches] == [(2, "A")]
    assert result.recoveries == 1 and result.collapse is None and result.held


def test_sustained_mutual_defection_collapses_the_truce_after_collapse_after_turns(pd_file):
    path = pd_file("scripted", "tit_for_tat", turns=12)
    result = run(path, overrides={"countries.A.strategy.params": {"moves": ["C", "D"]},
                                  "world.collapse_after": 3})
    # A defects from turn 1, B answers from turn 2: mutual from turn 2, collapse on its third turn
    assert result.collapse == truce.Collapse(4, "A", "mutual_defection", "a")
    assert not result.held and result.mutual_defection_turns == 10


def test_a_withdrawal_event_collapses_the_truce_at_once():
    result = run("busan_truce_2025", overrides={"events": [{"turn": 3, "kind": "withdraw", "country": "US",
                                                            "text": "The US withdraws", "source": "model: test"}]})
    assert (result.collapse.turn, result.collapse.country, result.collapse.cause) == (3, "US", "withdrawal")


def test_a_lapse_is_blamed_on_whoever_refused_the_renewal():
    talks = [("US", "CN", {"U1", "C1"}, "reject"), ("JP", "US", {"JP1"}, "accept")]
    assert truce.lapse_blame("U1", "US", talks) == "CN"
    assert truce.lapse_blame("C1", "CN", talks) == "CN"


def test_a_lapse_nobody_offered_to_renew_is_blamed_on_its_giver():
    assert truce.lapse_blame("C8", "CN", [("US", "JP", {"U9"}, "reject")]) == "CN"


def test_china_refusing_the_renewal_is_blamed_for_the_lapse():
    from negotiation import run

    result = run("busan_truce_2025", overrides={"events": [], "countries.CN.strategy.name": "scripted",
                                                "countries.CN.strategy.params": {"moves": ["C"], "accept": False}})
    assert (result.broken.turn, result.broken.country, result.broken.cause) == (12, "CN", "lapsed")
    assert (result.collapse.turn, result.collapse.cause) == (12, "lapsed")
