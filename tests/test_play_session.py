"""The play core: turn phases, prompts and defaults, move validation, the seat's view."""

import pytest

from negotiation import load_scenario, run
from negotiation.history import OfferMade, entries
from negotiation.model import TruceModel
from negotiation.observation import Decision, NewPledge, Offer, Renew, Response, Rollback
from negotiation.play.moves import MoveError
from negotiation.play.session import Session
from negotiation.play.view import seat_view


def play_defaults(session: Session) -> Session:
    while not session.finished:
        session.submit_default()
    return session


@pytest.mark.parametrize(("name", "seats", "seed"), [
    ("busan_truce_2025", ["CN"], 3), ("busan_truce_2025", ["US", "CN"], 8), ("rare_earth_shock", ["EU"], 1),
    ("classroom_intro", ["CN"], 2025), ("classroom_intro", ["US", "JP"], 5)])
def test_taking_every_default_plays_the_computer_game_exactly(name, seats, seed):
    # noise makes the stochastic strategies draw, so the random stream is really exercised
    scenario = load_scenario(name, {"world.noise_scale": 3.0})
    session = play_defaults(Session(scenario, seats, seed=seed))
    computer = run(scenario, seed=seed)
    assert session.result().records == computer.records
    assert session.result().totals == computer.totals
    assert session.result().pledge_seen == computer.pledge_seen


def test_the_phases_of_a_turn_reproduce_step():
    scenario = load_scenario("busan_truce_2025", {"world.noise_scale": 2.0})
    stepped, phased = TruceModel(scenario, rng=4), TruceModel(scenario, rng=4)
    for _ in range(14):
        stepped.step()
        offered = phased.open_turn()
        talks = phased.talks(offered)
        assert talks.next() is None  # nobody seated: the talks never stop
        phased.close_turn(phased.decisions())
    assert stepped.records == phased.records and stepped.log == phased.log


def test_a_turn_asks_offers_then_answers_then_actions():
    session = Session(load_scenario("classroom_intro"), ["CN"])
    kinds = []
    while session.turn < 6:
        kinds.append((session.prompt.turn, session.prompt.kind))
        session.submit_default()
    assert kinds[:2] == [(0, "offers"), (0, "actions")]
    at_renewal = [k for t, k in kinds if t == 5]
    assert at_renewal == ["offers", "answer", "actions"]


def test_the_person_answers_an_offer_after_seeing_it_and_a_rejection_keeps_the_pledge_unrenewed():
    session = Session(load_scenario("classroom_intro"), ["CN"])
    while session.prompt.kind != "answer":
        session.submit_default()
    question = session.prompt.question
    # the US links all the further tariff cut it can carry (U1's last 10 points, P6): a counter
    # could not ask for more, so the suggestion is to take it
    assert question.offer.proposer == "US" and question.default.verdict == "accept"
    assert "US gives: renew U1; U1 +10.0 points off the US tariff on CN" in seat_view(session, "CN").offers[0]
    session.submit(Response("reject"))
    assert session.choices[-1].text == "rejected US's offer (suggested: accept)"
    c1 = next(p for p in session.model.world.pledges if p.id == "C1")
    assert c1.end == 6  # not renewed


def test_a_counter_offer_goes_to_the_next_round():
    session = Session(load_scenario("classroom_intro"), ["CN"])
    while session.prompt.kind != "answer":
        session.submit_default()
    menu = session.counter_menu()
    counter = menu.offer("CN", ["a1"])  # ask the US to renew U1, give nothing
    session.submit(Response("counter", counter))
    verdicts = entries(session.model.log, OfferMade, 5)
    assert verdicts[-1].round == 1 and verdicts[-1].offer == counter


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: Decision({"U1": 1.0}, {}, 0.0), "not one of your pledges"),
    (lambda: Decision({"C1": 1.5}, {}, 0.0), "out of range"),
    (lambda: Decision({}, {"XX": 0.1}, 0.0), "not a partner"),
    (lambda: Decision({}, {"US": 2.0}, 0.0), "from 0 to 1"),
    (lambda: Decision({}, {}, 5.0), "investment must be from 0 to 0"),
    (lambda: Response("accept"), "expected actions"),
])
def test_an_impossible_action_is_refused_with_its_reason_and_changes_nothing(make, reason):
    session = Session(load_scenario("classroom_intro"), ["CN"])
    session.submit_default()  # offers of turn 0
    before = session.digest()
    with pytest.raises(MoveError, match=reason):
        session.submit(make())
    assert session.digest() == before and session.prompt.kind == "actions"


