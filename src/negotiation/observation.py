"""What one country may see at the start of its move, and the moves it can send back.

Strategies decide from an :class:`Observation` and the model's random generator only;
they keep no state of their own, so a game can be saved and resumed at any turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class PledgeView:
    """The public terms of a pledge (the White House list made them public)."""

    id: str
    giver: str
    receiver: str
    instrument: str
    level: float
    cost: float
    value: float
    start: int
    end: int
    major: bool
    renewable: bool


@dataclass(frozen=True)
class Stakes:
    """Per-turn payoffs of a bilateral relation for the observer, from the payoff rules.

    Today: ``reward`` (both honour), ``temptation`` (the observer defects alone), ``sucker``
    (the partner defects alone), ``punishment`` (both defect and retaliate). The future, as
    the observer expects the world to evolve, discounted at ``continuation`` (its patience x
    its trust in the partner) and expressed per turn: ``future_reward`` on the cooperative
    path, ``future_punishment`` on the punishment path. In a stationary world they equal
    today's. ``schedule``: for strategies that time their move, the discounted net value of
    defecting k = 0, 1, ... turns from now (empty unless asked for).
    """

    reward: float
    temptation: float
    punishment: float
    sucker: float | None = None
    future_reward: float | None = None
    future_punishment: float | None = None
    continuation: float | None = None
    schedule: tuple[float, ...] = ()

    @property
    def gain(self) -> float:
        """One-turn gain from defecting."""
        return self.temptation - self.reward

    @property
    def loss(self) -> float:
        """Per-turn loss, from the next turn on, once the other side punishes."""
        reward = self.reward if self.future_reward is None else self.future_reward
        punishment = self.punishment if self.future_punishment is None else self.future_punishment
        return reward - punishment

    def table(self) -> tuple[float, float, float, float]:
        """Today's (T, R, P, S) of the relation."""
        return (self.temptation, self.reward, self.punishment,
                self.punishment if self.sucker is None else self.sucker)


@dataclass(frozen=True)
class LinkTerms:
    """An instrument a renewal package can carry more of to split its surplus (a scenario's
    ``negotiation.links``: C5 soybeans, U1 tariff points), as the payoff rules price it: per
    unit of the pledge ``like`` (its own units) a turn, ``value`` to its receiver and ``cost``
    to its giver, up to ``max_units`` units; ``level`` is the level of ``like`` itself."""

    like: str
    giver: str
    receiver: str
    instrument: str
    value: float
    cost: float
    max_units: float
    level: float


@dataclass(frozen=True)
class Bargain:
    """A renewal up for bargaining with one partner (issue 9), per turn in USD bn, from the
    payoff rules: what the package (every pledge up renewed both ways) gains each side against
    its lapse (the pledges gone, the snap-backs back), each side's outside option (what it gets
    elsewhere if the deal fails; the partner's is private, so ``partner_outside`` is what I
    believe, 0 until it counters), the bargaining patience of each side, who proposes first,
    how the split is computed (``rounds`` alternating offers, or Rubinstein's infinite game),
    and the instruments the package can link to carry the split (``links``)."""

    gain: float
    outside: float
    partner_gain: float
    partner_outside: float
    delta: float
    partner_delta: float
    first: str
    rounds: int
    rubinstein: bool = False
    links: tuple[LinkTerms, ...] = ()

    @property
    def lapse_loss(self) -> float:
        """What I lose a turn if the renewal fails (negative: I gain)."""
        return self.gain - self.outside

    def linked_worth(self, offer: Offer, country: str) -> float:
        """What the linked instruments an offer carries are worth to ``country`` a turn (the
        units it receives at their value, less the units it gives at their cost)."""
        terms = {link.like: link for link in self.links}
        out = 0.0
        for c in offer.give + offer.ask:
            if not isinstance(c, NewPledge) or c.extends not in terms:
                continue
            link, units = terms[c.extends], float(c.terms.get("level", 0.0))
            out += units * (link.value if link.receiver == country else -link.cost if link.giver == country else 0.0)
        return out


