"""Renewals bargained for real (issue 9): the first mover proposes the package and a split of
its surplus, the other side accepts, counters or rejects, with the rules of
:mod:`negotiation.bargaining` (Rubinstein's alternating offers, P20) on the numbers the engine
puts in the observation (:class:`~negotiation.observation.Bargain`, from the payoff rules).

The split is carried by the instruments the package links (the scenario's
``negotiation.links``: more C5 soybeans from China, further U1 tariff points from the US):
the proposer picks the units that leave the partner what it can get by rejecting and keep
the most for itself (:func:`negotiation.bargaining.package_for_target`, an LP over the units).
What the links can carry bounds the split; with no links the renewal is all or nothing.
"""

from __future__ import annotations

from negotiation.bargaining import (
    TOLERANCE,
    Concession,
    continuation_value,
    max_joint_gain,
    package_for_target,
    respond,
)
from negotiation.observation import Bargain, LinkTerms, NewPledge, Observation, Offer, Renew, Response, link_id
from negotiation.observation import Concession as Term


def _horizon(bargain: Bargain, rounds_after: int) -> int | None:
    return None if bargain.rubinstein else max(0, rounds_after)


def _concessions(bargain: Bargain, me: str) -> list[Concession]:
    """The links as the LP sees them, side 0 being me."""
    return [Concession(link.like, 0 if link.giver == me else 1, link.value, link.cost, link.max_units)
            for link in bargain.links]


def linked_pledge(link: LinkTerms, units: float, turn: int, round_: int) -> NewPledge:
    """The new pledge that gives ``units`` more of ``link.like`` for the renewal's term."""
    terms = {"id": link_id(link.like, turn, round_), "to": link.receiver, "instrument": link.instrument,
             "level": float(units), "major": False, "renewable": False, "extends": link.like}
    # short, as menus list them at 80 columns: "U1 +10.0 points off the US tariff on CN", "C5 +8 (25 to 33)"
    if link.instrument == "tariff":
        terms["description"] = f"{link.like} +{100 * units:.1f} points off the {link.giver} tariff on {link.receiver}"
    else:
        terms.update(cost=link.cost * units, value=link.value * units,
                     description=f"{link.like} +{units:.3g} ({link.level:.3g} to {link.level + units:.3g})")
    return NewPledge(terms)


def renewal_offer(obs: Observation, partner: str, rounds_after: int) -> Offer | None:
    """The package I propose: every pledge up renewed both ways, and the linked units that give
    the partner what I believe it can get by rejecting (its continuation value) at the least
    cost to me — the subgame-perfect offer under my beliefs, as far as the links can carry it.
    None when I see no zone of agreement, or when the most the links can give the partner
    would leave me below my own outside option."""
    b = obs.bargains[partner]
    links = _concessions(b, obs.me)
    joint = max_joint_gain(links)  # the most the links can add to both sides
    if b.gain + b.partner_gain + joint - b.outside - b.partner_outside <= TOLERANCE:
        return None  # no zone as I see it (the partner's outside option as believed)
    to_them = continuation_value(b.partner_gain + joint, b.gain, b.partner_outside, b.outside,
                                 b.partner_delta, b.delta, _horizon(b, rounds_after))
    package = package_for_target(links, to_them - b.partner_gain)
    if not package.feasible:  # the links cannot carry that much: give the partner the most they can
        most = sum(c.value * c.max_units for c in links if c.giver == 0)
        package = package_for_target(links, most)
    if b.gain + package.proposer_gain < b.outside - TOLERANCE:
        return None
    round_ = b.rounds - 1 - rounds_after
    give: list[Term] = [Renew(p.id) for p in obs.up_for_renewal(obs.me, partner)]
    ask: list[Term] = [Renew(p.id) for p in obs.up_for_renewal(partner, obs.me)]
    for link in b.links:
        units = package.units.get(link.like, 0.0)
        if units > TOLERANCE:
            (give if link.giver == obs.me else ask).append(linked_pledge(link, units, obs.turn, round_))
    return Offer(obs.me, partner, tuple(give), tuple(ask))


def is_package(offer: Offer, obs: Observation) -> bool:
    """Whether an offer is the bargained renewal package with the proposer (every pledge up, both ways)."""
    partner = offer.proposer
    if partner not in obs.bargains:
        return False
    renewed = {c.pledge for c in offer.give + offer.ask if isinstance(c, Renew)}
    due = {p.id for p in obs.up_for_renewal(obs.me, partner) + obs.up_for_renewal(partner, obs.me)}
    return bool(renewed) and renewed == due


def value_of(offer: Offer, obs: Observation, partner: str | None = None) -> float:
    """What a package with ``partner`` (default: the offer's proposer) is worth to me a turn:
    my gain from the renewal plus the linked units' worth to me."""
    b = obs.bargains[partner or offer.proposer]
    return b.gain + b.linked_worth(offer, obs.me)


def answer(offer: Offer, obs: Observation) -> Response:
    """Accept an offer worth at least what I can expect by rejecting and proposing next;
    counter when it gives less, a round remains and my counter is worth more to me, after a
    round's delay, than the offer (when the links cannot carry more, countering only wastes
    a round); reject when neither the offer nor any counter of mine beats my outside option
    (the renewal fails)."""
    b = obs.bargains[offer.proposer]
    rounds_left = b.rounds - obs.talks_round - 1
    horizon = _horizon(b, rounds_left)
    cont = continuation_value(b.gain + max_joint_gain(_concessions(b, obs.me)), b.partner_gain, b.outside,
                              b.partner_outside, b.delta, b.partner_delta, horizon)
    offered = value_of(offer, obs)
    verdict = respond(offered, cont, b.outside, horizon)
    if verdict != "counter":
        return Response(verdict)
    counter = renewal_offer(obs, offer.proposer, rounds_left - 1)
    if counter is None:
        return Response("reject")
    expected = b.outside + b.delta * (value_of(counter, obs, offer.proposer) - b.outside)
    if offered >= max(b.outside, expected) - TOLERANCE:
        return Response("accept")
    if expected <= b.outside + TOLERANCE:
        return Response("reject")
    return Response("counter", counter)