@pytest.mark.parametrize(("offer", "reason"), [
    (Offer("CN", "US", (Renew("C5"),), ()), "not renewable"),
    (Offer("CN", "US", (Renew("C1"),), ()), "can be renewed from turn 5"),
    (Offer("CN", "US", (), ()), "at least one concession"),
    (Offer("US", "CN", (), (Rollback("CN", "US"),)), "must be made by CN"),
    (Offer("CN", "US", (NewPledge(terms={"id": "CN_X", "to": "US", "instrument": "gift"}),), ()),
     "new pledge instrument"),
])
def test_an_impossible_offer_is_refused_with_its_reason(offer, reason):
    session = Session(load_scenario("classroom_intro"), ["CN"])
    with pytest.raises(MoveError, match=reason):
        session.submit([offer])
    assert session.inputs == []


def test_a_new_pledge_offered_by_a_person_comes_into_force_when_accepted():
    session = Session(load_scenario("classroom_intro"), ["CN"])
    terms = {"id": "CN_BEEF", "to": "US", "instrument": "purchase", "level": 1.0, "cost": 0.05, "value": 0.1,
             "description": "Resume US beef purchases."}
    session.submit([Offer("CN", "US", (NewPledge(terms=terms),), ())])
    pledge = next(p for p in session.model.world.pledges if p.id == "CN_BEEF")
    assert (pledge.start, pledge.end, session.model.ids[pledge.giver]) == (0, 6, "CN")
    assert "CN_BEEF" in session.action_limits().pledges


def test_the_seat_view_follows_the_instructors_visibility():
    scenario = load_scenario("classroom_intro", {
        "visibility": {"all": {"world": "hidden", "payoffs": "exact"}, "CN": {"compliance": "exact", "trust": "noisy"}},
        "world.noise_scale": 5.0})
    session = Session(scenario, ["CN", "US"])
    for _ in range(12):
        session.submit_default()
    cn, us = seat_view(session, "CN"), seat_view(session, "US")
    assert cn.allied_share.value is None and cn.allied_share.sight == "hidden"
    us_line = next(p for p in cn.partners if p.country == "US")
    assert us_line.total.value == pytest.approx(float(session.model.totals[0]))  # payoffs: exact
    assert us_line.trust.sight == "noisy" and us_line.trust.value != pytest.approx(session.model.world.trust[1, 0])
    assert seat_view(session, "CN").partners[0].trust == us_line.trust  # an estimate does not change on a second look
    u1 = next(p for p in cn.pledges if p.id == "U1")
    assert u1.sight == "exact" and u1.record == tuple(session.model.pledge_levels["U1"][-6:])
    c1_as_us_sees = next(p for p in us.pledges if p.id == "C1")
    assert c1_as_us_sees.sight == "noisy" and c1_as_us_sees.record == tuple(session.model.pledge_seen["C1"][-6:])


def test_looking_at_a_view_does_not_change_the_game():
    scenario = load_scenario("classroom_intro", {"visibility": {"all": {"world": "noisy", "payoffs": "noisy"}}})
    looked = Session(scenario, ["CN"])
    while not looked.finished:
        seat_view(looked, "CN")
        looked.submit_default()
    assert looked.result().totals == run(scenario).totals


def test_seats_must_be_countries_of_the_scenario():
    with pytest.raises(MoveError, match="seats must be countries"):
        Session(load_scenario("classroom_intro"), ["FR"])


def test_every_seat_moves_at_once_and_the_inputs_keep_the_scenario_order():
    scenario = load_scenario("classroom_intro")
    in_order = play_defaults(Session(scenario, ["US", "CN", "JP"]))
    at_once = Session(scenario, ["US", "CN", "JP"])
    kinds = set()
    while not at_once.finished:
        pending = at_once.pending()
        kinds.add((pending[0].kind, len(pending)))
        step = at_once.step
        for prompt in reversed(pending):  # the last seat first: held until the others have moved
            at_once.submit_for(prompt.seat, prompt.default)
        assert at_once.step > step or at_once.finished
    assert at_once.inputs == in_order.inputs
    assert at_once.digest() == in_order.digest()
    assert {("offers", 3), ("actions", 3), ("answer", 1)} <= kinds


def test_a_held_move_is_checked_at_once_and_a_seat_moves_once_per_step():
    session = Session(load_scenario("classroom_intro"), ["US", "CN"])
    assert [p.seat for p in session.pending()] == ["US", "CN"]
    with pytest.raises(MoveError, match="one offer per partner"):
        session.submit_for("CN", [Offer("CN", "US", (Rollback("CN", "US"),), ())] * 2)
    session.submit_for("CN", [])
    assert [p.seat for p in session.pending()] == ["US"] and session.inputs == []
    with pytest.raises(MoveError, match="CN has no move to make now"):
        session.submit_for("CN", [])
    with pytest.raises(MoveError, match="JP has no move to make now"):
        session.submit_for("JP", [])
    session.submit_for("US", session.pending()[0].default)
    assert [(i["seat"], i["kind"]) for i in session.inputs] == [("US", "offers"), ("CN", "offers")]
    assert session.pending()[0].kind == "actions"
    limits = session.action_limits("CN")
    assert limits.pledges == ("C1", "C5")


