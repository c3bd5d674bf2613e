"""The strategy contract: a small stateless class with a name, a source and a classifier."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from negotiation.observation import Concession, Decision, NewPledge, Observation, Offer, Renew, Response, Rollback
from negotiation.strategies import deal


class Strategy:
    """Decides a country's moves from its observation and the model's generator.

    Subclasses set ``name``, ``classifier`` and ``defaults`` (their parameters) and
    implement :meth:`level`, the compliance level towards one partner this turn.
    """

    name: ClassVar[str]
    classifier: ClassVar[dict[str, Any]]
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **params: Any):
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            allowed = ", ".join(self.defaults) or "none"
            raise TypeError(f"strategy '{self.name}' has no parameter {', '.join(unknown)}; allowed: {allowed}")
        self.params = {**self.defaults, **params}
        for key, value in self.params.items():
            expected = type(self.defaults[key])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                self.params[key] = float(value)
            elif not isinstance(self.params[key], expected) or isinstance(value, bool) != (expected is bool):
                raise ValueError(f"strategy '{self.name}' parameter '{key}' must be {expected.__name__}, "
                                 f"got {value!r}")
        self.validate()

    def validate(self) -> None:
        """Check parameter ranges; raise ValueError saying what is allowed."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"

    # --- moves -----------------------------------------------------------------
    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        """Compliance level (0 defect .. 1 honour) of my pledges to ``partner`` this turn."""
        raise NotImplementedError

    def retaliates(self) -> bool:
        """Whether this strategy answers a defection with tariffs as well as with its pledges."""
        return True

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        decision = Decision(invest=obs.invest_budget)
        for partner in obs.partners:
            owes = [p for p in obs.pledges if p.giver == obs.me and p.receiver == partner
                    and p.start <= obs.turn < p.end]
            cooperative = self._stance(partner, obs, rng, bool(owes))
            for pledge in owes:
                decision.levels[pledge.id] = cooperative
            if self.retaliates() and partner in obs.seen:
                punish = cooperative < obs.threshold and obs.last_seen(partner) is not None
                decision.retaliation[partner] = ladder(obs, partner) if punish else 0.0
        return decision

    def _stance(self, partner: str, obs: Observation, rng: np.random.Generator, owes: bool) -> float:
        # A partner I owe nothing still gets a stance, for retaliation; draw only when needed
        # so that stochastic strategies consume the generator identically in every front end.
        if owes or self.retaliates():
            return float(self.level(partner, obs, rng))
        return 1.0

    # --- negotiation -------------------------------------------------------------
    def willing(self, partner: str, obs: Observation) -> bool:
        """Whether I deal with this partner at all this turn."""
        mine = [x for x in obs.mine.get(partner, ()) if x is not None]
        return obs.trust.get(partner, 0.0) >= obs.min_trust and (not mine or mine[-1] >= obs.threshold)

    def propose(self, obs: Observation, rng: np.random.Generator) -> list[Offer]:
        offers = []
        for partner in obs.partners:
            if not self.willing(partner, obs):
                continue
            bargain = obs.bargains.get(partner)
            if bargain is not None and bargain.first == obs.me:
                # the renewal is bargained: the first mover proposes the package and its split
                renewal = deal.renewal_offer(obs, partner, bargain.rounds - 1)
                if renewal is not None:
                    offers.append(renewal)
            elif bargain is None:
                give: list[Concession] = [Renew(p.id) for p in obs.up_for_renewal(obs.me, partner)]
                ask: list[Concession] = [Renew(p.id) for p in obs.up_for_renewal(partner, obs.me)]
                if give or ask:
                    offers.append(Offer(obs.me, partner, tuple(give), tuple(ask)))
            if obs.retaliation.get(partner, 0.0) > 0 and obs.deescalation_gain.get(partner, 0.0) > 0:
                offers.append(Offer(obs.me, partner, (Rollback(obs.me, partner),), (Rollback(partner, obs.me),)))
        return offers

    def respond(self, offer: Offer, obs: Observation, rng: np.random.Generator) -> Response:
        if not self.willing(offer.proposer, obs):
            return Response("reject")
        if deal.is_package(offer, obs):
            return deal.answer(offer, obs)
        would_offer = {c for o in self.propose(obs, rng) if o.receiver == offer.proposer for c in o.give + o.ask}
        if offer_value(offer, obs) >= 0 or set(offer.give + offer.ask) <= would_offer:
            return Response("accept")
        # Counter: keep what I receive, give less, cheapest concessions kept first.
        mine = sorted(offer.ask, key=lambda c: concession_value(c, obs))
        while mine and offer_value(Offer(offer.proposer, offer.receiver, offer.give, tuple(mine)), obs) < 0:
            mine.pop(0)
        if not offer.give:
            return Response("reject")
        return Response("counter", Offer(obs.me, offer.proposer, tuple(mine), offer.give))


def ladder(obs: Observation, partner: str) -> float:
    """The next rung of my retaliation on a partner: one step above where it stands, at least
    the partner's retaliation on me (its mirror), at most the room below my ceiling."""
    mine = obs.retaliation.get(partner, 0.0)
    theirs = obs.retaliation_against_me.get(partner, 0.0)
    room = obs.retaliation_room.get(partner, obs.retaliation_step)
    return min(room, max(mine + obs.retaliation_step, theirs))


def concession_value(c: Concession, obs: Observation) -> float:
    """What a concession is worth to the observer over the renewal term."""
    match c:
        case Renew(pledge=pledge):
            for p in obs.pledges:
                if p.id == pledge:
                    if p.receiver == obs.me:
                        return p.value * obs.renewal_term
                    if p.giver == obs.me:
                        return -p.cost * obs.renewal_term
            return 0.0
        case Rollback(country=country, target=target):
            other = country if target == obs.me else target
            return obs.deescalation_gain.get(other, 0.0) * obs.renewal_term / 2
        case NewPledge(terms=terms) if terms:
            span = terms.get("end", obs.turn + obs.renewal_term) - terms.get("start", obs.turn)
            if terms.get("to") == obs.me:
                return float(terms.get("value", 0.0)) * span
            return -float(terms.get("cost", 0.0)) * span
    return 0.0


def offer_value(offer: Offer, obs: Observation) -> float:
    """Net worth of an offer to the observer (its receiver, or its proposer)."""
    return math.fsum(concession_value(c, obs) for c in offer.give + offer.ask)
