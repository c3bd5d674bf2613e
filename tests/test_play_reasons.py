"""Why a suggestion is what it is: the counter-offer's reason when the offer is not the bargained package."""

from __future__ import annotations

from negotiation import load_scenario
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
