"""Why a suggestion is what it is: a sentence per suggested move, from what the seat sees.

The suggestion at every prompt is the seat's own strategy's move (what Enter plays). A
student who is told "defect" must also be told why, or the debrief seems to blame them for
following advice. The reasons are read from the seat's observation (the same one the
strategy decided from): what it saw its partner do last turn, the stakes of the relation
(the one-turn gain from defecting against the future loss, P12), its trust, and what an offer
is worth to it. Nothing here changes the game.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from negotiation.observation import Bargain, Observation, Offer, Renew, Response, Rollback
from negotiation.payoffs import defection_pays
from negotiation.strategies import deal
from negotiation.strategies.base import offer_value

if TYPE_CHECKING:
    from negotiation.play.session import Session


def _strategy(session: Session, seat: str) -> str:
    spec = session.scenario.countries[seat].strategy
    return spec.params.get("default", "tit_for_tat") if spec.name == "human" else spec.name


def _continuation(obs: Observation, partner: str) -> float:
    stakes = obs.stakes.get(partner)
    return obs.patience if stakes is None or stakes.continuation is None else stakes.continuation


def stance(session: Session, seat: str, partner: str, level: float) -> str:
    """Why the suggestion honours (level 1) or defects (below) on the pledges to ``partner``."""
    obs, name = session.observation(seat), _strategy(session, seat)
    seen = obs.last_seen(partner)
    thr = obs.threshold
    if level < thr and seen is not None and seen < thr:
        return (f"{partner} was seen below half ({100 * seen:.0f} %) on its pledges to you last turn, "
                f"and {name} answers a defection in kind")
    stakes = obs.stakes.get(partner)
    if stakes is not None:
        d = _continuation(obs, partner)
        future = d / (1 - d) * stakes.loss if d < 1 else float("inf")
        pays = defection_pays(stakes.gain, stakes.loss, d)
        numbers = (f"defecting gains {stakes.gain:+.2f} USD bn now; the truce's future is worth "
                   f"{future:.2f} (loss {stakes.loss:.2f} a turn once punished, discounted at {d:.2f})")
        if level < thr and pays:
            return f"{numbers}: defecting pays for {name}"
        if level >= thr and not pays and name == "self_enforcing":
            return f"{numbers}: honouring pays more"
    if level >= thr:
        what = "nothing yet" if seen is None else f"{100 * seen:.0f} % of its pledges honoured"
        return f"{partner} was seen honouring ({what}, as you saw it); {name} honours in return"
    return f"{name} defects on {partner} this turn"


def surcharge(session: Session, seat: str, partner: str, now: float, suggested: float) -> str:
    """Why the suggestion raises, keeps or lifts the surcharge on ``partner``."""
    obs, name = session.observation(seat), _strategy(session, seat)
    seen = obs.last_seen(partner)
    defected = seen is not None and seen < obs.threshold
    if suggested > now:
        why = f"{partner} was seen defecting last turn" if defected else f"{name} punishes {partner}"
        return f"{why}: a {100 * suggested:.0f}-point surcharge answers it"
    if suggested < now:
        why = "not seen defecting last turn" if not defected else "forgiven"
        return f"{partner} was {why}: lifting the surcharge de-escalates (it costs both sides trade)"
    if now > 0:
        return f"{partner} was seen defecting: {name} keeps the surcharge"
    return ""


def answer(session: Session, seat: str, offer: Offer, suggested: Response) -> str:
    """Why the suggestion accepts, rejects or counters ``offer``."""
    obs = session.observation(seat)
    partner = offer.proposer
    trust = obs.trust.get(partner, 0.0)
    if suggested.verdict == "reject" and trust < obs.min_trust:
        return f"your trust in {partner} ({trust:.2f}) is below {obs.min_trust:g}: no deals until it recovers"
    if deal.is_package(offer, obs):
        return _package(obs, offer, suggested)
    value = offer_value(offer, obs)
    worth = f"the offer is worth {value:+.2f} USD bn to you over {obs.renewal_term} turns"
    if suggested.verdict == "accept" and value < 0:
        return (f"it renews what {_strategy(session, seat)} would offer itself, to keep the truce in force "
                f"(the pledges' direct worth to you over {obs.renewal_term} turns: {value:+.2f} USD bn)")
    if suggested.verdict == "accept":
        return worth
    if suggested.verdict == "counter":
        return worth + ": the counter gives less for the same"
    return worth


def counter(session: Session, seat: str, offer: Offer, suggested: Response) -> str:
    """Why the suggested counter-offer to ``offer`` holds what it holds (or why none is suggested)."""
    obs, name = session.observation(seat), _strategy(session, seat)
    made = suggested.counter if suggested.verdict == "counter" else None
    if made is None:
        verdict = {"accept": "accept", "reject": "reject"}.get(suggested.verdict, suggested.verdict)
        return (f"{name} would {verdict} this offer, not counter it, so no counter is suggested: "
                "type the codes of the terms you want")
    if deal.is_package(offer, obs):
        b = obs.bargains[offer.proposer]
        return (f"the counter renews the same pledges with linked terms worth {b.linked_worth(made, seat):+.2f} "
                f"USD bn a month to you (the offer's: {b.linked_worth(offer, seat):+.2f}): the split you can expect "
                f"by proposing yourself; {failure(b)}")
    # what the offer is worth to the seat, and the counter seen as an offer to it (what it gets, what it gives)
    offered = offer_value(offer, obs)
    value = offer_value(Offer(offer.proposer, seat, made.ask, made.give), obs)
    dropped = [c.describe() for c in offer.ask if c not in made.give]
    what = f"drops {', '.join(dropped)}" if dropped else "changes the terms"
    return (f"the offer is worth {offered:+.2f} USD bn to you over {obs.renewal_term} turns; the counter keeps what "
            f"{offer.proposer} gives and {what}: worth {value:+.2f}")


def failure(b: Bargain) -> str:
    """What a failed renewal costs the seat a month (its disagreement payoff against the deal)."""
    if b.lapse_loss >= 0:
        return f"if this renewal fails you lose about {b.lapse_loss:.2f} USD bn a month"
    return (f"if this renewal fails you gain about {-b.lapse_loss:.2f} USD bn a month (your outside option is "
            "worth more than the pledges alone)")


def _package(obs: Observation, offer: Offer, suggested: Response) -> str:
    """The bargained renewal: its value to the seat, what it can expect, what a failure costs."""
    b = obs.bargains[offer.proposer]
    text = (f"the renewal is worth {deal.value_of(offer, obs):+.2f} USD bn a month to you (the pledges "
            f"{b.gain:+.2f}, the linked terms {b.linked_worth(offer, obs.me):+.2f}); {failure(b)}")
    if suggested.verdict == "counter":
        return text + "; it gives you less than you can expect by proposing yourself, so the counter asks for more"
    if suggested.verdict == "reject":
        return text + "; it gives you less than your outside option and no counter could do better: the renewal fails"
    return text + "; a counter would not get you more than that after a round's delay"


def offers(session: Session, seat: str, partner: str, made: Offer | None) -> str:
    """Why the suggestion makes this offer to ``partner`` (or none)."""
    if made is None:
        obs = session.observation(seat)
        trust = obs.trust.get(partner, 0.0)
        if trust < obs.min_trust:
            return f"your trust in {partner} ({trust:.2f}) is below {obs.min_trust:g}: no offer"
        return f"{_strategy(session, seat)} makes {partner} no offer this turn"
    items = made.give + made.ask
    why = []
    obs = session.observation(seat)
    if partner in obs.bargains and deal.is_package(Offer(partner, seat, made.ask, made.give), obs):
        b = obs.bargains[partner]
        why.append(f"{failure(b)}; the linked terms, "
                   f"worth {b.linked_worth(made, partner):+.2f} a month to {partner}, give it what you expect it can "
                   "get by countering at the least cost to you, and you keep the rest of the surplus")
    elif any(isinstance(c, Renew) for c in items):
        why.append("a renewal keeps the pledges in force for another term; without one they lapse")
    if any(isinstance(c, Rollback) for c in items):
        why.append("rolling back the surcharges ends the tariff war, which costs both sides trade")
    return "; ".join(why) or f"{_strategy(session, seat)} proposes these terms"
