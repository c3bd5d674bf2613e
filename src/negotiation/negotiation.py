"""The negotiation phase of a turn: offers of concessions for concessions, in bounded rounds.

Each country proposes; each recipient accepts, rejects or counters; a counter is a new
offer answered in the next round. Accepted offers take effect at once: renewals extend
pledges, rollbacks lift retaliation tariffs, new pledges come into force.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, assert_never

from pydantic import ValidationError

from negotiation.config.models import Pledge
from negotiation.history import OfferMade, Settled
from negotiation.observation import Concession, NewPledge, Observation, Offer, Renew, Response, Rollback, renewable_now
from negotiation.strategies import deal

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
    match c:
        case Renew(pledge=pledge):
            p = next((p for p in model.world.pledges if p.id == pledge), None)
            if p is None:
                return f"no pledge '{pledge}'"
            if (model.ids[p.giver], model.ids[p.receiver]) != (giver, receiver):
                return (f"pledge {p.id} is from {model.ids[p.giver]} to {model.ids[p.receiver]}, "
                        f"not {giver} to {receiver}")
            if not p.spec.renewable:
                return f"pledge {p.id} is not renewable"
            if not renewable_now(p.end, t, window):
                return f"pledge {p.id} ends at turn {p.end}; it can be renewed from turn {p.end - window} to {p.end}"
            return None
        case Rollback(country=country, target=target):
            if (country, target) != (giver, receiver):
                return f"a rollback given by {giver} lifts {giver}'s tariffs on {receiver}"
            return None
        case NewPledge(terms=terms):
            if terms.get("to") != receiver:
                return f"a new pledge from {giver} must be 'to: {receiver}'"
            if any(p.id == terms.get("id") for p in model.world.pledges):
                return f"pledge id '{terms.get('id')}' is taken"
            return _check_terms(model, terms, t)
        case _:
            assert_never(c)


def new_pledge_spec(model: TruceModel, terms: dict, t: int) -> Pledge:
    """The pledge an accepted 'new' concession creates: in force from turn t for one renewal term."""
    return Pledge.model_validate({"start": t, "end": t + model.config.negotiation.renewal_term,
                                  "source": "negotiated", **terms})


def _check_terms(model: TruceModel, terms: dict, t: int) -> str | None:
    # checked here, not when the offer is accepted: a bad pledge must never stop a turn half-way
    try:
        new_pledge_spec(model, terms, t)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        return f"new pledge {where + ': ' if where else ''}{first['msg']}"
    return None


def _apply(model: TruceModel, offer: Offer, t: int) -> None:
    model.changes += 1
    term = model.config.negotiation.renewal_term
    window = model.config.negotiation.renewal_window
    for side, giver in (("give", offer.proposer), ("ask", offer.receiver)):
        for c in getattr(offer, side):
            match c:
                case Renew(pledge=pledge):
                    p = next(p for p in model.world.pledges if p.id == pledge)
                    if renewable_now(p.end, t, window):  # the other side's identical offer may have renewed it
                        p.end = max(p.end, t) + term
                        p.renewals += 1
                case Rollback(country=country, target=target):
                    model.world.retaliation[model.index[country], model.index[target]] = 0.0
                case NewPledge(terms=terms):
                    model.add_pledge(giver, dict(terms), t)


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


def proposals(model: TruceModel) -> tuple[dict[str, Observation], dict[str, list[Offer]]]:
    """Every country's view at the opening of the talks, and the offers each proposes."""
    views = {c.cid: model.observe(c.index) for c in model.countries}
    return views, {c.cid: c.strategy.propose(views[c.cid], model.streams[c.cid]) for c in model.countries}


@dataclass(frozen=True)
class Question:
    """An offer waiting for the answer of a country played by a person.

    ``default`` is what the seat's strategy answers: the move a person gets by not choosing.
    ``can_counter`` is false in the last round, where a counter could not be answered.
    """

    offer: Offer
    round: int
    default: Response
    can_counter: bool


