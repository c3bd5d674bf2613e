"""Why a suggestion is what it is: the counter-offer's reason, for the renewal package and for other offers."""

from __future__ import annotations

import re

from negotiation import load_scenario
from negotiation.config.models import Scenario
from negotiation.observation import Offer, Renew, Response
from negotiation.play import reasons
from negotiation.play.session import Session


def test_a_counter_to_an_offer_that_asks_too_much_says_what_it_drops_and_what_each_is_worth():
    session = Session(load_scenario("classroom_intro"), ["CN"])
    while session.turn < 5:
        session.submit_default()
    # not the renewal package: the US also asks China to renew C5, which is not due
    greedy = Offer("US", "CN", (Renew("U1"),), (Renew("C1"), Renew("C5")))
    counter = Offer("CN", "US", (Renew("C1"),), (Renew("U1"),))
    text = reasons.counter(session, "CN", greedy, Response("counter", counter))
    # the offer costs China more than it gives; the counter, without C5, is worth something to it
    assert text.startswith("the offer is worth -") and "over 6 turns; the counter keeps what US gives and drops " \
        "renew C5: worth +" in text
    none = reasons.counter(session, "CN", greedy, Response("reject"))
    assert none.startswith("self_enforcing would reject this offer, not counter it, so no counter is suggested")


def _at_the_t6_renewal(outside: float, rounds: int) -> Session:
    """The default scenario played as China to the US's renewal offer at T6 (turn 12), with
    China's soybean outside option and the rounds of talks set."""
    data = load_scenario("busan_truce_2025").model_dump()
    data["negotiation"].update(outside_options={"CN": outside}, rounds=rounds)
    session = Session(Scenario.model_validate(data), ["CN"])
    while session.prompt is not None and session.prompt.kind != "answer":
        session.submit_default()
    assert session.prompt is not None and session.turn == 12
    return session


def test_a_counter_to_the_package_says_what_its_linked_terms_are_worth_and_what_a_failure_gives():
    # China's outside option (1.0 a month) beats the pledges alone, and a third round leaves it
    # room: it counters the US's package for more of the links (docs/findings.md, the talks)
    session = _at_the_t6_renewal(1.0, 3)
    question = session.prompt.question
    assert question.default.verdict == "counter"
    text = reasons.counter(session, "CN", question.offer, question.default)
    assert re.match(r"the counter renews the same pledges with linked terms worth \+\d\.\d\d USD bn a month to you "
                    r"\(the offer's: [+-]\d\.\d\d\): the split you can expect by proposing yourself; if this renewal "
                    r"fails you gain about \d\.\d\d USD bn a month \(your outside option is worth more", text), text
    why = reasons.answer(session, "CN", question.offer, question.default)
    assert "it gives you less than you can expect by proposing yourself, so the counter asks for more" in why


def test_with_two_rounds_the_package_carries_all_the_links_can_and_is_taken():
    session = _at_the_t6_renewal(0.25, 2)
    question = session.prompt.question
    assert question.default.verdict == "accept"
    shown = [c.describe() for c in question.offer.give + question.offer.ask]
    assert "U1 +10.0 points off the US tariff on CN" in shown
    why = reasons.answer(session, "CN", question.offer, question.default)
    assert why.endswith("a counter would not get you more than that after a round's delay")
