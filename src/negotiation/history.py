"""What a run keeps of each turn: the turn log (typed entries) and the per-turn records.

The model appends one :data:`LogEntry` per thing that happened (an offer and its verdict, an
event, a lapse, a change of retaliation, a breach, a recovery, the collapse) to
``TruceModel.log``, and one :class:`TurnRecord` per closed turn to ``TruceModel.records``.
Readers dispatch on the entry's type (``isinstance`` or ``match``), never on strings.

Files keep their flat columns: :meth:`TurnRecord.as_row` gives the ``timeline.csv`` /
sweep-series row (``payoff.US``, ``total.US``, ...), and :meth:`as_dict` on a log entry the
plain form that save digests hash, so saves made before the types still verify.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from negotiation.observation import Offer
from negotiation.truce import Break, Collapse


class _Entry:
    """What every log entry shares: its turn, its ``kind`` (the tag of its plain form)."""

    kind: ClassVar[str]
    turn: int

    def as_dict(self) -> dict[str, Any]:
        """The plain form: turn, kind and the entry's fields (values as they are)."""
        names = [f.name for f in fields(self) if f.name != "turn"]  # type: ignore[arg-type]
        return {"turn": self.turn, "kind": self.kind, **{n: getattr(self, n) for n in names}}


@dataclass(frozen=True)
class OfferMade(_Entry):
    """An offer of the talks and its verdict: ``accept``, ``reject``, ``counter``, or
    ``invalid`` (then ``reason`` says why it could not be made)."""

    kind: ClassVar[str] = "offer"
    turn: int
    round: int
    offer: Offer
    verdict: str
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        if self.reason is None:  # only a void offer has a reason
            del out["reason"]
        return out


@dataclass(frozen=True)
class EventFired(_Entry):
    """A scheduled or random event of the scenario fired (``event``: its kind, e.g. ``set_tariff``)."""

    kind: ClassVar[str] = "event"
    turn: int
    event: str
    text: str


@dataclass(frozen=True)
class Lapse(_Entry):
    """A pledge ran out unrenewed at this turn."""

    kind: ClassVar[str] = "lapse"
    turn: int
    pledge: str


@dataclass(frozen=True)
class RetaliationSet(_Entry):
    """``country`` set its retaliation surcharge on ``target`` to ``level`` (0: lifted)."""

    kind: ClassVar[str] = "retaliation"
    turn: int
    country: str
    target: str
    level: float


@dataclass(frozen=True)
class Breached(_Entry):
    """The truce was breached (an incident opened)."""

    kind: ClassVar[str] = "breach"
    turn: int
    breach: Break


@dataclass(frozen=True)
class Recovered(_Entry):
    """The open breach healed: every major pledge honoured again."""

    kind: ClassVar[str] = "recovery"
    turn: int


@dataclass(frozen=True)
class Collapsed(_Entry):
    """The truce collapsed (absorbing)."""

    kind: ClassVar[str] = "collapse"
    turn: int
    collapse: Collapse


@dataclass(frozen=True)
class SnappedBack:
    """A lapsed pledge's snap-back returned: ``country``'s tariff on ``target`` rose by ``tariff``
    (U1: the reciprocal tariff back to its deferred 34 %, P6)."""

    kind: ClassVar[str] = "snapback"
    turn: int
    pledge: str
    country: str
    target: str
    tariff: float

    def as_dict(self) -> dict[str, Any]:
        return {"turn": self.turn, "kind": self.kind, "pledge": self.pledge, "country": self.country,
                "target": self.target, "tariff": self.tariff}


