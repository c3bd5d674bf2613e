"""Validated models of countries, pledges and scenarios.

Configuration flows one way: YAML -> these models -> the engine. Every model forbids
unknown keys, so a misspelt field is an error with a suggestion, never silently ignored.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from negotiation.config.constants import MAX_TURNS

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
Turn = Annotated[int, Field(ge=0)]
Seed = Annotated[int, Field(ge=0, lt=2**63)]  # numpy's SeedSequence takes no negative seed; results store int64
START = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Strict(BaseModel):
    # inf and nan are refused everywhere: a cost of .inf would turn every total into -inf
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class Resources(Strict):
    """What a country holds. Shares are of the world total (0-1).

    ``processing_share``: its share of world rare-earth separation and refining (the stage
    where China's hold is tightest, P3); the supplier's share is everyone's dependency.
    ``gdp``: yearly GDP in USD tn (P15), the welfare base of the trade term;
    ``trade_total``: its total goods trade (exports + imports) in USD bn per month, so a
    partner's weight in its trade is ``trade_exposure / trade_total``.
    ``mining_share``, ``magnet_share``, ``reserves_mt``, ``capacity_share`` and
    ``export_stakes`` describe the rare-earth market by stage (``negotiation.market``).
    """

    processing_share: Share = 0.0
    demand_share: Share = 0.0
    investment_budget: NonNeg = 0.0
    gdp: NonNeg = 0.0
    trade_total: NonNeg = 0.0
    mining_share: Share = 0.0
    magnet_share: Share = 0.0
    reserves_mt: NonNeg = 0.0
    capacity_share: Share = 0.0
    export_stakes: dict[str, NonNeg] = Field(default_factory=dict)


class Instruments(Strict):
    """The levers a country controls at the start of a game.

    ``tariffs[j]`` is the tariff (a fraction, 0.10 = 10 %) on goods from country j;
    ``export_controls[j]`` the licensing level on critical-mineral exports to j
    (0 = open, 1 = the full October 2025 regime); ``trade_exposure[j]`` is the bilateral
    trade with j at stake in this country's trade welfare (USD bn per month).
    """

    tariffs: dict[str, NonNeg] = Field(default_factory=dict)
    export_controls: dict[str, Share] = Field(default_factory=dict)
    trade_exposure: dict[str, NonNeg] = Field(default_factory=dict)
    controls_supply: bool = False
    price_floor: NonNeg = 0.0


class Weights(Strict):
    """Payoff weights: how much each term of the payoff counts for this country."""

    pledges: NonNeg = 1.0
    trade: NonNeg = 1.0
    security: NonNeg = 1.0
    investment: NonNeg = 1.0
    leverage: NonNeg = 0.0


class Preferences(Strict):
    patience: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.9
    weights: Weights = Field(default_factory=Weights)
    retaliation: NonNeg = 0.1
    # the tariff a retaliation ladder climbs to (None: the world's Nash tariff, P11)
    retaliation_ceiling: NonNeg | None = None
    invest_share: Share = 0.0


class StrategySpec(Strict):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class Snapback(Strict):
    """What returns when a pledge lapses unrenewed: ``tariff`` points added to the giver's
    tariff on the receiver (U1: the reciprocal tariff back to its deferred 34 %, P6). The same
    measures return on the punishment path a country weighs before defecting."""

    tariff: NonNeg = 0.0


class Pledge(Strict):
    """A commitment from the country that lists it to ``to``, active for start <= turn < end."""

    id: str
    to: str
    instrument: Literal["tariff", "export_control", "purchase", "investment", "measure"]
    level: NonNeg = 1.0
    start: Turn = 0
    end: Turn
    cost: NonNeg = 0.0
    value: NonNeg = 0.0
    site: str | None = None
    noise: Share = 0.0
    major: bool = False
    renewable: bool = True
    snapback: Snapback | None = None
    # a bargained link (issue 9): this pledge gives more of pledge ``extends`` (a renewal's split)
    extends: str | None = None
    source: str
    description: str = ""

    @model_validator(mode="after")
    def _ends_after_start(self) -> Pledge:
        if self.end <= self.start:
            raise ValueError(
                f"pledge {self.id} ends at turn {self.end}, not after its start {self.start}; "
                "'end' must be greater than 'start'"
            )
        computed = {"tariff": "a tariff pledge's worth is what the tariff block says its cut is worth",
                    "export_control": "an export-control pledge's worth is the supply harm it lifts"}
        if self.instrument in computed and (self.cost or self.value):
            raise ValueError(f"pledge {self.id}: remove 'cost' and 'value': {computed[self.instrument]}, "
                             "computed by the engine every turn")
        if self.site is not None and self.instrument != "investment":
            raise ValueError(f"pledge {self.id}: 'site' applies to investment pledges only")
        return self


class Country(Strict):
    id: str
    name: str
    description: str = ""
    player: Literal["computer", "human"] = "computer"
    resources: Resources = Field(default_factory=Resources)
    instruments: Instruments = Field(default_factory=Instruments)
    preferences: Preferences = Field(default_factory=Preferences)
    strategy: StrategySpec
    pledges: list[Pledge] = Field(default_factory=list)
    sources: dict[str, str] = Field(default_factory=dict)


class Channels(Strict):
    """Mechanisms a researcher can switch off to attribute an outcome to one of them.

    ``leverage_decay``: allied capacity lowers dependency on the supplier (off: dependency
    stays at its start); ``investment_response``: export controls speed allied capacity (P5);
    ``security``: controls harm importers (and so give the supplier leverage); ``trade``:
    tariffs cost welfare; ``noise``: compliance is observed with errors; ``shocks``: random
    events fire (their draws are made all the same, so other draws do not move).
    """

    leverage_decay: bool = True
    investment_response: bool = True
    security: bool = True
    trade: bool = True
    noise: bool = True
    shocks: bool = True


class World(Strict):
    """World-level parameters of the payoffs and the observation model.

    The rare-earth supply itself (capacity by stage, prices, stockpiles, projects and lead
    times) is the market of ``market:`` (:class:`MarketSettings`, docs/market.md).
    """

    tariff_war_loss: NonNeg = 0.029
    nash_tariff: Annotated[float, Field(gt=0.0)] = 0.63
    honour_threshold: Share = 0.5
    noise_scale: NonNeg = 1.0
    trust_rate: Share = 0.3
    initial_trust: Share = 0.9
    leverage_capture: Share = 0.5
    collapse_after: Annotated[int, Field(ge=1)] = 3
    channels: Channels = Field(default_factory=Channels)


class MarketSettings(Strict):
    """The rare-earth market the engine clears every turn (docs/market.md).

    ``file``: the market file (``configs/market/NAME.yaml`` or a path); ``lead_time_scale``
    multiplies every project lead time of that file; ``stockpile_months`` adds months of
    consumption to every importer's strategic stockpile (the game's countries other than the
    supplier), both at the start and as its target.
    """

    file: Annotated[str, Field(min_length=1)] = "rare_earths"
    lead_time_scale: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0
    stockpile_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0


class Link(Strict):
    """An instrument a bargained renewal can carry to split its surplus (issue 9): more of the
    pledge ``like`` (same giver, receiver and instrument; C5 soybeans, U1 tariff points), up to
    ``max_units`` in that pledge's units (Mt/yr, tariff points as a fraction). Only tariff,
    purchase and measure pledges can be extended."""

    like: str
    max_units: Annotated[float, Field(gt=0.0)]


LINKABLE = ("tariff", "purchase", "measure")


class Negotiation(Strict):
    enabled: bool = True
    rounds: Annotated[int, Field(ge=1, le=10)] = 2
    renewal_window: Turn = 1
    renewal_term: Annotated[int, Field(ge=1)] = 12
    min_trust: Share = 0.4
    # what each country gets elsewhere a turn if a renewal with its partner fails (USD bn)
    outside_options: dict[str, NonNeg] = Field(default_factory=dict)
    # how a renewal's surplus is split: alternating offers over `rounds`, or Rubinstein's infinite game (P20)
    split: Literal["finite", "rubinstein"] = "finite"
    # the instruments a renewal package can carry more of, to split its surplus (none: no split)
    links: list[Link] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _retired(cls, data: Any) -> Any:
        if isinstance(data, dict) and "max_side_payment" in data:
            raise ValueError("'max_side_payment' is retired: a renewal's surplus is split through the instruments "
                             "it links; list them under 'links' (e.g. - {like: C5, max_units: 8.0}), and the most "
                             "they can carry is the cap")
        return data


class Event(Strict):
    """A scheduled event (``turn``) or a random shock (``probability`` per turn)."""

    turn: Turn | None = None
    probability: Share | None = None
    kind: Literal["set_control", "set_tariff", "suspend_pledge", "capacity_shock", "withdraw", "announce"]
    country: str | None = None
    target: str | None = None
    pledge: str | None = None
    value: float = 0.0
    add: float | None = None  # a change of the level in force (set_tariff, set_control), beside 'value', the level
    good: Literal["light", "heavy"] | None = None
    duration: Annotated[int, Field(ge=1)] | None = None
    mean_duration: Annotated[float, Field(ge=1.0)] | None = None
    text: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _when(self) -> Event:
        if (self.turn is None) == (self.probability is None):
            raise ValueError("an event needs exactly one of 'turn' (scheduled) or 'probability' (random)")
        needs = {"set_control": ("country", "target"), "set_tariff": ("country", "target"),
                 "suspend_pledge": ("pledge",), "capacity_shock": (), "withdraw": ("country",),
                 "announce": ()}[self.kind]
        missing = [k for k in needs if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a '{self.kind}' event needs {', '.join(missing)}")
        if (self.duration is not None or self.mean_duration is not None) and self.kind != "suspend_pledge":
            raise ValueError("'duration' and 'mean_duration' apply to 'suspend_pledge' events only")
        if self.good is not None and self.kind != "set_control":
            raise ValueError("'good' applies to 'set_control' events only")
        if self.add is not None and self.kind not in ("set_tariff", "set_control"):
            raise ValueError("'add' (a change of the level in force) applies to 'set_tariff' and 'set_control' "
                             "events only")
        if self.add is not None and self.good is not None:
            raise ValueError("'add' does not apply to a control on one good ('good'): give its 'value'")
        if self.add is not None and "value" in self.model_fields_set:
            raise ValueError("give 'value' (the new level) or 'add' (a change of the level in force, e.g. "
                             "add: 0.25 raises a tariff by 25 points), not both")
        if self.duration is not None and self.mean_duration is not None:
            raise ValueError("give 'duration' (fixed turns) or 'mean_duration' (drawn), not both")
        return self


class Game(Strict):
    """A 2x2 game between two countries over their pledges to each other.

    Each side's move is the mean level of its pledges to the other (1 = honour,
    0 = defect); payoffs interpolate bilinearly, so binary moves give the table exactly.
    """

    players: Annotated[list[str], Field(min_length=2, max_length=2)]
    T: float = 5.0
    R: float = 3.0
    P: float = 1.0
    S: float = 0.0
    source: str = ""


Sight = Literal["exact", "noisy", "hidden"]


class Visibility(Strict):
    """What a person at a seat sees of each item on their screen; the game itself is unchanged.

    ``exact``: the true value; ``noisy``: an estimate (numbers off by a relative error of
    about ``noise``; partners' compliance as the noisy signals the computer players get);
    ``hidden``: not shown. A seat always sees its own moves and payoffs exactly.
    """

    world: Sight = "exact"
    tariffs: Sight = "exact"
    compliance: Sight = "noisy"
    payoffs: Sight = "exact"
    trust: Sight = "exact"
    payoffs_of: dict[str, Sight] = {}  # per country, over 'payoffs': e.g. {US: exact} with payoffs: hidden
    noise: Share = 0.1

    def merged(self, specific: Visibility | None) -> Visibility:
        """These rules with the fields that ``specific`` sets taking precedence."""
        if specific is None:
            return self
        return self.model_copy(update={k: getattr(specific, k) for k in specific.model_fields_set})


class Objective(Strict):
    """A goal of one country, scored at the end of a game (shown to its player from turn 0).

    ``metric``: ``payoff`` (the country's total, USD bn), ``pledge`` (the mean amount of
    ``pledge`` delivered while in force, in the pledge's own units, e.g. Mt/yr of soybeans),
    ``truce_turns`` (turns before the truce collapsed), ``allied_share`` and ``china_share`` (of world
    processing at the end, 0-1), ``controls_faced`` (mean export-control level the country
    faced, 0-1), ``tariff_imposed`` (mean tariff it imposed on its partners) and
    ``trade_loss`` (welfare lost to tariffs, USD bn in total).
    """

    text: Annotated[str, Field(min_length=1)]
    metric: Literal["payoff", "pledge", "truce_turns", "allied_share", "china_share", "controls_faced",
                    "tariff_imposed", "trade_loss"]
    pledge: str | None = None
    at_least: float | None = None
    at_most: float | None = None
    points: NonNeg = 1.0

    @model_validator(mode="after")
    def _complete(self) -> Objective:
        if self.at_least is None and self.at_most is None:
            raise ValueError("an objective needs 'at_least' or 'at_most' (or both)")
        if (self.metric == "pledge") != (self.pledge is not None):
            raise ValueError("'pledge' is needed with metric 'pledge', and only with it")
        return self


class Scoring(Strict):
    """How a player's game is scored: ``payoff`` points per USD bn of total payoff, plus the
    ``points`` of each objective met; ``compare`` names the strategies the debrief replays the
    player's seat with (default: the seat's own strategy, what pressing Enter would play)."""

    payoff: NonNeg = 1.0
    objectives: dict[str, list[Objective]] = Field(default_factory=dict)
    compare: list[str] = Field(default_factory=list)


class Scenario(Strict):
    name: str
    description: str = ""
    turns: Annotated[int, Field(ge=1, le=MAX_TURNS)] = 36
    start: str = "2025-11"
    turn_label: Literal["month", "round"] = "month"
    labels: list[str] = Field(default_factory=list)
    seed: Seed = 0
    countries: dict[str, Country]
    world: World = Field(default_factory=World)
    market: MarketSettings = Field(default_factory=MarketSettings)
    negotiation: Negotiation = Field(default_factory=Negotiation)
    events: list[Event] = Field(default_factory=list)
    games: list[Game] = Field(default_factory=list)
    visibility: dict[str, Visibility] = Field(default_factory=dict)
    scoring: Scoring = Field(default_factory=Scoring)
    sources: dict[str, str] = Field(default_factory=dict)

    def __iter__(self):
        # a scenario is one value, not a collection of (field, value) pairs: mesa.batch_run
        # then takes parameters={"scenario": scenario} without a list around it
        raise TypeError("a Scenario is not iterable; use scenario.model_dump() for its fields")

    @field_validator("start")
    @classmethod
    def _year_month(cls, value: str) -> str:
        if not START.match(value):
            raise ValueError(f"must be a year and month, YYYY-MM (e.g. 2025-11), got {value[:40]!r}")
        return value

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Scenario:
        # Cross-references are checked here so each error names the offending field.
        problems: list[str] = []
        ids = list(self.countries)
        for key, country in self.countries.items():
            if country.id != key:
                problems.append(f"countries.{key}.id: is '{country.id}', must equal its key '{key}'")
            for field in ("tariffs", "export_controls", "trade_exposure"):
                for partner in getattr(country.instruments, field):
                    if partner not in ids or partner == key:
                        problems.append(_unknown(f"countries.{key}.instruments.{field}.{partner}",
                                                 partner, [i for i in ids if i != key]))
            for n, pledge in enumerate(country.pledges):
                if pledge.to not in ids or pledge.to == key:
                    problems.append(_unknown(f"countries.{key}.pledges.{n}.to", pledge.to,
                                             [i for i in ids if i != key]))
                if pledge.site is not None and pledge.site not in ids:
                    problems.append(_unknown(f"countries.{key}.pledges.{n}.site", pledge.site, ids))
        pledge_ids = [p.id for c in self.countries.values() for p in c.pledges]
        problems += _duplicate_pledges(self.countries)
        # Checked for a scenario file as written (resolve asks for it): a save or a sweep point may
        # be a game shortened on purpose (--turns, a sweep's 'set'), whose late events never come.
        whole_game = bool((info.context or {}).get("whole_game"))
        for key, rules in self.visibility.items():
            for cid in rules.payoffs_of:
                if cid not in ids:
                    problems.append(_unknown(f"visibility.{key}.payoffs_of", cid, ids))
        for n, event in enumerate(self.events):
            if whole_game and event.turn is not None and event.turn >= self.turns:
                problems.append(f"events.{n}.turn: turn {event.turn} is after the game's last turn "
                                f"({self.turns - 1}; turns count from 0), so the event would never happen; "
                                f"allowed: 0 to {self.turns - 1}")
            for field in ("country", "target"):
                value = getattr(event, field)
                if value is not None and value not in ids:
                    problems.append(_unknown(f"events.{n}.{field}", value, ids))
            if event.pledge is not None and event.pledge not in pledge_ids:
                problems.append(_unknown(f"events.{n}.pledge", event.pledge, pledge_ids, "pledge"))
        for n, game in enumerate(self.games):
            for k, player in enumerate(game.players):
                if player not in ids:
                    problems.append(_unknown(f"games.{n}.players.{k}", player, ids))
        problems += self._play_references(ids, pledge_ids)
        problems += self._negotiation_references(ids)
        problems += self._market_figures()
        if problems:
            raise ValueError("\n".join(problems))
        return self


    def _market_figures(self) -> list[str]:
        """A game with a supplier clears a rare-earth market, which needs the world's tonnage; a
        control on one good is the supplier's, on the market."""
        supplier = next((cid for cid, c in self.countries.items() if c.instruments.controls_supply), None)
        problems = [f"events.{n}.good: a control on one good acts on the rare-earth market, so 'country' must be "
                    f"the supplier ({supplier or 'none: no country has instruments.controls_supply'}), "
                    f"got '{e.country}'"
                    for n, e in enumerate(self.events) if e.good is not None and e.country != supplier]
        if supplier is None or any(c.resources.export_stakes.get("rare_earth_mine_kt", 0.0) > 0
                                   and c.resources.mining_share > 0 for c in self.countries.values()):
            return problems
        return [*problems, f"countries.{supplier}.resources.export_stakes.rare_earth_mine_kt: the rare-earth market "
                "needs the world's tonnage: give at least one country's mined kt of rare-earth oxide a year (P1) "
                "together with its mining_share"]

    def _play_references(self, ids: list[str], pledge_ids: list[str]) -> list[str]:
        """Problems in the classroom settings: labels, visibility and scoring."""
        problems = []
        if self.labels and len(self.labels) < self.turns:
            problems.append(f"labels: has {len(self.labels)} labels for {self.turns} turns; give one label per turn")
        for key in self.visibility:
            if key != "all" and key not in ids:
                problems.append(_unknown(f"visibility.{key}", key, ["all", *ids]))
        for key, objectives in self.scoring.objectives.items():
            if key not in ids:
                problems.append(_unknown(f"scoring.objectives.{key}", key, ids))
            for n, objective in enumerate(objectives):
                if objective.pledge is not None and objective.pledge not in pledge_ids:
                    from negotiation.config.errors import suggest

                    problems.append(f"scoring.objectives.{key}.{n}.pledge: unknown pledge '{objective.pledge}'"
                                    f"{suggest(objective.pledge, pledge_ids)}; allowed: {', '.join(pledge_ids)}")
        return problems

    def _negotiation_references(self, ids: list[str]) -> list[str]:
        """Outside options are countries'; a link extends a tariff, purchase or measure pledge."""
        problems = [_unknown(f"negotiation.outside_options.{cid}", cid, ids)
                    for cid in self.negotiation.outside_options if cid not in ids]
        pledges = {p.id: p for c in self.countries.values() for p in c.pledges}
        linkable = [pid for pid, p in pledges.items() if p.instrument in LINKABLE]
        for n, link in enumerate(self.negotiation.links):
            if link.like not in linkable:
                what = (f"pledge '{link.like}' is an {pledges[link.like].instrument} pledge, which cannot be "
                        "extended" if link.like in pledges else f"unknown pledge '{link.like}'")
                problems.append(f"negotiation.links.{n}.like: {what}; allowed: a tariff, purchase or measure "
                                f"pledge ({', '.join(linkable) or 'none in this scenario'})")
        return problems

    def seat_visibility(self, country: str) -> Visibility:
        """What a person playing ``country`` sees: the 'all' rules, then the country's own."""
        return self.visibility.get("all", Visibility()).merged(self.visibility.get(country))


def _unknown(field: str, value: str, allowed: list[str], what: str = "country") -> str:
    from negotiation.config.errors import suggest

    return f"{field}: unknown {what} '{value}'{suggest(value, allowed)}; allowed: {', '.join(allowed)}"


def _duplicate_pledges(countries: dict[str, Country]) -> list[str]:
    """One problem per repeated pledge id, at each repeat, naming where the id was first given."""
    first: dict[str, str] = {}
    problems = []
    for key, country in countries.items():
        for n, pledge in enumerate(country.pledges):
            where = f"countries.{key}.pledges.{n}"
            if pledge.id in first:
                problems.append(f"{where}.id: duplicate pledge id '{pledge.id}' (first given at {first[pledge.id]}); "
                                "each id must be unique")
            else:
                first[pledge.id] = where
    return problems