def test_the_history_a_seat_saw_matches_its_screen_and_hides_what_it_may_not_see():
    from negotiation.play.view import seat_history

    scenario = load_scenario("classroom_intro", {"visibility": {"all": {"payoffs": "noisy", "world": "hidden",
                                                                        "noise": 0.2}}})
    session = Session(scenario, ["CN"])
    while session.turn < 3:
        session.submit_default()
    seen, exact = seat_history(session, "CN"), seat_history(session)
    view = seat_view(session, "CN")
    assert len(seen.labels) == 3 and seen.labels[0] == "Nov 2025"
    assert seen.totals["CN"] == exact.totals["CN"]  # one's own payoff is always exact
    assert seen.totals["US"] != exact.totals["US"]
    assert seen.totals["US"][-1] == next(p.total.value for p in view.partners if p.country == "US")
    assert seen.allied_share == (None, None, None) and None not in exact.allied_share


def test_the_read_api_tells_front_ends_what_the_engine_holds_without_handing_it_out():
    session = Session(load_scenario("busan_truce_2025", {"world.noise_scale": 2.0}), ["CN"], seed=3)
    for _ in range(40):
        session.submit_default()
    m = session.model
    assert session.countries == tuple(m.ids) and session.status == m.status
    assert session.shares() == (m.world.allied_share, m.world.china_share)
    assert session.total("JP") == pytest.approx(float(m.totals[m.index["JP"]]))
    c1 = next(p for p in session.pledges() if p.id == "C1")
    assert (c1.giver, c1.receiver, c1.end) == ("CN", "US", next(p.end for p in m.world.pledges if p.id == "C1"))
    assert c1.levels == tuple(m.pledge_levels["C1"]) and c1.seen == tuple(m.pledge_seen["C1"])
    relation = session.relation("CN", "US")
    assert relation.trust == pytest.approx(m.world.trust[m.index["CN"], m.index["US"]])
    assert session.surcharges("CN")["US"] == relation.surcharge
    with pytest.raises(AttributeError):
        c1.end = 99  # a snapshot: changing it cannot change the game
    while not entries(m.log, OfferMade):  # on to the first talks
        session.submit_default()
    turn = entries(m.log, OfferMade)[0].turn
    talks = entries(m.log, OfferMade, turn)
    assert [(t.offer, t.verdict) for t in session.talks(turn)] == [(e.offer, e.verdict) for e in talks]


def test_the_read_api_and_the_truce_line_follow_a_breach_that_heals():
    session = Session(load_scenario("classroom_intro"), ["CN"])

    def play_to(turn: int) -> None:
        while session.turn < turn:
            p = session.prompt
            if p.kind == "actions" and p.turn == 2:  # CN skips one soybean purchase; nobody answers it
                session.submit(Decision({**p.default.levels, "C5": 0.0}, p.default.retaliation, p.default.invest))
            else:
                session.submit_default()

    play_to(3)
    view = seat_view(session, "CN")
    assert view.status == "breached" and view.breaches == 1 and view.recoveries == 0
    assert view.truce == "breached at turn 2 (Jan 2026) by CN over C5: a deliberate defection"
    play_to(4)
    view = seat_view(session, "CN")
    assert session.collapse is None and session.open_breach is None and session.recoveries == 1
    assert [b.pledge for b in session.breaches] == ["C5"]
    assert view.status == "holds" and view.truce == "holds (1 breach so far, 1 healed)"


def test_an_instructor_may_hide_every_partners_payoff_but_one():
    from negotiation.config.models import Visibility
    from negotiation.play.view import seat_view

    sc = load_scenario("busan_truce_2025")
    sc = sc.model_copy(update={"visibility": {"CN": Visibility(payoffs="hidden", payoffs_of={"US": "exact"})}})
    session = Session(sc, ["CN"])
    while session.turn < 1:
        session.submit_default()
    totals = {p.country: p.total for p in seat_view(session, "CN").partners}
    assert totals["US"].sight == "exact" and totals["US"].value == pytest.approx(session.total("US"))
    assert all(r.sight == "hidden" and r.value is None for c, r in totals.items() if c != "US")
