"""The negotiation phase of a turn: offers of concessions for concessions, in bounded rounds.

Each country proposes; each recipient accepts, rejects or counters; a counter is a new
offer answered in the next round. Accepted offers take effect at once: renewals extend
pledges, rollbacks lift retaliation tariffs, new pledges come into force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from negotiation.observation import Concession, Offer

if TYPE_CHECKING:
    from negotiation.model import TruceModel


def check_offer(model: TruceModel, offer: Offer, t: int) -> str | None:
    """Why an offer cannot be made this turn, or None when it can."""
    if offer.proposer not in model.index or offer.receiver not in model.index:
        return "proposer and receiver must be countries of the scenario"
    if offer.proposer == offer.receiver:
        return "a country cannot make an offer to itself"
    if not offer.give and not offer.ask:
        return "an offer must give or ask for at least one concession"
    window = model.config.negotiation.renewal_window
    for side, giver, receiver in (("give", offer.proposer, offer.receiver), ("ask", offer.receiver, offer.proposer)):
        for c in getattr(offer, side):
            why = _check_concession(model, c, giver, receiver, t, window)
            if why:
                return f"{side}: {why}"
    return None


def _check_concession(model: TruceModel, c: Concession, giver: str, receiver: str, t: int, window: int) -> str | None:
    if c.kind == "renew":
        p = next((p for p in model.world.pledges if p.id == c.pledge), None)
        if p is None:
            return f"no pledge '{c.pledge}'"
        if (model.ids[p.giver], model.ids[p.receiver]) != (giver, receiver):
            return f"pledge {p.id} is from {model.ids[p.giver]} to {model.ids[p.receiver]}, not {giver} to {receiver}"
        if not p.spec.renewable:
            return f"pledge {p.id} is not renewable"
        if not 0 <= p.end - t <= window:
            return f"pledge {p.id} ends at turn {p.end}; it can be renewed from turn {p.end - window} to {p.end}"
        return None
    if c.kind == "rollback":
        if (c.country, c.target) != (giver, receiver):
            return f"a rollback given by {giver} lifts {giver}'s tariffs on {receiver}"
        return None
    if c.kind == "new":
        terms = c.terms or {}
        if terms.get("to") != receiver:
            return f"a new pledge from {giver} must be 'to: {receiver}'"
        if any(p.id == terms.get("id") for p in model.world.pledges):
            return f"pledge id '{terms.get('id')}' is taken"
        return None
    return f"unknown concession kind '{c.kind}'; allowed: renew, rollback, new"


def _apply(model: TruceModel, offer: Offer, t: int) -> None:
    model.changes += 1
    term = model.config.negotiation.renewal_term
    window = model.config.negotiation.renewal_window
    for side, giver in (("give", offer.proposer), ("ask", offer.receiver)):
        for c in getattr(offer, side):
            if c.kind == "renew":
                p = next(p for p in model.world.pledges if p.id == c.pledge)
                if 0 <= p.end - t <= window:  # the other side's identical offer may have renewed it
                    p.end = max(p.end, t) + term
                    p.renewals += 1
            elif c.kind == "rollback":
                model.world.retaliation[model.index[c.country], model.index[c.target]] = 0.0
            elif c.kind == "new":
                model.add_pledge(giver, dict(c.terms or {}), t)


def _distinct(offers: list[Offer]) -> list[Offer]:
    """Drop an offer that trades the same concessions between the same pair as an earlier one
    (both sides proposing the same renewal is one deal, not two)."""
    seen, out = set(), []
    for offer in offers:
        key = (frozenset((offer.proposer, offer.receiver)), frozenset(offer.give + offer.ask))
        if key not in seen:
            seen.add(key)
            out.append(offer)
    return out


def negotiate(model: TruceModel, t: int) -> None:
    """Run the bounded rounds of offers for turn t, logging every verdict."""
    views = {c.cid: model.observe(c.index) for c in model.countries}
    by_id = {c.cid: c for c in model.countries}
    offers = _distinct([o for c in model.countries for o in c.strategy.propose(views[c.cid], model.rng)])
    rounds = model.config.negotiation.rounds
    for round_ in range(rounds):
        counters = []
        for offer in offers:
            why = check_offer(model, offer, t)
            if why:
                model.log.append({"turn": t, "kind": "offer", "round": round_, "offer": offer,
                                  "verdict": "invalid", "reason": why})
                continue
            response = by_id[offer.receiver].strategy.respond(offer, views[offer.receiver], model.rng)
            model.log.append({"turn": t, "kind": "offer", "round": round_, "offer": offer,
                              "verdict": response.verdict})
            if response.verdict == "accept":
                _apply(model, offer, t)
            elif response.verdict == "counter" and response.counter is not None and round_ + 1 < rounds:
                counters.append(response.counter)
        offers = counters