@dataclass(frozen=True)
class Settled(_Entry):
    """A bargained renewal agreed (issue 9): what the package gives the ``proposer`` and the
    ``receiver`` a turn over their own outside options (USD bn, each as it values the renewal
    and the linked units), which sum to the surplus they split."""

    kind: ClassVar[str] = "settled"
    turn: int
    proposer: str
    receiver: str
    proposer_gain: float
    receiver_gain: float

    @property
    def surplus(self) -> float:
        return self.proposer_gain + self.receiver_gain

    def share(self, country: str) -> float | None:
        """``country``'s share of the surplus (None when it was not a side or there was none)."""
        if self.surplus <= 0.0 or country not in (self.proposer, self.receiver):
            return None
        return (self.proposer_gain if country == self.proposer else self.receiver_gain) / self.surplus


LogEntry = (OfferMade | EventFired | Lapse | RetaliationSet | Breached | Recovered | Collapsed | SnappedBack
            | Settled)


def entries[E](log: Iterable[LogEntry], kind: type[E], turn: int | None = None) -> list[E]:
    """The entries of one type (at ``turn``, if given), in the log's order."""
    return [e for e in log if (turn is None or e.turn == turn) and isinstance(e, kind)]


@dataclass(frozen=True)
class CountryTurn:
    """One country's figures for one turn (USD bn unless said): its payoff this turn, its
    cumulative payoff, the mean tariff it imposes (share), the supplier's export controls it
    faces (level 0-1), and the trade and security terms of its payoff."""

    payoff: float
    total: float
    tariff_out: float
    control_on: float
    trade_loss: float
    security_loss: float


COUNTRY_COLUMNS = tuple(f.name for f in fields(CountryTurn))


@dataclass(frozen=True)
class MarketTurn:
    """The rare-earth market of one turn (docs/market.md): the prices it cleared at outside the
    supplier, weighted by what each importer would buy without controls, and the world price without controls
    (USD/kg, light and heavy rare earths); then, as the turn leaves the market, the allied
    share of world capacity by stage and good (0-1), the supplier's leverage (USD bn a month:
    what full controls on every importer would cost them) and each importer's stockpile in
    months of its light consumption (``cover``, by country)."""

    price_light: float
    price_heavy: float
    world_price_light: float
    world_price_heavy: float
    allied_mining_light: float
    allied_mining_heavy: float
    allied_refining_light: float
    allied_refining_heavy: float
    allied_magnets_light: float
    allied_magnets_heavy: float
    leverage: float
    cover: Mapping[str, float]


MARKET_COLUMNS = tuple(f.name for f in fields(MarketTurn) if f.name != "cover")
MARKET_SHARES = tuple(name for name in MARKET_COLUMNS if name.startswith("allied_"))
MARKET_PRICES = ("mean_price_light", "peak_price_light", "mean_price_heavy", "peak_price_heavy")  # run outcomes
COVER_COLUMN = "cover_months"  # cover_months.<COUNTRY> in files
SHARE_COLUMN = "renewal_share"  # renewal_share.<COUNTRY>: a country's share of the first major renewal's surplus


@dataclass(frozen=True)
class TurnRecord:
    """The state at the close of a turn: the truce status, the processing shares, how many
    pledges in force were honoured in full, and each country's :class:`CountryTurn`."""

    turn: int
    status: str
    allied_share: float
    china_share: float
    pledges_honoured: int
    pledges_active: int
    countries: Mapping[str, CountryTurn]
    market: MarketTurn | None = None  # None in a game without a supplier

    def country(self, cid: str) -> CountryTurn:
        return self.countries[cid]

    def world_row(self) -> dict[str, Any]:
        """The columns that are not per country (turn, status, shares, pledge counts)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("countries", "market")}

    def as_row(self) -> dict[str, Any]:
        """The flat row files hold: the world columns, then ``<column>.<COUNTRY>`` per country."""
        row = self.world_row()
        for cid, figures in self.countries.items():
            row.update({f"{name}.{cid}": getattr(figures, name) for name in COUNTRY_COLUMNS})
        if self.market is not None:
            row.update({name: getattr(self.market, name) for name in MARKET_COLUMNS})
            row.update({f"{COVER_COLUMN}.{cid}": months for cid, months in self.market.cover.items()})
        return row
