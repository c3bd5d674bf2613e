"""What one country may see at the start of its move, and the moves it can send back.

Strategies decide from an :class:`Observation` and the model's random generator only;
they keep no state of their own, so a game can be saved and resumed at any turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """Per-turn payoff of a bilateral relation for the observer, from its pledges and games.

    ``reward``: both honour; ``temptation``: the observer defects alone;
    ``punishment``: both defect.
    """

    reward: float
    temptation: float
    punishment: float

    @property
    def gain(self) -> float:
        """One-turn gain from defecting."""
        return self.temptation - self.reward

    @property
    def loss(self) -> float:
        """Per-turn loss once the other side punishes."""
        return self.reward - self.punishment


@dataclass(frozen=True)
class Observation:
    me: str
    turn: int
    turns: int
    patience: float
    threshold: float
    partners: tuple[str, ...]
    seen: dict[str, tuple[float | None, ...]]
    mine: dict[str, tuple[float | None, ...]]
    trust: dict[str, float]
    pledges: tuple[PledgeView, ...]
    stakes: dict[str, Stakes]
    dependency: dict[str, float]
    retaliation: dict[str, float]
    retaliation_step: float
    deescalation_gain: dict[str, float]
    china_share: float
    allied_growth: float
    renewal_term: int
    renewal_window: int
    min_trust: float
    invest_budget: float = 0.0

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
                and 0 <= p.end - self.turn <= self.renewal_window]


@dataclass(frozen=True)
class Concession:
    """One thing traded: renew a pledge, roll back a retaliation tariff, or a new pledge."""

    kind: str  # "renew" | "rollback" | "new"
    pledge: str | None = None
    country: str | None = None
    target: str | None = None
    # a dict cannot be hashed; offers are compared as sets of concessions, so terms only count in ==
    terms: dict | None = field(default=None, hash=False)


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