class Bargaining:
    """The bounded rounds of offers of one turn, as a process that can stop for a person.

    Offers are answered one by one in order; when the receiver is
    in ``seated`` (played by a person), :meth:`next` returns a :class:`Question` and waits for
    :meth:`answer`. The seat's strategy is asked first all the same, so the random stream,
    and with it every other move, is the same whatever the person answers.
    """

    def __init__(self, model: TruceModel, t: int, views: dict[str, Observation], offers: list[Offer],
                 seated: frozenset[str] = frozenset()):
        # a copy: a counter's reveal corrects the proposer's view for these talks only
        self.model, self.t, self.views, self.seated = model, t, dict(views), seated
        self.by_id = {c.cid: c for c in model.countries}
        self.round = 0
        self.queue = _distinct(offers)
        self.position = 0
        self.counters: list[Offer] = []
        self.waiting: Question | None = None

    def next(self) -> Question | None:
        """Answer offers until one needs a person (returned) or the rounds are over (None)."""
        if self.waiting is not None:
            return self.waiting
        rounds = self.model.config.negotiation.rounds
        while self.round < rounds:
            while self.position < len(self.queue):
                offer = self.queue[self.position]
                why = check_offer(self.model, offer, self.t)
                if why:
                    self.model.log.append(OfferMade(self.t, self.round, offer, "invalid", why))
                    self.position += 1
                    continue
                receiver = self.by_id[offer.receiver].strategy
                view = self.views[offer.receiver]
                if self.round:
                    view = replace(view, talks_round=self.round)
                response = receiver.respond(offer, view, self.model.streams[offer.receiver])
                if offer.receiver in self.seated:
                    self.waiting = Question(offer, self.round, response, self.round + 1 < rounds)
                    return self.waiting
                self._settle(offer, response)
            self.round, self.queue, self.counters, self.position = self.round + 1, self.counters, [], 0
        return None

    def answer(self, response: Response) -> None:
        """The person's answer to the waiting question."""
        if self.waiting is None:
            raise RuntimeError("no offer is waiting for an answer")
        offer, self.waiting = self.waiting.offer, None
        self._settle(offer, response)

    def _settle(self, offer: Offer, response: Response) -> None:
        self.model.log.append(OfferMade(self.t, self.round, offer, response.verdict))
        if response.verdict == "accept":
            self._settled(offer)
            _apply(self.model, offer, self.t)
        elif (response.verdict == "counter" and response.counter is not None
              and self.round + 1 < self.model.config.negotiation.rounds):
            self.counters.append(response.counter)
            self._reveal(offer.proposer, offer.receiver)
        self.position += 1

    def _settled(self, offer: Offer) -> None:
        """An accepted renewal package is logged with what it gives each side over its outside
        option, each by its own view (the split of the surplus the outcome tables report)."""
        a, b = offer.proposer, offer.receiver
        mine, theirs = self.views[a].bargains.get(b), self.views[b].bargains.get(a)
        if mine is None or theirs is None or not deal.is_package(offer, self.views[b]):
            return
        self.model.log.append(Settled(self.t, a, b, mine.gain + mine.linked_worth(offer, a) - mine.outside,
                                      theirs.gain + theirs.linked_worth(offer, b) - theirs.outside))

    def _reveal(self, proposer: str, counterer: str) -> None:
        """A counter to a renewal carries its reason: the countering side shows its outside option
        (e.g. its purchases elsewhere), and the proposer's belief about it is corrected."""
        mine, theirs = self.views[proposer].bargains.get(counterer), self.views[counterer].bargains.get(proposer)
        if mine is None or theirs is None:
            return
        bargains = {**self.views[proposer].bargains, counterer: replace(mine, partner_outside=theirs.outside)}
        self.views[proposer] = replace(self.views[proposer], bargains=MappingProxyType(bargains))
