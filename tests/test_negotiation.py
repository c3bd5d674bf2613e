"""The talks of a turn: which offers can be made, what an accepted one does, and the rounds
that stop for a person's answer."""

import pytest

from negotiation import load_scenario
from negotiation.history import OfferMade, entries
from negotiation.model import TruceModel
from negotiation.negotiation import check_offer
from negotiation.observation import NewPledge, Offer, Renew, Response, Rollback

CLASS = load_scenario("classroom_intro")  # CN and US; C1 and U1 end at turn 6, renewable from turn 5 for 6 turns


def at(turn: int) -> TruceModel:
    model = TruceModel(CLASS, rng=1)
    while model.turn < turn:
        model.step()
    return model


def pledge(model: TruceModel, pid: str):
    return next(p for p in model.world.pledges if p.id == pid)


@pytest.mark.parametrize(("offer", "reason"), [
    (Offer("CN", "CN", (Renew("C1"),), ()), "cannot make an offer to itself"),
    (Offer("CN", "XX", (Renew("C1"),), ()), "must be countries of the scenario"),
    (Offer("CN", "US", (), ()), "at least one concession"),
    (Offer("CN", "US", (Renew("C9"),), ()), "give: no pledge 'C9'"),
    (Offer("CN", "US", (Renew("U1"),), ()), "give: pledge U1 is from US to CN, not CN to US"),
    (Offer("CN", "US", (Renew("C5"),), ()), "give: pledge C5 is not renewable"),
    (Offer("CN", "US", (Renew("C1"),), ()), "C1 ends at turn 6; it can be renewed from turn 5 to 6"),
    (Offer("CN", "US", (), (Rollback("CN", "US"),)), "ask: a rollback given by US lifts US's tariffs on CN"),
    (Offer("CN", "US", (NewPledge({"id": "X", "to": "CN", "instrument": "gift"}),), ()), "must be 'to: US'"),
    (Offer("CN", "US", (NewPledge({"id": "C1", "to": "US", "instrument": "gift"}),), ()), "id 'C1' is taken"),
    (Offer("CN", "US", (NewPledge({"id": "X", "to": "US", "instrument": "gift"}),), ()),
     "give: new pledge instrument: Input should be"),
])
def test_an_offer_that_cannot_be_made_is_refused_with_its_reason(offer, reason):
    assert reason in (check_offer(at(0), offer, 0) or "")


def test_a_renewal_can_be_offered_only_within_the_window_before_the_end():
    offer = Offer("CN", "US", (Renew("C1"),), (Renew("U1"),))
    model = at(5)
    assert check_offer(model, offer, 5) is None
    assert check_offer(model, offer, 6) is None
    assert "renewed from turn 5 to 6" in check_offer(model, offer, 7)


def test_an_accepted_renewal_extends_both_pledges_once_even_when_both_sides_propose_it():
    model = at(5)
    model.open_turn()
    mine = Offer("CN", "US", (Renew("C1"),), (Renew("U1"),))
    theirs = Offer("US", "CN", (Renew("U1"),), (Renew("C1"),))  # the same deal from the other side
    talks = model.talks({"CN": [mine], "US": [theirs]}, frozenset({"CN"}))
    question = talks.next()  # offers are taken in the scenario's order of countries: the US's first
    assert question.offer == theirs and question.round == 0 and question.can_counter
    talks.answer(Response("accept"))
    assert talks.next() is None  # the identical offer was one deal, not a second question
    assert (pledge(model, "C1").end, pledge(model, "U1").end) == (12, 12)
    assert (pledge(model, "C1").renewals, pledge(model, "U1").renewals) == (1, 1)
    assert [(e.round, e.verdict) for e in entries(model.log, OfferMade, 5)] == [(0, "accept")]


def test_a_rejected_offer_changes_nothing_and_a_counter_is_answered_in_the_next_round():
    model = at(5)
    model.open_turn()
    mine = Offer("CN", "US", (Renew("C1"),), (Renew("U1"),))
    talks = model.talks({"CN": [mine]}, frozenset({"US"}))
    # the talks wait for the seated US (its strategy would take the renewal: a counter asking for
    # more soybeans would not be worth a round's delay, issue 9); the person counters all the same
    assert talks.next().default.verdict == "accept"
    counter = Offer("US", "CN", (Renew("U1"),), (Renew("C1"),))
    talks.answer(Response("counter", counter))
    assert talks.next() is None  # CN (a strategy) answers the counter in round 1
    log = entries(model.log, OfferMade, 5)
    assert [(e.round, e.offer.proposer, e.verdict) for e in log][0] == (0, "CN", "counter")
    assert log[1].round == 1 and log[1].offer == counter


def test_an_offer_that_turns_out_impossible_is_logged_void_with_its_reason():
    model = at(0)
    model.open_turn()
    talks = model.talks({"CN": [Offer("CN", "US", (Renew("C1"),), ())]})
    assert talks.next() is None
    (entry,) = entries(model.log, OfferMade, 0)[-1:]
    assert entry.verdict == "invalid" and "renewed from turn 5" in entry.reason
    assert pledge(model, "C1").end == 6