@dataclass(frozen=True)
class Observation:
    """An immutable snapshot of what one country may see (the model hands out read-only
    mappings of tuples, so a strategy cannot change the engine's history)."""

    me: str
    turn: int
    turns: int
    patience: float
    threshold: float
    partners: tuple[str, ...]
    seen: Mapping[str, tuple[float | None, ...]]
    mine: Mapping[str, tuple[float | None, ...]]
    trust: Mapping[str, float]
    pledges: tuple[PledgeView, ...]
    stakes: Mapping[str, Stakes]
    dependency: Mapping[str, float]
    retaliation: Mapping[str, float]
    retaliation_step: float
    deescalation_gain: Mapping[str, float]
    china_share: float
    allied_growth: float
    renewal_term: int
    renewal_window: int
    min_trust: float
    invest_budget: float = 0.0
    # per partner: how far my retaliation may climb above my base tariff (the ladder's ceiling)
    retaliation_room: Mapping[str, float] = field(default_factory=dict)
    # per partner: its retaliation tariff on me (what my ladder mirrors)
    retaliation_against_me: Mapping[str, float] = field(default_factory=dict)
    # per partner with a renewal up now: the bargain, from the payoff rules
    bargains: Mapping[str, Bargain] = field(default_factory=dict)
    # the round of this turn's talks an answer is given in (0: the first offers)
    talks_round: int = 0

    def last_seen(self, partner: str) -> float | None:
        """The partner's most recent observed level towards me, or None before any."""
        for level in reversed(self.seen.get(partner, ())):
            if level is not None:
                return level
        return None

    def ever_saw_defection(self, partner: str) -> bool:
        return any(level is not None and level < self.threshold for level in self.seen.get(partner, ()))

    def i_defected(self, partner: str) -> bool:
        return any(level is not None and level < self.threshold for level in self.mine.get(partner, ()))

    def up_for_renewal(self, giver: str, receiver: str) -> list[PledgeView]:
        """Renewable pledges from giver to receiver whose end is within the renewal window."""
        return [p for p in self.pledges
                if p.giver == giver and p.receiver == receiver and p.renewable
                and renewable_now(p.end, self.turn, self.renewal_window)]


def renewable_now(end: int, turn: int, window: int) -> bool:
    """Whether a pledge that ends at turn ``end`` can be renewed at ``turn``: from ``window``
    turns before its end up to its end turn itself (the one place this rule is written)."""
    return 0 <= end - turn <= window


def link_id(like: str, turn: int, round_: int) -> str:
    """The id of a linked instrument's pledge (``strategies/deal.py`` makes them): the pledge it
    extends, the turn and the round of the talks it was offered in."""
    return f"{like}_MORE_T{turn}_R{round_}"


# One thing traded, a tagged union: renew a pledge, roll back a retaliation tariff, or make a
# new pledge. ``kind`` is the tag in plain data (saves, moves files); code dispatches on the type.
@dataclass(frozen=True)
class Renew:
    """Renew pledge ``pledge`` for another renewal term."""

    kind: ClassVar[str] = "renew"
    pledge: str

    def short(self) -> str:
        """As files list it (summary.json's agreements)."""
        return f"renew {self.pledge}"

    def describe(self) -> str:
        """As players read it."""
        return self.short()


@dataclass(frozen=True)
class Rollback:
    """Lift ``country``'s retaliation surcharge on ``target``."""

    kind: ClassVar[str] = "rollback"
    country: str
    target: str

    def short(self) -> str:
        return f"roll back {self.country} tariffs on {self.target}"

    def describe(self) -> str:
        return f"roll back {self.country}'s tariff surcharge on {self.target}"


@dataclass(frozen=True)
class NewPledge:
    """A new pledge with ``terms`` as a profile writes them (id, to, instrument, level, ...)."""

    kind: ClassVar[str] = "new"
    # a dict cannot be hashed; offers are compared as sets of concessions, so terms only count in ==
    terms: dict[str, Any] = field(hash=False)

    def short(self) -> str:
        """As files list it: a bargained link by what it adds ('U1 +0.1', as ``renewal_links``)."""
        if self.extends is not None:
            return f"{self.extends} +{float(self.terms.get('level', 0.0)):.4g}"
        return f"new pledge {self.terms.get('id', '?')}"

    @property
    def extends(self) -> str | None:
        """The pledge this one gives more of when it is a bargained link (issue 9), else None."""
        found = self.terms.get("extends")
        return str(found) if found else None

    def describe(self) -> str:
        t = self.terms
        if self.extends is not None and t.get("description"):
            return str(t["description"])
        return f"new pledge {t.get('id', '?')} ({t.get('instrument', '?')} to {t.get('to', '?')})"


Concession = Renew | Rollback | NewPledge


@dataclass(frozen=True)
class Offer:
    proposer: str
    receiver: str
    give: tuple[Concession, ...]
    ask: tuple[Concession, ...]


@dataclass(frozen=True)
class Response:
    verdict: str  # "accept" | "reject" | "counter"
    counter: Offer | None = None


@dataclass
class Decision:
    """A country's simultaneous moves for one turn."""

    levels: dict[str, float] = field(default_factory=dict)
    retaliation: dict[str, float] = field(default_factory=dict)
    invest: float = 0.0
    withdraw: bool = False
    # keep the rare-earth stockpile this turn instead of drawing on it when supply is cut
    # (the default, False, draws automatically: every computer strategy does)
    hold_stock: bool = False
