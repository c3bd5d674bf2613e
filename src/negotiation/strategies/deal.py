"""Renewals bargained for real (issue 9): the first mover proposes the package and a split of
its surplus, the other side accepts, counters or rejects, with the rules of
:mod:`negotiation.bargaining` (Rubinstein's alternating offers, P20) on the numbers the engine
puts in the observation (:class:`~negotiation.observation.Bargain`, from the payoff rules).

The split is carried by a side payment: a new pledge of the payer to the receiver worth to
the one what it costs the other, a turn, over the renewal term.
"""

from __future__ import annotations

from negotiation.bargaining import TOLERANCE, continuation_value, respond
from negotiation.observation import Bargain, Concession, NewPledge, Observation, Offer, Renew, Response


def _horizon(bargain: Bargain, rounds_after: int) -> int | None:
    return None if bargain.rubinstein else max(0, rounds_after)


def surplus(bargain: Bargain) -> float:
    """The surplus as I see it: both gains over both outside options (the partner's as believed)."""
    return bargain.gain + bargain.partner_gain - bargain.outside - bargain.partner_outside


def side_payment(payer: str, receiver: str, amount: float, turn: int, round_: int) -> NewPledge:
    return NewPledge({"id": f"{payer}_PAYS_{receiver}_T{turn}_R{round_}", "to": receiver, "instrument": "measure",
                      "level": 1.0, "cost": float(amount), "value": float(amount), "major": False, "renewable": False,
                      "description": "side payment that splits the surplus of the renewal package (issue 9)"})


def renewal_offer(obs: Observation, partner: str, rounds_after: int) -> Offer | None:
    """The package I propose: every pledge up renewed both ways, and the side payment that gives
    the partner what I believe it can get by rejecting (its continuation value) — the
    subgame-perfect offer under my beliefs. None when I see no zone of agreement."""
    b = obs.bargains[partner]
    if surplus(b) <= TOLERANCE:
        return None
    to_them = continuation_value(b.partner_gain, b.gain, b.partner_outside, b.outside, b.partner_delta, b.delta,
                                 _horizon(b, rounds_after))
    give: list[Concession] = [Renew(p.id) for p in obs.up_for_renewal(obs.me, partner)]
    ask: list[Concession] = [Renew(p.id) for p in obs.up_for_renewal(partner, obs.me)]
    transfer = min(b.max_payment, max(-b.max_payment, to_them - b.partner_gain))
    round_ = b.rounds - 1 - rounds_after
    if transfer > TOLERANCE:
        give.append(side_payment(obs.me, partner, transfer, obs.turn, round_))
    elif transfer < -TOLERANCE:
        ask.append(side_payment(partner, obs.me, -transfer, obs.turn, round_))
    return Offer(obs.me, partner, tuple(give), tuple(ask))


def transfer_to(offer: Offer, me: str) -> float:
    """The side payment an offer gives me a turn (negative: I pay)."""
    out = 0.0
    for c in offer.give + offer.ask:
        if isinstance(c, NewPledge) and str(c.terms.get("id", "")).count("_PAYS_"):
            amount = float(c.terms.get("value", 0.0))
            out += amount if c.terms.get("to") == me else -amount
    return out


def is_package(offer: Offer, obs: Observation) -> bool:
    """Whether an offer is the bargained renewal package with the proposer (every pledge up, both ways)."""
    partner = offer.proposer
    if partner not in obs.bargains:
        return False
    renewed = {c.pledge for c in offer.give + offer.ask if isinstance(c, Renew)}
    due = {p.id for p in obs.up_for_renewal(obs.me, partner) + obs.up_for_renewal(partner, obs.me)}
    return bool(renewed) and renewed == due


def value_of(offer: Offer, obs: Observation) -> float:
    """What the package offered is worth to me a turn: my gain from it plus the side payment."""
    return obs.bargains[offer.proposer].gain + transfer_to(offer, obs.me)


def answer(offer: Offer, obs: Observation) -> Response:
    """Accept an offer worth at least what I can expect by rejecting and proposing next;
    counter when it gives less and a round remains (my counter is the package split as I see
    it); reject when no round remains or I see no zone (the renewal fails)."""
    b = obs.bargains[offer.proposer]
    rounds_left = b.rounds - obs.talks_round - 1
    horizon = _horizon(b, rounds_left)
    cont = continuation_value(b.gain, b.partner_gain, b.outside, b.partner_outside, b.delta, b.partner_delta, horizon)
    verdict = respond(value_of(offer, obs), cont, b.outside, horizon)
    if verdict == "counter":
        counter = renewal_offer(obs, offer.proposer, rounds_left - 1)
        return Response("counter", counter) if counter is not None else Response("reject")
    return Response(verdict)
